package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// The customer centre's page, in the seed's words and in the layouts other
// editions of such a page take: paragraphs with <br>, lists, tables, a
// definition list, each with a cookie banner, navigation, scripts and
// questions and answers around it. Every layout of one year must read to
// the same rules, written out here date by date from the page's text (not
// from what the reader returns).

// want is an expected exception on one date.
type want struct {
	date  string
	hours string // "" for closed
	name  string // the catalogue's Swedish name
}

var kundcenter2025 = []want{
	{"2025-01-01", "", "Nyårsdagen"},
	{"2025-01-06", "", "Trettondedag jul"},
	{"2025-04-17", "08:00-11:30", "Skärtorsdagen"},
	{"2025-04-18", "", "Långfredagen"},
	{"2025-04-21", "", "Annandag påsk"},
	{"2025-04-30", "08:00-11:30", "Valborgsmässoafton"},
	{"2025-05-01", "", "Första maj"},
	{"2025-05-29", "", "Kristi himmelsfärdsdag"},
	{"2025-06-06", "", "Sveriges nationaldag"},
	{"2025-06-20", "", "Midsommarafton"},
	{"2025-10-31", "08:00-11:30", "Dag före alla helgons dag"},
	{"2025-12-24", "", "Julafton"},
	{"2025-12-25", "", "Juldagen"},
	{"2025-12-26", "", "Annandag jul"},
	{"2025-12-31", "", "Nyårsafton"},
}

// The next edition: Easter 2026 is 5 April, so Skärtorsdagen is 2 April;
// the national day and Annandag jul fall on a Saturday and are left out.
var kundcenter2026 = []want{
	{"2026-01-01", "", "Nyårsdagen"},
	{"2026-01-06", "", "Trettondedag jul"},
	{"2026-04-02", "08:00-11:30", "Skärtorsdagen"},
	{"2026-04-03", "", "Långfredagen"},
	{"2026-04-06", "", "Annandag påsk"},
	{"2026-04-30", "08:00-11:30", "Valborgsmässoafton"},
	{"2026-05-01", "", "Första maj"},
	{"2026-05-14", "", "Kristi himmelsfärdsdag"},
	{"2026-06-19", "", "Midsommarafton"},
	{"2026-10-30", "08:00-11:30", "Dag före alla helgons dag"},
	{"2026-12-24", "", "Julafton"},
	{"2026-12-25", "", "Juldagen"},
	{"2026-12-31", "", "Nyårsafton"},
}

func TestPageKundcenter(t *testing.T) {
	tests := []struct {
		file         string
		days         []want
		summerFrom   string
		summerTo     string
		wantWarnings int
	}{
		{"2025-seed.txt", kundcenter2025, "2025-06-30", "2025-08-24", 0},
		{"2025-paragraphs.html", kundcenter2025, "2025-06-30", "2025-08-24", 0},
		{"2025-list.html", kundcenter2025, "2025-06-30", "2025-08-24", 0},
		{"2025-table.html", kundcenter2025, "2025-06-30", "2025-08-24", 0},
		{"2025-dl.html", kundcenter2025, "2025-06-30", "2025-08-24", 0},
		{"2026-paragraphs.html", kundcenter2026, "2026-06-29", "2026-08-23", 0},
		{"2026-list.html", kundcenter2026, "2026-06-29", "2026-08-23", 0},
		{"2026-table.html", kundcenter2026, "2026-06-29", "2026-08-23", 0},
		{"2026-dl.html", kundcenter2026, "2026-06-29", "2026-08-23", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "kundcenter", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Read(FormatPage, body)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			for _, w := range r.Warnings {
				t.Errorf("warning %v", w)
			}
			got := map[schedule.Date]schedule.Exception{}
			for _, e := range r.Exceptions {
				if e.From != e.To {
					t.Errorf("exception %s to %s: want single dates only", e.From, e.To)
				}
				got[e.From] = e
			}
			for _, w := range tt.days {
				d := mustDate(t, w.date)
				e, ok := got[d]
				if !ok {
					t.Errorf("Hours(%s) missing, want %s", w.date, hoursOrClosed(w.hours))
					continue
				}
				delete(got, d)
				if g := exceptionHours(e); g != hoursOrClosed(w.hours) {
					t.Errorf("Hours(%s) = %s, want %s", w.date, g, hoursOrClosed(w.hours))
				}
				if e.Name.SV != w.name {
					t.Errorf("Name(%s) = %q, want %q", w.date, e.Name.SV, w.name)
				}
			}
			for d, e := range got {
				t.Errorf("Hours(%s) = %s, want no exception", d, exceptionHours(e))
			}

			if len(r.Periods) != 1 {
				t.Fatalf("periods = %d, want 1 (the summer): %+v", len(r.Periods), r.Periods)
			}
			p := r.Periods[0]
			if p.From.String() != tt.summerFrom || p.To.String() != tt.summerTo {
				t.Errorf("summer = %s to %s, want %s to %s", p.From, p.To, tt.summerFrom, tt.summerTo)
			}
			if g, w := p.Weekly.String(), "mon-fri 08:00-15:00"; g != w {
				t.Errorf("summer week = %s, want %s", g, w)
			}
			if p.Name.SV != "Sommaröppettider" || p.Name.EN != "Summer hours" {
				t.Errorf("summer name = %+v, want Sommaröppettider / Summer hours", p.Name)
			}
			if r.Weekly == nil {
				t.Fatal("regular week not read")
			}
			if g, w := r.Weekly.String(), "mon-fri 08:00-16:00"; g != w {
				t.Errorf("regular week = %s, want %s", g, w)
			}
			if len(r.Items) != len(r.Exceptions)+len(r.Periods) {
				t.Errorf("items = %d, want one per rule (%d)", len(r.Items), len(r.Exceptions)+len(r.Periods))
			}
		})
	}
}

