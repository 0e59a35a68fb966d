package schedule

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
)

// kundcenter is Försäkringskassan kundcenter built in Go: the same rules as
// the configuration hoursd embeds (config/default.yaml).
func kundcenter(t testing.TB) *Schedule {
	t.Helper()
	h := func(ss ...string) Hours { return mustHours(t, ss...) }
	s := &Schedule{
		ID:       "kundcenter",
		Title:    "Försäkringskassan kundcenter",
		Phone:    "0771-524 524",
		Weekly:   weekdays(h("08:00-16:00")),
		Holidays: &Holidays{Calendar: "se", Closed: true},
		NamedDays: []NamedDay{
			{Day: "skartorsdagen", Hours: h("08:00-11:30")},
			{Day: "valborgsmassoafton", Hours: h("08:00-11:30")},
			{Day: "midsommarafton", Closed: true},
			{Day: "alla-helgons-afton", Hours: h("08:00-11:30")},
			{Day: "julafton", Closed: true},
			{Day: "nyarsafton", Closed: true},
		},
		Periods: []Period{{
			Name:   Name{SV: "Sommaröppettider", EN: "Summer hours"},
			From:   YearDate{2025, time.June, 30},
			To:     YearDate{2025, time.August, 24},
			Weekly: weekdays(h("08:00-15:00")),
		}},
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("kundcenter: %v", err)
	}
	return s
}

// weekdays is a week open Monday to Friday with h.
func weekdays(h Hours) Week {
	var w Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		w[wd] = h
	}
	return w
}

func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// wantDay is one expected deviating day.
type wantDay struct {
	date  string
	name  string // Swedish name
	hours string // Hours.String()
}

// seed2025 is every line of "Följande dagar 2025 har avvikande öppettider" on
// the seed page (../shared/seed/forsakringskassan-kundcenter.txt). Where our
// catalogue names a day differently from the page, the page's words follow.
var seed2025 = []wantDay{
	{"2025-01-01", "Nyårsdagen", "closed"},
	{"2025-01-06", "Trettondedag jul", "closed"}, // "Trettondagen 6 januari, stängt"
	{"2025-04-17", "Skärtorsdagen", "08:00-11:30"},
	{"2025-04-18", "Långfredagen", "closed"},
	{"2025-04-21", "Annandag påsk", "closed"},
	{"2025-04-30", "Valborgsmässoafton", "08:00-11:30"},
	{"2025-05-01", "Första maj", "closed"}, // "1 maj, stängt"
	{"2025-05-29", "Kristi himmelsfärdsdag", "closed"},
	{"2025-06-06", "Sveriges nationaldag", "closed"},
	{"2025-06-20", "Midsommarafton", "closed"},
	{"2025-10-31", "Dag före alla helgons dag", "08:00-11:30"},
	{"2025-12-24", "Julafton", "closed"},
	{"2025-12-25", "Juldagen", "closed"},
	{"2025-12-26", "Annandag jul", "closed"},
	{"2025-12-31", "Nyårsafton", "closed"},
}

var days2026 = []wantDay{
	{"2026-01-01", "Nyårsdagen", "closed"},
	{"2026-01-06", "Trettondedag jul", "closed"},
	{"2026-04-02", "Skärtorsdagen", "08:00-11:30"},
	{"2026-04-03", "Långfredagen", "closed"},
	{"2026-04-06", "Annandag påsk", "closed"},
	{"2026-04-30", "Valborgsmässoafton", "08:00-11:30"},
	{"2026-05-01", "Första maj", "closed"},
	{"2026-05-14", "Kristi himmelsfärdsdag", "closed"},
	// Sveriges nationaldag is a Saturday: closed anyway, no change.
	{"2026-06-19", "Midsommarafton", "closed"},
	{"2026-10-30", "Dag före alla helgons dag", "08:00-11:30"},
	{"2026-12-24", "Julafton", "closed"},
	{"2026-12-25", "Juldagen", "closed"},
	// Annandag jul is a Saturday.
	{"2026-12-31", "Nyårsafton", "closed"},
}

