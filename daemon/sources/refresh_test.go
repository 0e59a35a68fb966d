package sources

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule/source"
)

// publisher is a local server that serves a page the test edits, with an
// ETag of its content, or an error status.
type publisher struct {
	mu     sync.Mutex
	page   string
	status int // 0: 200 with the page
	hits   int
}

func (p *publisher) set(page string, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.page, p.status = page, status
}

func (p *publisher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hits++
	if p.status != 0 {
		http.Error(w, "down for maintenance", p.status)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(p.page)))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	fmt.Fprint(w, p.page)
}

const edition2026 = `x 2026-04-02 2026-04-02 08:00-11:30 Skärtorsdagen
x 2026-04-03 2026-04-03 closed Långfredagen
x 2026-04-30 2026-04-30 08:00-11:30 Valborgsmässoafton
x 2026-05-01 2026-05-01 closed 1 maj
x 2026-06-19 2026-06-19 closed Midsommarafton
p 2026-06-29 2026-08-16 08:00-15:00 Sommaröppettider
x 2026-12-24 2026-12-24 closed Julafton
w 08:00-16:00
`

// TestRefresh follows one source through a year of a publisher's edits:
// what is kept, what is reported as changed, and what is refused.
func TestRefresh(t *testing.T) {
	pub := &publisher{}
	srv := httptest.NewServer(pub)
	defer srv.Close()
	cfg := testConfig(t, srv.URL+"/ring-kundcenter")
	now := time.Date(2026, 3, 1, 6, 0, 0, 0, stockholm)
	rf := &Refresher{StateDir: cfg.StateDir, Location: stockholm, Read: lineRead, Now: func() time.Time { return now }}

	// Valborg later, 1 maj gone, a new autumn date: two edits and an addition.
	edited := strings.NewReplacer(
		"x 2026-04-30 2026-04-30 08:00-11:30", "x 2026-04-30 2026-04-30 08:00-12:00",
		"x 2026-05-01 2026-05-01 closed 1 maj\n", "",
		"x 2026-12-24", "x 2026-10-30 2026-10-30 08:00-11:30 Dag före alla helgons dag\nx 2026-12-24",
	).Replace(edition2026)
	// A redesign that keeps only Christmas.
	mostGone := "x 2026-12-24 2026-12-24 closed Julafton\n"

	tests := []struct {
		name      string
		page      string
		status    int
		force     bool
		wantErr   error  // errors.Is; nil for a good refresh
		errText   string // contained in the error
		notMod    bool
		changes   []string // "action kind from", in order
		keptFrom  string   // the kept reading's fetch time
		keptValb  string   // the kept hours of 2026-04-30
		exception int      // number of kept exceptions
		failures  int
	}{
		{name: "the first reading is kept", page: edition2026,
			changes: []string{"added exception 2026-04-02", "added exception 2026-04-03", "added exception 2026-04-30",
				"added exception 2026-05-01", "added exception 2026-06-19", "added period 2026-06-29", "added exception 2026-12-24", "added weekly "},
			keptFrom: "2026-03-01T06:00", keptValb: "08:00-11:30", exception: 6},
		{name: "an unchanged page costs a 304", page: edition2026, notMod: true,
			keptFrom: "2026-03-01T06:00", keptValb: "08:00-11:30", exception: 6},
		{name: "an edited page is kept with its changes", page: edited,
			changes:  []string{"changed exception 2026-04-30", "removed exception 2026-05-01", "added exception 2026-10-30"},
			keptFrom: "2026-03-03T06:00", keptValb: "08:00-12:00", exception: 6},
		{name: "a page that breaks keeps the last reading", status: http.StatusInternalServerError,
			errText: "http 500", keptFrom: "2026-03-03T06:00", keptValb: "08:00-12:00", exception: 6, failures: 1},
		{name: "a page without a list keeps the last reading", page: "<html><body>Vi bygger om webbplatsen</body></html>",
			wantErr: source.ErrNoList, keptFrom: "2026-03-03T06:00", keptValb: "08:00-12:00", exception: 6, failures: 2},
		{name: "a page that drops most dates is held back", page: mostGone,
			wantErr: ErrHeldBack, errText: "lacks 6 of the 7 dated rules from 2026-03-06 on",
			keptFrom: "2026-03-03T06:00", keptValb: "08:00-12:00", exception: 6, failures: 3},
		{name: "the page is back as it was: a 304, the failures forgotten", page: edited, notMod: true,
			keptFrom: "2026-03-03T06:00", keptValb: "08:00-12:00", exception: 6},
		{name: "forced, a page that drops most dates is kept", page: mostGone, force: true,
			changes: []string{"removed exception 2026-04-02", "removed exception 2026-04-03", "removed exception 2026-04-30",
				"removed exception 2026-06-19", "removed period 2026-06-29", "removed exception 2026-10-30", "removed weekly "},
			keptFrom: "2026-03-08T06:00", keptValb: "", exception: 1},
	}
	for _, tt := range tests {
		pub.set(tt.page, tt.status)
		rf.Force = tt.force
		res, err := rf.Refresh(context.Background(), cfg.Sources[0])
		if err != nil {
			t.Fatalf("%s: Refresh: %v", tt.name, err)
		}
		switch {
		case tt.wantErr == nil && tt.errText == "" && res.Err != nil:
			t.Errorf("%s: Refresh failed: %v", tt.name, res.Err)
		case tt.wantErr != nil && !errors.Is(res.Err, tt.wantErr):
			t.Errorf("%s: Refresh = %v, want %v", tt.name, res.Err, tt.wantErr)
		case tt.errText != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.errText)):
			t.Errorf("%s: Refresh = %v, want an error with %q", tt.name, res.Err, tt.errText)
		}
		if res.NotModified != tt.notMod {
			t.Errorf("%s: not modified = %v, want %v", tt.name, res.NotModified, tt.notMod)
		}
		var got []string
		for _, c := range res.Changes {
			got = append(got, c.Action+" "+c.Kind+" "+c.From)
		}
		if strings.Join(got, "\n") != strings.Join(tt.changes, "\n") {
			t.Errorf("%s: changes\n%s\nwant\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.changes, "\n"))
		}
		// What every command reads is the file, not the result.
		k, err := Load(cfg.StateDir, "kundcenter")
		if err != nil || k == nil {
			t.Fatalf("%s: Load = %v, %v", tt.name, k, err)
		}
		valb := ""
		for _, x := range k.Exceptions {
			if x.From == "2026-04-30" {
				valb = x.HoursText()
			}
		}
		if f := k.FetchedAt.In(stockholm).Format("2006-01-02T15:04"); f != tt.keptFrom || valb != tt.keptValb || len(k.Exceptions) != tt.exception || k.Failures != tt.failures {
			t.Errorf("%s: kept reading fetched %s, 2026-04-30 %q, %d exceptions, %d failures; want %s, %q, %d, %d",
				tt.name, f, valb, len(k.Exceptions), k.Failures, tt.keptFrom, tt.keptValb, tt.exception, tt.failures)
		}
		if (k.LastError != "") != (res.Err != nil) || k.HeldBack != errors.Is(res.Err, ErrHeldBack) {
			t.Errorf("%s: kept last error %q, held back %v; want them to say how the refresh went (%v)", tt.name, k.LastError, k.HeldBack, res.Err)
		}
		now = now.AddDate(0, 0, 1)
	}
}

