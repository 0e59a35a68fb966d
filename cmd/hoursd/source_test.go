package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/daemon"
	"github.com/hoursd/hoursd/daemon/web"
	"github.com/hoursd/hoursd/schedule"
)

// seedText is the text of Försäkringskassan's "Ring kundcenter" page as
// it stood on 2 June 2025.
func seedText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/forsakringskassan-kundcenter.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// deviating says whether a line of the page is one of its dated lines.
func deviating(line string) bool {
	for _, w := range []string{" januari,", " april,", " maj,", " juni,", " oktober,", " december,"} {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}

// layouts are the ways publishers lay out the same text: as it is, in
// paragraphs between a cookie banner, navigation and an FAQ, as a list,
// and as a table of date and hours.
var layouts = map[string]func(text string) (contentType, body string){
	"plain text": func(text string) (string, string) { return "text/plain; charset=utf-8", text },
	"paragraphs": func(text string) (string, string) {
		return "text/html; charset=utf-8", htmlPage(text, func(lines []string) string {
			var b strings.Builder
			for _, l := range lines {
				fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(l))
			}
			return b.String()
		})
	},
	"list": func(text string) (string, string) {
		return "text/html; charset=utf-8", htmlPage(text, func(lines []string) string {
			var b strings.Builder
			inList := false
			for _, l := range lines {
				switch {
				case deviating(l) && !inList:
					b.WriteString("<ul class=\"deviations\">\n")
					inList = true
				case !deviating(l) && inList:
					b.WriteString("</ul>\n")
					inList = false
				}
				if inList {
					fmt.Fprintf(&b, "  <li>%s</li>\n", html.EscapeString(l))
				} else {
					fmt.Fprintf(&b, "<div class=\"text\"><span>%s</span></div>\n", html.EscapeString(l))
				}
			}
			return b.String()
		})
	},
	"table": func(text string) (string, string) {
		return "text/html; charset=utf-8", htmlPage(text, func(lines []string) string {
			var b strings.Builder
			inTable := false
			for _, l := range lines {
				switch {
				case deviating(l) && !inTable:
					b.WriteString("<table>\n<thead><tr><th>Dag</th><th>Öppettider</th></tr></thead>\n<tbody>\n")
					inTable = true
				case !deviating(l) && inTable:
					b.WriteString("</tbody></table>\n")
					inTable = false
				}
				if inTable {
					day, hours, _ := strings.Cut(l, ", ")
					fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td></tr>\n", html.EscapeString(day), html.EscapeString(hours))
				} else {
					fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(l))
				}
			}
			return b.String()
		})
	},
}