var days2027 = []wantDay{
	{"2027-01-01", "Nyårsdagen", "closed"},
	{"2027-01-06", "Trettondedag jul", "closed"},
	{"2027-03-25", "Skärtorsdagen", "08:00-11:30"},
	{"2027-03-26", "Långfredagen", "closed"},
	{"2027-03-29", "Annandag påsk", "closed"},
	{"2027-04-30", "Valborgsmässoafton", "08:00-11:30"},
	// Första maj is a Saturday.
	{"2027-05-06", "Kristi himmelsfärdsdag", "closed"},
	// Sveriges nationaldag is a Sunday.
	{"2027-06-25", "Midsommarafton", "closed"},
	{"2027-11-05", "Dag före alla helgons dag", "08:00-11:30"},
	{"2027-12-24", "Julafton", "closed"},
	// Juldagen and Annandag jul are Saturday and Sunday.
	{"2027-12-31", "Nyårsafton", "closed"},
}

func TestKundcenterDays(t *testing.T) {
	s := kundcenter(t)
	for _, year := range [][]wantDay{seed2025, days2026, days2027} {
		for _, w := range year {
			t.Run(w.date+" "+w.name, func(t *testing.T) {
				day := s.Day(date(t, w.date))
				if got := day.Hours.String(); got != w.hours {
					t.Errorf("Hours(%s) = %s, want %s (rule %s)", w.date, got, w.hours, day.Rule)
				}
				if day.Name.SV != w.name {
					t.Errorf("Name(%s) = %q, want %q", w.date, day.Name.SV, w.name)
				}
				if day.Name.EN == "" {
					t.Errorf("Name(%s) has no English name", w.date)
				}
			})
		}
	}
}

// TestKundcenterSummer2025 checks the seed page's "Sommaröppettider ...
// 30 juni – 24 augusti 2025. Måndag–fredag: 8–15" day by day.
func TestKundcenterSummer2025(t *testing.T) {
	s := kundcenter(t)
	tests := []struct {
		date, hours, regular string
	}{
		{"2025-06-27", "08:00-16:00", "08:00-16:00"}, // Friday before
		{"2025-06-28", "closed", "closed"},
		{"2025-06-30", "08:00-15:00", "08:00-15:00"},
		{"2025-07-16", "08:00-15:00", "08:00-15:00"},
		{"2025-07-19", "closed", "closed"},
		{"2025-08-22", "08:00-15:00", "08:00-15:00"},
		{"2025-08-24", "closed", "closed"}, // the last day, a Sunday
		{"2025-08-25", "08:00-16:00", "08:00-16:00"},
		{"2026-07-01", "08:00-16:00", "08:00-16:00"}, // the period is dated 2025 only
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			day := s.Day(date(t, tt.date))
			if got := day.Hours.String(); got != tt.hours {
				t.Errorf("Hours(%s) = %s, want %s", tt.date, got, tt.hours)
			}
			if got := day.Regular.String(); got != tt.regular {
				t.Errorf("Regular(%s) = %s, want %s", tt.date, got, tt.regular)
			}
		})
	}
}

// formatChange is a change on one line, for comparing whole lists.
func formatChange(c Change) string {
	s := fmt.Sprintf("%s %s %q %s (regular %s)", c.Date, c.Kind, c.Name.SV, c.Hours, c.Regular)
	if c.Kind == KindPeriodStart {
		s += " until " + c.Until.String()
	}
	if c.Kind != KindDay {
		s += fmt.Sprintf(" weekly %s (before %s)", c.Weekly, c.RegularWeekly)
	}
	return s
}

func dayChanges(t *testing.T, days []wantDay) []string {
	t.Helper()
	var out []string
	for _, w := range days {
		out = append(out, fmt.Sprintf("%s day %q %s (regular 08:00-16:00)", w.date, w.name, w.hours))
	}
	return out
}