// TestRefreshHostile: pages that are huge, deeply nested, binary or
// redirect without end fail the refresh cleanly and leave the last good
// reading in place. These go through the real readers of schedule/source.
func TestRefreshHostile(t *testing.T) {
	pub := &publisher{}
	mux := http.NewServeMux()
	mux.Handle("/good", pub)
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("<p>Julafton 24 december, stängt</p>\n", 1000))
		for range 1000 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/nested", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!DOCTYPE html><html><body>"+strings.Repeat("<div><span>", 200_000)+"</body></html>")
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		b := make([]byte, 64<<10)
		for i := range b {
			b[i] = byte(i*7919 + i>>3)
		}
		w.Write(b)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := testConfig(t, srv.URL+"/good")
	now := time.Date(2026, 3, 1, 6, 0, 0, 0, stockholm)
	good := &Refresher{StateDir: cfg.StateDir, Location: stockholm, Read: lineRead, Now: func() time.Time { return now }}
	pub.set(edition2026, 0)
	if res, err := good.Refresh(context.Background(), cfg.Sources[0]); err != nil || res.Err != nil {
		t.Fatalf("the good page: %v, %v", err, res.Err)
	}
	before, err := os.ReadFile(Path(cfg.StateDir, "kundcenter"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path, format, want string
	}{
		{"huge", "/huge", "page", "larger than the limit"},
		{"deeply nested", "/nested", "page", "read the page as page"},
		{"binary as a page", "/binary", "page", "read the page as page"},
		{"binary as JSON-LD", "/binary", "jsonld", "read the page as jsonld"},
		{"binary as iCalendar", "/binary", "ics", "read the page as ics"},
		{"endless redirect", "/loop", "page", "stopped after 5 redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := cfg.Sources[0]
			src.URL, src.Format = srv.URL+tt.path, tt.format
			rf := &Refresher{StateDir: cfg.StateDir, Location: stockholm, Now: func() time.Time { return now }}
			res, err := rf.Refresh(context.Background(), src)
			if err != nil {
				t.Fatalf("Refresh: %v", err)
			}
			if res.Err == nil || !strings.Contains(res.Err.Error(), tt.want) {
				t.Fatalf("Refresh(%s) = %v, want a failure with %q", tt.path, res.Err, tt.want)
			}
			k, err := Load(cfg.StateDir, "kundcenter")
			if err != nil || k == nil || len(k.Exceptions) != 6 || !k.FetchedAt.Equal(now) {
				t.Errorf("after Refresh(%s) the kept reading is %+v, %v; want the good one of %s", tt.path, k, err, now)
			}
		})
	}
	// The good reading's rules survived every failure byte for byte,
	// apart from the record of the failures.
	k, _ := Load(cfg.StateDir, "kundcenter")
	var was Kept
	if err := jsonUnmarshal(before, &was); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(k.Exceptions, k.Periods) != fmt.Sprint(was.Exceptions, was.Periods) {
		t.Errorf("the kept rules changed under failed refreshes:\n%v\nwant\n%v", k.Exceptions, was.Exceptions)
	}
}

