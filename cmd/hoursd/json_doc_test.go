package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// docShapes reads the examples of docs/json.md: each ```json block that
// follows a <!-- json: NAME --> line, by NAME.
func docShapes(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "json.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- json: ([a-z-]+) -->\n```json\n(.*?)\n```")
	out := map[string]any{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		var v any
		if err := json.Unmarshal([]byte(m[2]), &v); err != nil {
			t.Fatalf("docs/json.md: the example %q is not JSON: %v", m[1], err)
		}
		out[m[1]] = v
	}
	return out
}

var (
	docDate    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	docClock   = regexp.MustCompile(`^\d{2}:\d{2}$`)
	docInstant = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}`)
	// docNullable are the keys docs/json.md lets be an object or null:
	// a source's `reading` (null before a first good reading) and a
	// reading's `weekly` (null when the page states no regular week).
	docNullable = map[string]bool{"reading": true, "weekly": true}
)

// matchShape reports where got differs in shape from the documented
// example doc, at path:
//   - an object has exactly the example's keys, each value matching (a
//     key of docNullable may be null instead);
//   - a list is a list (never null), each element matching one of the
//     example's elements (an example list holds one of each kind); an
//     empty example list allows only an empty list;
//   - a string in the example's form is in that form: a date YYYY-MM-DD, a
//     time HH:MM, an instant RFC 3339 (or null: an instant may be absent,
//     and an example's null stands for such an instant);
//   - any other value has the example's JSON type.
func matchShape(path string, doc, got any) []string {
	switch d := doc.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want an object", path, kindOf(got))}
		}
		var out []string
		for k := range g {
			if _, ok := d[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: a key docs/json.md does not list", path, k))
			}
		}
		for k, dv := range d {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			if _, obj := dv.(map[string]any); obj && gv == nil && docNullable[k] {
				continue
			}
			out = append(out, matchShape(path+"."+k, dv, gv)...)
		}
		slices.Sort(out)
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want a list", path, kindOf(got))}
		}
		if len(d) == 0 && len(g) > 0 {
			return []string{fmt.Sprintf("%s: %d element(s), want [] as documented", path, len(g))}
		}
		var out []string
		for i, gv := range g {
			var best []string
			for _, dv := range d {
				p := matchShape(fmt.Sprintf("%s[%d]", path, i), dv, gv)
				if len(p) == 0 {
					best = nil
					break
				}
				if best == nil || len(p) < len(best) {
					best = p
				}
			}
			out = append(out, best...)
		}
		return out
	case nil:
		// The examples write null only for an instant that is absent.
		if g, ok := got.(string); ok {
			if _, err := time.Parse(time.RFC3339, g); err != nil {
				return []string{fmt.Sprintf("%s: %q, want null or an RFC 3339 instant", path, g)}
			}
			return nil
		}
		if got != nil {
			return []string{fmt.Sprintf("%s: %s, want null or an RFC 3339 instant", path, kindOf(got))}
		}
		return nil
	case string:
		if got == nil && docInstant.MatchString(d) {
			return nil
		}
		g, ok := got.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: %s, want a string like %q", path, kindOf(got), d)}
		}
		for _, form := range []*regexp.Regexp{docDate, docClock} {
			if form.MatchString(d) && !form.MatchString(g) {
				return []string{fmt.Sprintf("%s: %q, want the form of %q", path, g, d)}
			}
		}
		if docInstant.MatchString(d) {
			if _, err := time.Parse(time.RFC3339, g); err != nil {
				return []string{fmt.Sprintf("%s: %q is not an RFC 3339 instant", path, g)}
			}
		}
		return nil
	}
	if kindOf(doc) != kindOf(got) {
		return []string{fmt.Sprintf("%s: %s, want %s", path, kindOf(got), kindOf(doc))}
	}
	return nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	}
	return "an object"
}

// TestMatchShape: the comparison fails where a script would break.
func TestMatchShape(t *testing.T) {
	doc := map[string]any{"date": "2026-04-30", "at": "2026-04-29T18:00:00+02:00", "n": 1.0,
		"hours": []any{map[string]any{"open": "08:00", "close": "16:00"}}}
	week := map[string]any{"mon": []any{}}
	withWeek := func(key string) map[string]any { d := maps.Clone(doc); d[key] = week; return d }
	good := `{"date":"2027-01-01","at":null,"n":3,"hours":[]}`
	tests := []struct {
		name, got, want string
		doc             map[string]any // nil: doc
	}{
		{"as documented", good, "", nil},
		{"an unknown key", `{"date":"2027-01-01","at":null,"n":3,"hours":[],"Open":600}`, "$.Open: a key docs/json.md does not list", nil},
		{"a missing key", `{"date":"2027-01-01","at":null,"hours":[]}`, "$.n: missing", nil},
		{"null for a list", `{"date":"2027-01-01","at":null,"n":3,"hours":null}`, "$.hours: null, want a list", nil},
		{"a Go date", `{"date":{"Year":2027},"at":null,"n":3,"hours":[]}`, "$.date: an object, want a string", nil},
		{"a time in minutes", `{"date":"2027-01-01","at":null,"n":3,"hours":[{"open":480,"close":"16:00"}]}`, "$.hours[0].open: a number, want a string", nil},
		{"a date not YYYY-MM-DD", `{"date":"1/1/2027","at":null,"n":3,"hours":[]}`, `$.date: "1/1/2027", want the form`, nil},
		{"an instant not RFC 3339", `{"date":"2027-01-01","at":"2027-01-01T18:00:00","n":3,"hours":[]}`, "not an RFC 3339 instant", nil},
		{"an absent string left out", `{"date":"2027-01-01","at":null,"n":3,"hours":[{"open":"08:00"}]}`, "$.hours[0].close: missing", nil},
		{"null for an object", `{"date":"2027-01-01","at":null,"n":3,"hours":[],"week":null}`, "$.week: null, want an object", withWeek("week")},
		{"a source's week stated nowhere", `{"date":"2027-01-01","at":null,"n":3,"hours":[],"weekly":null}`, "", withWeek("weekly")},
		{"a source's week as a list", `{"date":"2027-01-01","at":null,"n":3,"hours":[],"weekly":[]}`, "$.weekly: a list, want an object", withWeek("weekly")},
	}
	for _, tt := range tests {
		var got any
		if err := json.Unmarshal([]byte(tt.got), &got); err != nil {
			t.Fatal(err)
		}
		d := doc
		if tt.doc != nil {
			d = tt.doc
		}
		p := strings.Join(matchShape("$", d, got), "; ")
		if (tt.want == "") != (p == "") || !strings.Contains(p, tt.want) {
			t.Errorf("%s: matchShape(%s) = %q, want %q", tt.name, tt.got, p, tt.want)
		}
	}
}

// TestJSONShapes runs every command that prints JSON, as a user would, on a
// configuration that makes each kind of element appear, and holds its
// output against docs/json.md's example.
func TestJSONShapes(t *testing.T) {
	shapes := docShapes(t)
	_, day, at := eveAhead(t)
	var mu sync.Mutex
	failing := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if failing != 0 {
			http.Error(w, "the hook says no", failing)
		}
	}))
	defer hook.Close()
	fail := func(code int) { mu.Lock(); failing = code; mu.Unlock() }
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
http: {listen: ""}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
    holidays: {calendar: se, closed: true}
    named_days:
      - {day: valborgsmassoafton, hours: ["08:00-11:30"]}
    periods:
      - {name: Sommaröppettider, from: 2027-06-28, to: 2027-08-22, weekly: {mon-fri: ["08:00-15:00"]}}
    exceptions:
      - {date: %s, closed: true, name: Flytt}
      - {date: %s, closed: true, name: Städning}
  - id: bibliotek
    weekly: {mon-sat: ["10:00-19:00"]}
channels:
  - {id: hook, type: webhook, url: "%s"}
subscribers:
  - {id: anna, schedules: [kundcenter], targets: [{channel: hook}]}
`, filepath.Join(dir, "state"), day(1), day(2), hook.URL))
	os.Chmod(cfg, 0o600)
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, bad, "schedules:\n  - id: x\n    weekly: {mon-fri: [\"8-16\"]}\n")
	// A schedule whose source is the customer centre's page, served as
	// the agency serves it (with an ETag, so the second fetch is a 304),
	// and one whose page is gone, so that it never has a reading.
	site := &publisherSite{}
	site.set("text/plain; charset=utf-8", seedText(t), 0)
	pages := httptest.NewServer(site)
	defer pages.Close()
	sourced := sourceConfig(t, t.TempDir(), pages.URL+"/ring-kundcenter", hook.URL)
	gone := httptest.NewServer(http.NotFoundHandler())
	defer gone.Close()
	unread := sourceConfig(t, t.TempDir(), gone.URL+"/ring-kundcenter", hook.URL)

	tests := []struct {
		name   string
		args   []string
		before func()
		code   int
		shape  string
		list   bool // a list of the shape
	}{
		{"upcoming", []string{"upcoming", "--from", "2027-04-29", "--days", "120"}, nil, 0, "upcoming", false},
		{"day of every schedule", []string{"day", "--date", "2027-04-30"}, nil, 0, "day", false},
		{"day of a period", []string{"day", "--date", "2027-07-05", "--schedule", "kundcenter"}, nil, 0, "day-one", false},
		{"day of a schedule, closed", []string{"day", "--date", "2027-05-01", "--schedule", "kundcenter"}, nil, 0, "day-one", false},
		{"validate, valid", []string{"validate"}, nil, 0, "validate", false},
		{"validate, invalid", []string{"validate", "--config", bad}, nil, 2, "validate", false},
		{"status before anything ran", []string{"status"}, nil, 0, "status", false},
		{"a dry run", []string{"check", "--dry-run", "--at", at(0, "18:00")}, nil, 0, "check", false},
		{"a dry run of a period", []string{"check", "--dry-run", "--at", "2027-06-27T18:00:00+02:00"}, nil, 0, "check", false},
		{"a check that sends", []string{"check", "--at", at(0, "18:00")}, nil, 0, "check", false},
		{"a check left pending", []string{"check", "--at", at(1, "18:00"), "--retry-for", "0"}, func() { fail(http.StatusBadGateway) }, 1, "check", false},
		{"status with a message pending", []string{"status"}, nil, 0, "status", false},
		{"a check that fails", []string{"check", "--at", at(1, "18:30")}, func() { fail(http.StatusUnauthorized) }, 1, "check", false},
		{"status with a failure", []string{"status"}, nil, 0, "status", false},
		{"the checks of a date", []string{"check", "--dry-run", "--at", day(3)}, nil, 0, "check", true},
		{"osm of every schedule", []string{"osm", "--from", "2027-01-01"}, nil, 0, "osm", true},
		{"osm of a schedule", []string{"osm", "--from", "2027-01-01", "--schedule", "kundcenter"}, nil, 0, "osm", false},
		{"source show before a fetch", []string{"source", "show", "--config", sourced}, nil, 0, "source-show", true},
		{"source fetch, a first reading", []string{"source", "fetch", "--config", sourced}, nil, 0, "source-fetch", true},
		{"source fetch of a schedule, not modified", []string{"source", "fetch", "--schedule", "kundcenter", "--config", sourced}, nil, 0, "source-fetch", false},
		{"source fetch that fails", []string{"source", "fetch", "--config", sourced}, func() { site.set("", "", http.StatusServiceUnavailable) }, 1, "source-fetch", true},
		{"source show after a failure", []string{"source", "show", "--schedule", "kundcenter", "--config", sourced}, nil, 0, "source-show", false},
		{"source fetch with never a reading", []string{"source", "fetch", "--schedule", "kundcenter", "--config", unread}, nil, 1, "source-fetch", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			args := append(slices.Clone(tt.args), "--format", "json")
			if !slices.Contains(args, "--config") {
				args = append(args, "--config", cfg)
			}
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != tt.code {
				t.Fatalf("hoursd %s = exit %d, want %d\nstderr: %s", strings.Join(args, " "), code, tt.code, stderr.String())
			}
			var got any
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("hoursd %s printed no JSON (%v):\n%s", strings.Join(args, " "), err, stdout.String())
			}
			doc, ok := shapes[tt.shape]
			if !ok {
				t.Fatalf("docs/json.md has no example <!-- json: %s -->", tt.shape)
			}
			if tt.list {
				doc = []any{doc}
			}
			if p := matchShape("$", doc, got); len(p) > 0 {
				t.Errorf("hoursd %s differs from docs/json.md's %q:\n  %s\noutput:\n%s", strings.Join(args, " "), tt.shape, strings.Join(p, "\n  "), stdout.String())
			}
		})
	}
}

// TestWebhookPayloadShape holds notifier/webhook's golden payloads, which
// its tests post through a local receiver, against docs/json.md.
func TestWebhookPayloadShape(t *testing.T) {
	doc := docShapes(t)["webhook"]
	goldens, err := filepath.Glob(filepath.Join("..", "..", "notifier", "webhook", "testdata", "*.golden"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no webhook goldens (%v)", err)
	}
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		var got any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		if p := matchShape("$", doc, got); len(p) > 0 {
			t.Errorf("%s differs from docs/json.md's webhook example:\n  %s", g, strings.Join(p, "\n  "))
		}
	}
}