func TestKundcenterChanges(t *testing.T) {
	s := kundcenter(t)
	want2025 := dayChanges(t, seed2025)
	// The summer hours, between Midsommarafton and Dag före alla helgons dag.
	want2025 = append(want2025[:10:10],
		append([]string{
			`2025-06-30 period-start "Sommaröppettider" 08:00-15:00 (regular 08:00-16:00) until 2025-08-24 weekly mon-fri 08:00-15:00 (before mon-fri 08:00-16:00)`,
			`2025-08-25 period-end "Sommaröppettider" 08:00-16:00 (regular 08:00-16:00) weekly mon-fri 08:00-16:00 (before mon-fri 08:00-15:00)`,
		}, want2025[10:]...)...)
	tests := []struct {
		year int
		want []string
	}{
		{2025, want2025},
		{2026, dayChanges(t, days2026)},
		{2027, dayChanges(t, days2027)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			from := Date{tt.year, time.January, 1}
			var got []string
			for _, c := range s.Changes(from, Date{tt.year + 1, 1, 1}.Sub(from)) {
				if c.Schedule != "kundcenter" {
					t.Errorf("change %v has schedule %q, want kundcenter", c.Date, c.Schedule)
				}
				got = append(got, formatChange(c))
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("Changes(%d) =\n%s\nwant\n%s", tt.year, g, w)
			}
		})
	}
}

// TestKundcenterWhateverTheZone checks that rickar/cal's default location,
// which it builds holiday times in, does not move any date.
func TestKundcenterWhateverTheZone(t *testing.T) {
	s := kundcenter(t)
	from := Date{2026, 1, 1}
	want := s.Changes(from, 730)
	saved := cal.DefaultLoc
	t.Cleanup(func() { cal.DefaultLoc = saved })
	for _, zone := range []string{"UTC", "Europe/Stockholm", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Sao_Paulo"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatalf("load %s: %v", zone, err)
		}
		cal.DefaultLoc = loc
		got := s.Changes(from, 730)
		if len(got) != len(want) {
			t.Fatalf("with rickar/cal in %s: %d changes, want %d", zone, len(got), len(want))
		}
		for i := range got {
			if g, w := formatChange(got[i]), formatChange(want[i]); g != w {
				t.Errorf("with rickar/cal in %s: change %d = %s, want %s", zone, i, g, w)
			}
		}
	}
}

// TestDSTDays checks the days Swedish clocks change (and the days around
// them): a Date is a calendar day, so they are ordinary days.
func TestDSTDays(t *testing.T) {
	s := kundcenter(t)
	checkHours(t, s, []dateHours{
		{"2026-03-28", "closed"},
		{"2026-03-29", "closed"}, // clocks forward, a Sunday
		{"2026-03-30", "08:00-16:00"},
		{"2026-10-24", "closed"},
		{"2026-10-25", "closed"}, // clocks back, a Sunday
		{"2026-10-26", "08:00-16:00"},
		{"2027-03-27", "closed"},
		{"2027-03-28", "closed"}, // clocks forward, Påskdagen
		{"2027-03-29", "closed"}, // Annandag påsk
		{"2027-03-30", "08:00-16:00"},
	})

	// Exceptions on each DST day and its neighbours: a walk over them must
	// see every date exactly once.
	s.Exceptions = nil
	var want []string
	for _, d := range []string{"2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"} {
		s.Exceptions = append(s.Exceptions, Exception{From: date(t, d), To: date(t, d), Hours: mustHours(t, "10:00-12:00")})
		want = append(want, d)
	}
	var got []string
	for _, c := range s.Changes(Date{2026, 3, 1}, 270) {
		if c.Hours.String() == "10:00-12:00" {
			got = append(got, c.Date.String())
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("exception changes around DST = %v, want %v", got, want)
	}
}
