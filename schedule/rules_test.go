package schedule

import (
	"testing"
	"time"
)

// TestDayNumbers checks the day arithmetic the rule evaluator uses instead
// of time.Time against the time package, over four centuries either side
// of today's dates.
func TestDayNumbers(t *testing.T) {
	epoch := time.Date(1970, 1, 1, 12, 0, 0, 0, time.UTC)
	for tm := time.Date(1800, 1, 1, 12, 0, 0, 0, time.UTC); tm.Year() < 2400; tm = tm.AddDate(0, 0, 1) {
		d := DateOf(tm)
		want := int((tm.Unix() - epoch.Unix()) / (24 * 60 * 60))
		if got := dayNum(d); got != want {
			t.Fatalf("dayNum(%s) = %d, want %d", d, got, want)
		}
		if got := civilYear(want); got != d.Year {
			t.Fatalf("civilYear(%d) = %d, want %d (%s)", want, got, d.Year, d)
		}
		if got := weekdayOf(want); got != tm.Weekday() {
			t.Fatalf("weekdayOf(%s) = %v, want %v", d, got, tm.Weekday())
		}
		if _, wantWeek := tm.ISOWeek(); isoWeek(want) != wantWeek {
			t.Fatalf("isoWeek(%s) = %d, want %d", d, isoWeek(want), wantWeek)
		}
		if got, want := monthLen(d.Year, d.Month), daysIn(d.Year, d.Month); got != want {
			t.Fatalf("monthLen(%d, %v) = %d, want %d", d.Year, d.Month, got, want)
		}
	}
}

// TestRuleClass checks which rules count toward the regular hours.
func TestRuleClass(t *testing.T) {
	md := func(m time.Month, d int) DateSpec { return DateSpec{Month: m, Day: d} }
	tests := []struct {
		name string
		rule Rule
		want ruleClass
	}{
		{"weekdays", Rule{Days: []DaySel{{Weekdays: 0b0111110}}}, classWeekly},
		{"every day", Rule{}, classWeekly},
		{"public holidays", Rule{Days: []DaySel{{Holiday: true}}}, classDay},
		{"last friday", Rule{Days: []DaySel{{Weekdays: 1 << time.Friday, Nth: []int{-1}}}}, classDay},
		{"one date", Rule{Dates: []DateRange{{md(12, 24), md(12, 24)}}}, classDay},
		{"a week of dates", Rule{Dates: []DateRange{{md(6, 19), md(6, 25)}}, Days: []DaySel{{Weekdays: 1 << time.Friday}}}, classDay},
		{"a week across the year end", Rule{Dates: []DateRange{{md(12, 28), md(1, 3)}}}, classDay},
		{"eight days", Rule{Dates: []DateRange{{md(12, 24), md(12, 31)}}}, classPeriod},
		{"summer", Rule{Dates: []DateRange{{md(6, 30), md(8, 24)}}}, classPeriod},
		{"a month", Rule{Dates: []DateRange{{DateSpec{Month: 7}, DateSpec{Month: 7}}}}, classPeriod},
		{"easter", Rule{Dates: []DateRange{{DateSpec{Easter: true, Offset: -3}, DateSpec{Easter: true, Offset: -3}}}}, classDay},
		{"years", Rule{Years: []YearRange{{2025, 2026, 1}}}, classPeriod},
		{"every other week", Rule{Weeks: []WeekRange{{1, 53, 2}}}, classWeekly},
		{"even weeks", Rule{Weeks: []WeekRange{{2, 52, 2}}}, classWeekly},
		{"every third week", Rule{Weeks: []WeekRange{{3, 51, 3}}}, classWeekly},
		{"a range of weeks", Rule{Weeks: []WeekRange{{29, 30, 1}}}, classPeriod},
		{"every other week of a season", Rule{Weeks: []WeekRange{{10, 30, 2}}}, classPeriod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rule.class(); got != tt.want {
				t.Errorf("class() = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestHoursFrom checks that walking dates with one evaluator gives what
// Day gives each date, across year ends and for both kinds of schedule.
func TestHoursFrom(t *testing.T) {
	h := func(s string) Hours { out, _ := ParseHours([]string{s}); return out }
	classic := &Schedule{ID: "c", Weekly: Week{time.Monday: h("08:00-16:00"), time.Friday: h("08:00-12:00")},
		Holidays: &Holidays{Calendar: "se", Closed: true}, NamedDays: []NamedDay{{Day: "julafton", Closed: true}}}
	rules := &Schedule{ID: "r", Rules: []Rule{
		{Text: "Mo-Fr 08:00-16:00", Days: []DaySel{{Weekdays: 0b0111110}}, Hours: h("08:00-16:00")},
		{Text: "PH +1 day off", Days: []DaySel{{Holiday: true, Offset: 1}}, Closed: true},
	}}
	for _, s := range []*Schedule{classic, rules} {
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		from := Date{2025, time.December, 1}
		got := s.HoursFrom(from, 800)
		for i, d := 0, from; i < len(got); i, d = i+1, d.AddDays(1) {
			if want := s.Day(d).Hours; !got[i].Equal(want) {
				t.Fatalf("%s: HoursFrom(%s)[%d] = %s, want %s (Day)", s.ID, from, i, got[i], want)
			}
		}
	}
}

// TestNumberWeeks checks the week numbers a year's evaluation steps
// through against the time package, for years that start on every weekday
// and years with a week 53.
func TestNumberWeeks(t *testing.T) {
	e := newEvaluator(&Schedule{ID: "w", Rules: []Rule{{Weeks: []WeekRange{{1, 53, 2}}}}})
	for year := 1990; year <= 2060; year++ {
		e.numberWeeks(year)
		for tm := time.Date(year, 1, 1, 12, 0, 0, 0, time.UTC); tm.Year() == year; tm = tm.AddDate(0, 0, 1) {
			_, want := tm.ISOWeek()
			if got := int(e.rules.isoWeeks[tm.YearDay()-1]); got != want {
				t.Fatalf("week of %s = %d, want %d", tm.Format("2006-01-02"), got, want)
			}
		}
	}
}