// htmlPage wraps the page's lines, laid out by body, in the furniture of
// an agency's site.
func htmlPage(text string, body func([]string) string) string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Ring kundcenter - Försäkringskassan</title>
<script>window.dataLayer = [{"page": "ring-kundcenter", "updated": "2025-06-02"}];</script></head><body>
<div id="cookie-banner" role="dialog"><p>Vi använder kakor.</p><button>Ja, jag godkänner alla kakor</button></div>
<nav><ul><li><a href="/">Start</a></li><li><a href="/kontakt">Kontakta oss</a></li><li><a href="/en">In English</a></li></ul></nav>
<main>
` + body(lines) + `</main>
<footer><p>Försäkringskassan, 103 51 Stockholm</p></footer></body></html>`
}

// publisherSite serves the page the test sets, with an ETag of its content,
// or an error status.
type publisherSite struct {
	mu          sync.Mutex
	contentType string
	body        string
	status      int
}

func (p *publisherSite) set(contentType, body string, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.contentType, p.body, p.status = contentType, body, status
}

func (p *publisherSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status != 0 {
		http.Error(w, "Tekniskt fel", p.status)
		return
	}
	etag := fmt.Sprintf(`"%d-%d"`, len(p.body), strings.Count(p.body, "a"))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", p.contentType)
	fmt.Fprint(w, p.body)
}

// fetchResult is what the test reads of `source fetch --format json`.
type fetchResult struct {
	Schedule string `json:"schedule"`
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
	HeldBack bool   `json:"held_back"`
	Reading  *struct {
		Exceptions []struct {
			From, To, Name string
			Hours          []struct{ Open, Close string }
			Closed         bool
		} `json:"exceptions"`
		Periods []struct {
			From, To, Name string
			Week           map[string][]struct{ Open, Close string }
		} `json:"periods"`
	} `json:"reading"`
	Changes []struct{ Action, Kind, From string } `json:"changes"`
}

func hoursdIn(t *testing.T, cfg string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append(args, "--config", cfg), &out, &errOut)
	return code, out.String(), errOut.String()
}

func fetchJSONOf(t *testing.T, cfg string) (int, []fetchResult, string) {
	t.Helper()
	code, out, errOut := hoursdIn(t, cfg, "source", "fetch", "--format", "json")
	var res []fetchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("source fetch --format json: %v\nstdout: %s\nstderr: %s", err, out, errOut)
	}
	return code, res, errOut
}

// readDates is a reading's exceptions as "2025-04-17 08:00-11:30" or
// "2025-05-01 closed", and its periods as "2025-06-30..2025-08-24 mon 08:00-15:00".
func readDates(r fetchResult) []string {
	var out []string
	if r.Reading == nil {
		return nil
	}
	for _, x := range r.Reading.Exceptions {
		h := "closed"
		if !x.Closed {
			var parts []string
			for _, iv := range x.Hours {
				parts = append(parts, iv.Open+"-"+iv.Close)
			}
			h = strings.Join(parts, ",")
		}
		d := x.From
		if x.To != x.From {
			d += ".." + x.To
		}
		out = append(out, d+" "+h)
	}
	for _, p := range r.Reading.Periods {
		mon := p.Week["mon"]
		h := "closed"
		if len(mon) == 1 {
			h = mon[0].Open + "-" + mon[0].Close
		}
		out = append(out, p.From+".."+p.To+" mon "+h)
	}
	return out
}

// The seed's list of 2025, and its summer.
var seed2025 = []string{
	"2025-01-01 closed", "2025-01-06 closed", "2025-04-17 08:00-11:30", "2025-04-18 closed",
	"2025-04-21 closed", "2025-04-30 08:00-11:30", "2025-05-01 closed", "2025-05-29 closed",
	"2025-06-06 closed", "2025-06-20 closed", "2025-10-31 08:00-11:30", "2025-12-24 closed",
	"2025-12-25 closed", "2025-12-26 closed", "2025-12-31 closed",
	"2025-06-30..2025-08-24 mon 08:00-15:00",
}

func sourceConfig(t *testing.T, dir, url, hook string) string {
	t.Helper()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
http: {listen: ""}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
    source: {url: "%s", format: page}
channels:
  - {id: hook, type: webhook, url: "%s"}
subscribers:
  - {id: team, language: en, schedules: [kundcenter], targets: [{channel: hook}]}
`, filepath.Join(dir, "state"), url, hook))
	return cfg
}

