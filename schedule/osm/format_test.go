package osm

import (
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// TestFormat checks the expressions hoursd osm writes, by eye-readable
// expectations for small schedules.
func TestFormat(t *testing.T) {
	h := func(s ...string) schedule.Hours { out, _ := schedule.ParseHours(s); return out }
	var weekdays schedule.Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		weekdays[wd] = h("08:00-16:00")
	}
	weekend := weekdays
	weekend[time.Saturday] = h("10:00-14:00")
	from := schedule.Date{Year: 2026, Month: time.January, Day: 1}
	tests := []struct {
		name string
		s    schedule.Schedule
		want string
	}{
		{"closed every day", schedule.Schedule{}, "off"},
		{"a week", schedule.Schedule{Weekly: weekend}, "Mo-Fr 08:00-16:00; Sa 10:00-14:00"},
		{"split days", schedule.Schedule{Weekly: schedule.Week{time.Monday: h("08:00-11:30", "13:00-16:00"), time.Wednesday: h("08:00-11:30", "13:00-16:00")}},
			"Mo,We 08:00-11:30,13:00-16:00"},
		{"holidays and fixed days", schedule.Schedule{Weekly: weekdays, Holidays: &schedule.Holidays{Calendar: "se", Closed: true},
			NamedDays: []schedule.NamedDay{{Day: "julafton", Closed: true}, {Day: "valborgsmassoafton", Hours: h("08:00-11:30")}}},
			"Mo-Fr 08:00-16:00; PH off; Apr 30 Mo-Fr 08:00-11:30; Dec 24 off"},
		{"easter and midsummer", schedule.Schedule{Weekly: weekdays,
			NamedDays: []schedule.NamedDay{{Day: "skartorsdagen", Hours: h("08:00-11:30")}, {Day: "midsommarafton", Closed: true}, {On: "easter+50", Closed: true}}},
			"Mo-Fr 08:00-16:00; easter -3 days Mo-Fr 08:00-11:30; easter +50 days off; Jun 19-25 Fr off"},
		{"a dated period and an exception", schedule.Schedule{Weekly: weekdays,
			Periods: []schedule.Period{{Name: schedule.Name{SV: "Sommar"}, From: schedule.YearDate{Year: 2026, Month: 6, Day: 29}, To: schedule.YearDate{Year: 2026, Month: 8, Day: 16},
				Weekly: schedule.Week{time.Monday: h("09:00-15:00")}}},
			Exceptions: []schedule.Exception{{From: schedule.Date{Year: 2026, Month: 3, Day: 2}, To: schedule.Date{Year: 2026, Month: 3, Day: 2}, Closed: true, Name: schedule.Name{SV: "Inventering"}}}},
			`Mo-Fr 08:00-16:00; 2026 Jun 29-2026 Aug 16 Mo 09:00-15:00 "Sommar"; 2026 Jun 29-2026 Aug 16 Tu-Su off "Sommar"; 2026 Mar 02 off "Inventering"`},
		{"periods and exceptions outside the window", schedule.Schedule{Weekly: weekdays,
			Periods:    []schedule.Period{{From: schedule.YearDate{Year: 2025, Month: 6, Day: 30}, To: schedule.YearDate{Year: 2025, Month: 8, Day: 24}}},
			Exceptions: []schedule.Exception{{From: schedule.Date{Year: 2036, Month: 1, Day: 1}, To: schedule.Date{Year: 2036, Month: 1, Day: 1}, Closed: true}}},
			"Mo-Fr 08:00-16:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.ID = "x"
			if err := tt.s.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := Format(&tt.s, from, 10); got != tt.want {
				t.Errorf("Format() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestFormatRoundTrip reads back what Format writes and requires the same
// hours on every day of the ten years, with hoursd's own parser.
func TestFormatRoundTrip(t *testing.T) {
	from := schedule.Date{Year: 2025, Month: time.March, Day: 1}
	for _, s := range roundTripSchedules() {
		t.Run(s.ID, func(t *testing.T) {
			expr := Format(s, from, 10)
			back, err := fromRules(expr)
			if err != nil {
				t.Fatalf("Format() = %s, which does not parse: %v", expr, err)
			}
			days := schedule.Date{Year: 2035, Month: time.March, Day: 1}.Sub(from)
			for d, i := from, 0; i < days; d, i = d.AddDays(1), i+1 {
				if got, want := back.Day(d).Hours, s.Day(d).Hours; !got.Equal(want) {
					t.Fatalf("Hours(%s) = %s by %s, want %s", d, got, expr, want)
				}
			}
			if strings.Count(expr, ";") < 1 {
				t.Errorf("Format() = %s: expected several rules", expr)
			}
		})
	}
}

// roundTripSchedules are schedules written in weekly/periods/named_days/
// exceptions whose expressions take each path of Format.
func roundTripSchedules() []*schedule.Schedule {
	h := func(s ...string) schedule.Hours { out, _ := schedule.ParseHours(s); return out }
	kc := kundcenter()
	library := &schedule.Schedule{ID: "bibliotek",
		Weekly:   schedule.Week{time.Monday: h("10:00-19:00"), time.Tuesday: h("10:00-19:00"), time.Wednesday: h("10:00-19:00"), time.Thursday: h("10:00-19:00"), time.Friday: h("10:00-17:00"), time.Saturday: h("11:00-15:00")},
		Holidays: &schedule.Holidays{Calendar: "se", Closed: true},
		NamedDays: []schedule.NamedDay{
			{Day: "alla-helgons-afton", Hours: h("10:00-15:00")},
			{Day: "trettondagsafton", Hours: h("10:00-15:00")},
			{Day: "pingstafton", Closed: true},
			{Day: "dag-fore-kristi-himmelsfard", Hours: h("10:00-16:00")},
			{On: "11-11", Hours: h("12:00-13:00"), Name: schedule.Name{SV: "Mårtensafton"}},
			{On: "easter-1", Hours: h("10:00-12:00")},
		},
		Periods: []schedule.Period{
			{From: schedule.YearDate{Month: 6, Day: 15}, To: schedule.YearDate{Month: 8, Day: 15},
				Weekly: schedule.Week{time.Monday: h("10:00-16:00"), time.Wednesday: h("10:00-16:00")}},
			{From: schedule.YearDate{Month: 12, Day: 20}, To: schedule.YearDate{Month: 1, Day: 10},
				Weekly: schedule.Week{time.Tuesday: h("12:00-16:00")}},
		},
		Exceptions: []schedule.Exception{
			{From: schedule.Date{Year: 2026, Month: 2, Day: 2}, To: schedule.Date{Year: 2026, Month: 2, Day: 6}, Closed: true},
			{From: schedule.Date{Year: 2026, Month: 2, Day: 4}, To: schedule.Date{Year: 2026, Month: 2, Day: 4}, Hours: h("10:00-12:00")},
			{From: schedule.Date{Year: 2027, Month: 6, Day: 19}, To: schedule.Date{Year: 2027, Month: 6, Day: 19}, Hours: h("09:00-12:00")},
		},
	}
	for _, s := range []*schedule.Schedule{kc, library} {
		if err := s.Validate(); err != nil {
			panic(err)
		}
	}
	return []*schedule.Schedule{kc, library}
}

// TestFormatAgainstOpeningHoursJS evaluates what Format writes with
// opening_hours.js for the ten years it is written for.
func TestFormatAgainstOpeningHoursJS(t *testing.T) {
	from := schedule.Date{Year: 2025, Month: time.March, Day: 1}
	scheds := roundTripSchedules()
	exprs := make([]string, len(scheds))
	for i, s := range scheds {
		exprs[i] = Format(s, from, 10)
	}
	days := schedule.Date{Year: 2035, Month: time.March, Day: 1}.Sub(from)
	for i, res := range ohjs(t, exprs, from, days) {
		assertSameDays(t, scheds[i], exprs[i], res, from, days)
	}
}

// assertSameDays compares a schedule's hours with opening_hours.js's
// answer for an expression.
func assertSameDays(t *testing.T, s *schedule.Schedule, expr string, res ohjsResult, from schedule.Date, days int) {
	t.Helper()
	if res.Error != "" {
		t.Errorf("%s: opening_hours.js refuses %s: %s", s.ID, expr, firstLine(res.Error))
		return
	}
	want := clippedDays(s, from, days)
	bad := 0
	for k := range days {
		if want[k] != res.Days[k] && bad < 3 {
			bad++
			t.Errorf("%s: opening_hours.js says %s on %s for %s, want %s", s.ID, orClosed(res.Days[k]), from.AddDays(k), expr, orClosed(want[k]))
		}
	}
}

// TestFormatRules checks that a schedule written as opening_hours comes
// back as written, with the exceptions a source merged into it after its
// rules (exceptions win over rules, as a later rule does).
func TestFormatRules(t *testing.T) {
	expr := `Mo-Fr 08:00-12:00, We 13:00-16:00; PH off; Dec 24 off "Julafton"`
	rules, err := Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	s := &schedule.Schedule{ID: "x", Rules: rules, Exceptions: []schedule.Exception{
		{From: schedule.Date{Year: 2026, Month: 3, Day: 2}, To: schedule.Date{Year: 2026, Month: 3, Day: 3}, Closed: true, Name: schedule.Name{SV: "Inventering"}},
	}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	from := schedule.Date{Year: 2026, Month: time.January, Day: 1}
	want := expr + `; 2026 Mar 02-2026 Mar 03 off "Inventering"`
	if got := Format(s, from, 10); got != want {
		t.Errorf("Format() = %s, want %s", got, want)
	}
	if got := s.Day(schedule.Date{Year: 2026, Month: 3, Day: 2}); !got.Hours.Closed() || got.Rule != "exceptions[0] (2026-03-02..2026-03-03)" {
		t.Errorf("Day(2026-03-02) = %s by %s, want closed by exceptions[0] (2026-03-02..2026-03-03)", got.Hours, got.Rule)
	}
}