// TestRefreshFirstFailure: a source that fails before it was ever read has
// no reading to keep; the failure is recorded, and the first good reading
// after it is kept with every rule as added.
func TestRefreshFirstFailure(t *testing.T) {
	pub := &publisher{}
	srv := httptest.NewServer(pub)
	defer srv.Close()
	cfg := testConfig(t, srv.URL+"/")
	now := time.Date(2026, 3, 1, 6, 0, 0, 0, stockholm)
	rf := &Refresher{StateDir: cfg.StateDir, Location: stockholm, Read: lineRead, Now: func() time.Time { return now }}

	pub.set("", http.StatusBadGateway)
	res, err := rf.Refresh(context.Background(), cfg.Sources[0])
	if err != nil || res.Err == nil || res.Kept != nil {
		t.Fatalf("Refresh(502) = kept %+v, %v, %v; want a failure and nothing kept", res.Kept, res.Err, err)
	}
	if k, _ := Load(cfg.StateDir, "kundcenter"); k == nil || k.HasReading() || k.Failures != 1 || !strings.Contains(k.LastError, "502") {
		t.Errorf("after a first failure the file holds %+v, want only the failure", k)
	}
	pub.set(edition2026, 0)
	res, err = rf.Refresh(context.Background(), cfg.Sources[0])
	if err != nil || res.Err != nil || len(res.Changes) != 8 || res.Kept.Failures != 0 || res.Kept.LastError != "" {
		t.Errorf("Refresh after the failure = %v, %v, %d changes, kept %+v; want the reading kept with 8 additions", res.Err, err, len(res.Changes), res.Kept)
	}
}