// TestSourceFetchLayouts: whatever the layout, `source fetch` reads every
// date of the seed's 2025 list and its summer, keeps them, and `upcoming`
// then shows them although the configuration holds none of them.
func TestSourceFetchLayouts(t *testing.T) {
	text := seedText(t)
	for name, layout := range layouts {
		t.Run(name, func(t *testing.T) {
			site := &publisherSite{}
			ct, body := layout(text)
			site.set(ct, body, 0)
			srv := httptest.NewServer(site)
			defer srv.Close()
			cfg := sourceConfig(t, t.TempDir(), srv.URL+"/ring-kundcenter", "http://127.0.0.1:1/unused")

			code, res, stderr := fetchJSONOf(t, cfg)
			if code != 0 || len(res) != 1 || !res[0].OK {
				t.Fatalf("source fetch = exit %d, %+v\nstderr: %s", code, res, stderr)
			}
			if got := readDates(res[0]); strings.Join(got, "\n") != strings.Join(seed2025, "\n") {
				t.Errorf("source fetch read\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(seed2025, "\n"))
			}
			if len(res[0].Changes) != len(seed2025)+1 { // every date and period added, and the regular week
				t.Errorf("source fetch reported %d changes, want %d (all added)", len(res[0].Changes), len(seed2025)+1)
			}

			code, out, stderr := hoursdIn(t, cfg, "upcoming", "--from", "2025-04-15", "--days", "80", "--format", "json")
			for _, want := range []string{
				`"date":"2025-04-17","kind":"day","name":"Skärtorsdagen","hours":[{"open":"08:00","close":"11:30"}]`,
				`"date":"2025-05-01","kind":"day"`,
				`"date":"2025-06-30","kind":"period-start","name":"Sommaröppettider","until":"2025-08-24"`,
			} {
				if code != 0 || !strings.Contains(out, want) {
					t.Errorf("upcoming after source fetch = exit %d, lacks %s\nstdout: %s\nstderr: %s", code, want, out, stderr)
				}
			}

			// The second fetch costs a 304 and changes nothing.
			code, out, _ = hoursdIn(t, cfg, "source", "fetch")
			if code != 0 || !strings.Contains(out, "not modified since") {
				t.Errorf("source fetch again = exit %d\n%s\nwant the kept reading confirmed", code, out)
			}
		})
	}
}

// TestSourceBesideOpeningHours: a schedule written as an opening_hours
// expression takes what its source reads, the summer as a season and the
// closed days on top, while its own "PH off" still closes the holidays.
func TestSourceBesideOpeningHours(t *testing.T) {
	site := &publisherSite{}
	_, page := layouts["paragraphs"](edition(2026, "", "Midsommarafton 19 juni, stängt", "Julafton 24 december, stängt"))
	site.set("text/html; charset=utf-8", page, 0)
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
http: {listen: ""}
schedules:
  - id: kundcenter
    opening_hours: "Mo-Fr 08:00-16:00; PH off"
    source: {url: "%s/ring-kundcenter", format: page}
channels:
  - {id: hook, type: webhook, url: "http://127.0.0.1:1/unused"}
subscribers:
  - {id: team, language: en, schedules: [kundcenter], targets: [{channel: hook}]}
`, filepath.Join(dir, "state"), srv.URL))

	if code, out, stderr := hoursdIn(t, cfg, "source", "fetch"); code != 0 {
		t.Fatalf("source fetch = exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr := hoursdIn(t, cfg, "upcoming", "--from", "2026-05-01", "--days", "240", "--format", "json")
	if code != 0 || strings.Contains(stderr, "left out") {
		t.Fatalf("upcoming = exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
	for _, want := range []string{
		`"date":"2026-05-14","kind":"day"`, // Kristi himmelsfärdsdag: the expression's PH off
		`"date":"2026-06-19","kind":"day"`, // the page's Midsommarafton
		`"date":"2026-06-28","kind":"period-start","name":"Sommaröppettider","until":"2026-08-15"`,
		`"date":"2026-08-16","kind":"period-end"`,
		`"date":"2026-12-24","kind":"day"`, // the page's Julafton
	} {
		if !strings.Contains(out, want) {
			t.Errorf("upcoming lacks %s\nstdout: %s\nstderr: %s", want, out, stderr)
		}
	}
	code, out, stderr = hoursdIn(t, cfg, "day", "--date", "2026-07-01")
	if code != 0 || !strings.Contains(out, "08:00-15:00") || !strings.Contains(out, "source period 2026-06-28..2026-08-15") {
		t.Errorf("day 2026-07-01 = exit %d, want the summer's 08:00-15:00 from its source period\nstdout: %s\nstderr: %s", code, out, stderr)
	}
}

// edition is a later edition of the page, for year y: its list of dates
// and its summer. valborg is the line for Valborgsmässoafton ("" leaves it
// out); only is, when set, the whole list.
func edition(y int, valborg string, only ...string) string {
	list := []string{"1 maj, stängt", "Sveriges nationaldag 6 juni, stängt", "Julafton 24 december, stängt", "Nyårsafton 31 december, stängt"}
	if valborg != "" {
		list = append([]string{valborg}, list...)
	}
	if len(only) > 0 {
		list = only
	}
	return fmt.Sprintf(`Ring kundcenter
Öppettider för kundcenter
Måndag–fredag: 8–16
Lördag–söndag: stängt
Sommaröppettider för kundcenter
Gäller under perioden 28 juni – 15 augusti %[1]d.
Måndag–fredag: 8–15
Avvikande öppettider
Följande dagar %[1]d har avvikande öppettider:
%[2]s
Frågor och svar
Kan ni ringa upp mig?
Nej.
`, y, strings.Join(list, "\n"))
}

// TestSourceFollowsThePage follows a later edition of the page through
// its edits, with checks on the evenings before: what the page adds is
// announced, what it edits is corrected once, what it drops is cancelled
// once, a page that breaks or drops most dates keeps the last reading.
func TestSourceFollowsThePage(t *testing.T) {
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	y := time.Now().In(stockholm).Year() + 1 // ahead, so nothing is too late to send
	var mu sync.Mutex
	var posts []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		mu.Lock()
		posts = append(posts, b.String())
		mu.Unlock()
	}))
	defer hook.Close()
	site := &publisherSite{}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	cfg := sourceConfig(t, dir, srv.URL+"/ring-kundcenter", hook.URL)
	at := func(date, hm string) string { return fmt.Sprintf("%d-%sT%s:00+02:00", y, date, hm) }
	valborg := fmt.Sprintf("%d-04-30", y)

	steps := []struct {
		name      string
		page      string
		status    int
		args      []string
		code      int
		stdout    []string // each contained in stdout
		stderr    []string // each contained in stderr
		posts     int      // webhook posts so far
		lastPost  string   // contained in the last post
		upcoming  string   // contained in `upcoming` over the year after the step
		noUpcomig string   // not contained in it
	}{
		{name: "validate warns of a source never read", args: []string{"validate"}, code: 0,
			stderr: []string{"hoursd: warning: schedule kundcenter: its source has never been read"}},
		{name: "the new edition is read", page: edition(y, "Valborgsmässoafton 30 april, 8–11.30"),
			args: []string{"source", "fetch"}, code: 0,
			stdout:   []string{"dates (5):", valborg + "  08:00-11:30  Valborgsmässoafton", fmt.Sprintf("%d-06-28..%d-08-15  Sommaröppettider  mon-fri 08:00-15:00", y, y), "added"},
			upcoming: `"date":"` + valborg + `","kind":"day"`},
		{name: "the eve of Valborg announces it", args: []string{"check", "--at", at("04-29", "18:00")}, code: 0,
			stdout: []string{"team/hook: sent"}, posts: 1, lastPost: "11:30"},
		{name: "the page moves Valborg's closing", page: edition(y, "Valborgsmässoafton 30 april, 8–12"),
			args: []string{"source", "fetch"}, code: 0, stdout: []string{"changed", "08:00-12:00 (was 08:00-11:30)"}, posts: 1},
		{name: "the next check corrects the announcement", args: []string{"check", "--at", at("04-29", "19:00")}, code: 0,
			posts: 2, lastPost: "12:00"},
		{name: "and only once", args: []string{"check", "--at", at("04-29", "19:30")}, code: 0,
			stdout: []string{"nothing to announce"}, posts: 2},
		{name: "the page drops Valborg", page: edition(y, ""),
			args: []string{"source", "fetch"}, code: 0, stdout: []string{"removed", valborg}, posts: 2,
			noUpcomig: `"date":"` + valborg + `"`},
		{name: "the next check cancels the announcement", args: []string{"check", "--at", at("04-29", "20:00")}, code: 0,
			posts: 3, lastPost: "the usual hours apply after all"},
		{name: "and only once ", args: []string{"check", "--at", at("04-29", "20:30")}, code: 0,
			stdout: []string{"nothing to announce"}, posts: 3},
		{name: "a page that breaks keeps the last reading", status: http.StatusServiceUnavailable,
			args: []string{"source", "fetch"}, code: 1, stdout: []string{"FAILED", "http 503", "is kept"}, posts: 3,
			upcoming: `"kind":"period-start","name":"Sommaröppettider","until":"` + fmt.Sprint(y) + `-08-15"`},
		{name: "a page that drops most dates is held back", page: edition(y, "", "Nyårsafton 31 december, stängt"),
			args: []string{"source", "fetch"}, code: 1, stdout: []string{"FAILED", "held back", "lacks 3 of the 5"}, posts: 3,
			upcoming: `"kind":"period-start","name":"Sommaröppettider"`},
		{name: "show says so and what is kept", args: []string{"source", "show"}, code: 0,
			stdout: []string{"failed (2 in a row)", "dates (4):", "Julafton"}, posts: 3},
		{name: "status shows the source and its failure", args: []string{"status"}, code: 0,
			stdout: []string{"SOURCE", "kundcenter", "held back: the page now lacks 3 of the 5"}, posts: 3},
		{name: "validate is content with a fresh reading", args: []string{"validate"}, code: 0, posts: 3},
		{name: "the eve of the summer announces it", args: []string{"check", "--at", at("06-27", "18:00")}, code: 0,
			stdout: []string{"team/hook: sent"}, posts: 4, lastPost: "15:00"},
	}
	for _, st := range steps {
		if st.page != "" || st.status != 0 {
			site.set("text/plain; charset=utf-8", st.page, st.status)
		}
		code, out, errOut := hoursdIn(t, cfg, st.args...)
		mu.Lock()
		n, last := len(posts), ""
		if n > 0 {
			last = posts[n-1]
		}
		mu.Unlock()
		if code != st.code || n != st.posts || !strings.Contains(last, st.lastPost) {
			t.Errorf("%s: hoursd %s = exit %d, %d posts (last %q); want exit %d, %d posts, the last with %q\nstdout: %s\nstderr: %s",
				st.name, strings.Join(st.args, " "), code, n, last, st.code, st.posts, st.lastPost, out, errOut)
		}
		for _, w := range st.stdout {
			if !strings.Contains(out, w) {
				t.Errorf("%s: hoursd %s printed\n%s\nwant %q in it", st.name, strings.Join(st.args, " "), out, w)
			}
		}
		for _, w := range st.stderr {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: hoursd %s: stderr\n%s\nwant %q in it", st.name, strings.Join(st.args, " "), errOut, w)
			}
		}
		if st.stderr == nil && st.args[0] == "validate" && errOut != "" {
			t.Errorf("%s: hoursd validate warned: %s", st.name, errOut)
		}
		if st.upcoming != "" || st.noUpcomig != "" {
			_, up, _ := hoursdIn(t, cfg, "upcoming", "--from", fmt.Sprintf("%d-01-01", y), "--days", "365", "--format", "json")
			if st.upcoming != "" && !strings.Contains(up, st.upcoming) {
				t.Errorf("%s: upcoming lacks %s:\n%s", st.name, st.upcoming, up)
			}
			if st.noUpcomig != "" && strings.Contains(up, st.noUpcomig) {
				t.Errorf("%s: upcoming still has %s:\n%s", st.name, st.noUpcomig, up)
			}
		}
	}
}

// TestSourceCommandsBadInput: a bad configuration or flag is exit 2 with
// the key path or the flag, and nothing is fetched.
func TestSourceCommandsBadInput(t *testing.T) {
	dir := t.TempDir()
	good := sourceConfig(t, dir, "https://www.example.com/hours", "http://127.0.0.1:1/unused")
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, bad, `schedules:
  - id: kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
    source: {url: "http://www.example.com/hours", format: html, refresh: "0 6 * *"}
channels: [{id: out, type: console}]
subscribers: [{id: s, schedules: [kundcenter], targets: [{channel: out}]}]
`)
	tests := []struct {
		name   string
		cfg    string
		args   []string
		stderr []string
	}{
		{"bad source keys", bad, []string{"source", "fetch"}, []string{
			"schedules[0].source.format: unknown source format \"html\"",
			"schedules[0].source.refresh: \"0 6 * *\" is not a cron spec",
			"schedules[0].source.url: http:// to www.example.com could be altered on the way; use https://"}},
		{"an unknown schedule", good, []string{"source", "fetch", "--schedule", "bibliotek"}, []string{"no such schedule"}},
		{"a bad format", good, []string{"source", "show", "--format", "yaml"}, []string{`--format "yaml" is not text or json`}},
		{"no subcommand", good, []string{"source"}, []string{"name a subcommand: fetch or show"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := hoursdIn(t, tt.cfg, tt.args...)
			if code != 2 {
				t.Errorf("hoursd %s = exit %d, want 2\nstderr: %s", strings.Join(tt.args, " "), code, stderr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("hoursd %s: stderr lacks %q:\n%s", strings.Join(tt.args, " "), w, stderr)
				}
			}
		})
	}
}

// TestRunRefreshesSources drives what `hoursd run` starts beside the
// daemon: the refresh at start reads the page, keeps it and reloads the
// daemon, whose configuration then holds the page's dates; /metrics and
// the status page say when the source was last read. A page that cannot be
// reached (no network) is one warning in the log and nothing else.
func TestRunRefreshesSources(t *testing.T) {
	y := time.Now().Year() + 1
	site := &publisherSite{}
	site.set("text/plain; charset=utf-8", edition(y, "Valborgsmässoafton 30 april, 8–11.30"), 0)
	srv := httptest.NewServer(site)
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	unreachable := closed.URL + "/ring-kundcenter"
	closed.Close()

	tests := []struct {
		name    string
		url     string
		waitFor []string // log lines, in order
		hours   string   // of Valborg in the daemon's configuration afterwards; "": no reload at all
		metric  string   // contained in /metrics
		page    string   // contained in the status page
	}{
		{"a page that is read", srv.URL + "/ring-kundcenter",
			[]string{"source read", "a source changed; reloading", "configuration loaded"}, "08:00-11:30",
			`hoursd_source_failing{schedule="kundcenter"} 0`, "Senast läst"},
		{"no network", unreachable,
			[]string{"source refresh failed; there is no reading yet"}, "",
			`hoursd_source_failing{schedule="kundcenter"} 1`, "Senaste läsningen misslyckades"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgPath := sourceConfig(t, dir, tt.url, "http://127.0.0.1:1/unused")
			pr, pw := io.Pipe()
			logs := newLogWatch(pr)
			a := &app{stdout: io.Discard, stderr: pw, configPath: cfgPath}
			cfg, log, err := a.loadLogged()
			if err != nil {
				t.Fatal(err)
			}
			metrics := web.NewMetrics()
			d, err := daemon.New(cfg, daemon.Options{Logger: log, Observer: metrics})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			pages := web.New(web.Options{Metrics: metrics, Sources: func() []web.SourceStatus { return pageSources(d) },
				Source: func() ([]*schedule.Schedule, *time.Location, time.Time) {
					return d.Config().Schedules, d.Config().Location, d.LoadedAt()
				}})
			_, stop := startSources(t.Context(), a, d, metrics, log)
			for _, l := range tt.waitFor {
				logs.waitFor(t, l)
			}
			stop()
			pw.Close()
			logs.wait()

			valborg, _ := schedule.ParseDate(fmt.Sprintf("%d-04-30", y))
			switch got := d.Config().Schedule("kundcenter").Day(valborg).Hours.String(); {
			case tt.hours == "" && d.Config() != cfg:
				t.Errorf("the daemon reloaded after a failed refresh")
			case tt.hours != "" && got != tt.hours:
				t.Errorf("the daemon's Day(%s) = %s, want %s", valborg, got, tt.hours)
			}
			if n := strings.Count(logs.all(), "source refresh failed"); tt.url == unreachable && n != 1 {
				t.Errorf("the log has %d failed refreshes, want 1:\n%s", n, logs.all())
			}
			for path, want := range map[string]string{"/metrics": tt.metric, "/": tt.page} {
				rec := httptest.NewRecorder()
				pages.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if !strings.Contains(rec.Body.String(), want) {
					t.Errorf("GET %s lacks %q:\n%.3000s", path, want, rec.Body.String())
				}
			}
		})
	}
}

// TestRunFollowsReloadedSources: a source added to the configuration file
// while hoursd runs is read as soon as the daemon reloads, not at its next
// start, and its dates are then in the daemon's configuration.
func TestRunFollowsReloadedSources(t *testing.T) {
	y := time.Now().Year() + 1
	site := &publisherSite{}
	site.set("text/plain; charset=utf-8", edition(y, "Valborgsmässoafton 30 april, 8–11.30"), 0)
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	cfgPath := sourceConfig(t, dir, srv.URL+"/ring-kundcenter", "http://127.0.0.1:1/unused")
	withSource, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var without []string
	for _, l := range strings.Split(string(withSource), "\n") {
		if !strings.Contains(l, "source:") {
			without = append(without, l)
		}
	}
	writeFile(t, cfgPath, strings.Join(without, "\n"))

	pr, pw := io.Pipe()
	logs := newLogWatch(pr)
	a := &app{stdout: io.Discard, stderr: pw, configPath: cfgPath}
	cfg, log, err := a.loadLogged()
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.New(cfg, daemon.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	reloaded, stop := startSources(t.Context(), a, d, nil, log)

	// What `hoursd run` does on SIGHUP: reload, then tell the sources.
	writeFile(t, cfgPath, string(withSource))
	if err := d.Reload(a.loadConfig); err != nil {
		t.Fatal(err)
	}
	reloaded()
	for _, l := range []string{"source refreshes follow the reloaded configuration", "source read", "a source changed; reloading"} {
		logs.waitFor(t, l)
	}
	stop()
	pw.Close()
	logs.wait()

	valborg, _ := schedule.ParseDate(fmt.Sprintf("%d-04-30", y))
	if got := d.Config().Schedule("kundcenter").Day(valborg).Hours.String(); got != "08:00-11:30" {
		t.Errorf("after the reload the daemon's Day(%s) = %s, want 08:00-11:30 from the page", valborg, got)
	}
}

// TestSourceFormats: a shop's schema.org JSON-LD and a library's iCalendar
// feed of closures go the same way as a page: read, kept, merged.
func TestSourceFormats(t *testing.T) {
	ld := `<!DOCTYPE html><html><head><title>Apoteket Lärkan</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Pharmacy","name":"Apoteket Lärkan",
 "openingHoursSpecification":[{"@type":"OpeningHoursSpecification","dayOfWeek":["Monday","Tuesday","Wednesday","Thursday","Friday"],"opens":"08:00","closes":"16:00"}],
 "specialOpeningHoursSpecification":[
  {"@type":"OpeningHoursSpecification","validFrom":"2026-12-24","validThrough":"2026-12-24","opens":"00:00","closes":"00:00"},
  {"@type":"OpeningHoursSpecification","validFrom":"2026-04-30","validThrough":"2026-04-30","opens":"08:00","closes":"13:00"}]}</script>
</head><body><p>Välkommen!</p></body></html>`
	ics := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Stadsbiblioteket//Stängt//SV
BEGIN:VEVENT
UID:a@example.se
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20261224
DTEND;VALUE=DATE:20261227
SUMMARY:Stängt över jul
END:VEVENT
BEGIN:VEVENT
UID:b@example.se
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Stockholm:20260430T080000
DTEND;TZID=Europe/Stockholm:20260430T130000
SUMMARY:Valborgsmässoafton
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	tests := []struct {
		format, contentType, body string
		want                      []string // readDates
	}{
		{"jsonld", "text/html; charset=utf-8", ld, []string{"2026-04-30 08:00-13:00", "2026-12-24 closed"}},
		{"ics", "text/calendar; charset=utf-8", ics, []string{"2026-04-30 08:00-13:00", "2026-12-24..2026-12-26 closed"}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			site := &publisherSite{}
			site.set(tt.contentType, tt.body, 0)
			srv := httptest.NewServer(site)
			defer srv.Close()
			dir := t.TempDir()
			cfg := sourceConfig(t, dir, srv.URL+"/hours", "http://127.0.0.1:1/unused")
			b, _ := os.ReadFile(cfg)
			writeFile(t, cfg, strings.Replace(string(b), "format: page", "format: "+tt.format, 1))

			code, res, stderr := fetchJSONOf(t, cfg)
			if code != 0 || len(res) != 1 {
				t.Fatalf("source fetch = exit %d, %+v\nstderr: %s", code, res, stderr)
			}
			got := readDates(res[0])
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("source fetch (%s) read\n%s\nwant\n%s", tt.format, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			_, out, _ := hoursdIn(t, cfg, "day", "--date", "2026-04-30")
			if !strings.Contains(out, "08:00-13:00") {
				t.Errorf("day --date 2026-04-30 after source fetch (%s):\n%s\nwant 08:00-13:00", tt.format, out)
			}
		})
	}
}