func mustDate(t testing.TB, s string) schedule.Date {
	t.Helper()
	d, err := schedule.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func hoursOrClosed(h string) string {
	if h == "" {
		return "closed"
	}
	return h
}

func exceptionHours(e schedule.Exception) string {
	if e.Closed {
		if len(e.Hours) > 0 {
			return "closed and " + e.Hours.String()
		}
		return "closed"
	}
	if len(e.Hours) == 0 {
		return "neither closed nor hours"
	}
	return e.Hours.String()
}

// TestPageKundcenterCheck is the seed's list with two slips a page can
// make: Skärtorsdagen on Good Friday's date, and a weekday that is not the
// date's. Each becomes a warning, and the rest of the list still reads.
func TestPageKundcenterCheck(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "kundcenter", "2025-seed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(body)
	for _, r := range []struct{ old, new string }{
		{"Skärtorsdagen 17 april, öppet 8–11.30", "Skärtorsdagen 18 april, öppet 8–11.30"},
		{"Midsommarafton 20 juni, stängt", "Torsdag 20 juni, midsommarafton, stängt"},
	} {
		if !strings.Contains(page, r.old) {
			t.Fatalf("seed has no line %q", r.old)
		}
		page = strings.Replace(page, r.old, r.new, 1)
	}
	got, err := Read(FormatPage, []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	wantWarn := map[string]string{
		"Skärtorsdagen 18 april, öppet 8–11.30":   "Skärtorsdagen is 17 April in 2025, not 18 April",
		"Torsdag 20 juni, midsommarafton, stängt": "20 June 2025 is a Friday, not a Thursday",
	}
	for _, w := range got.Warnings {
		if m, ok := wantWarn[w.Text]; !ok || m != w.Message {
			t.Errorf("warning %v, want one of %v", w, wantWarn)
		}
		delete(wantWarn, w.Text)
	}
	for text, m := range wantWarn {
		t.Errorf("no warning for %q, want %q", text, m)
	}
	for _, e := range got.Exceptions {
		if e.From == (schedule.Date{Year: 2025, Month: time.April, Day: 18}) && !e.Closed {
			t.Errorf("Hours(2025-04-18) = %s, want closed (Långfredagen; the misdated Skärtorsdagen line is not a rule)", e.Hours)
		}
		if e.From == (schedule.Date{Year: 2025, Month: time.June, Day: 20}) {
			t.Errorf("Hours(2025-06-20) = %s, want no exception (its line names the wrong weekday)", exceptionHours(e))
		}
	}
	if n := len(got.Exceptions); n != 13 {
		t.Errorf("exceptions = %d, want 13 (15 lines, 2 refused)", n)
	}
}
