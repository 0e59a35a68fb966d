package schedule

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/se"
)

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(s *Schedule, h func(...string) Hours)
		date   string
		hours  string
		source Source
		sv     string // the day's Swedish name
	}{
		{
			name: "exception beats holiday",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.Exceptions = []Exception{{From: Date{2026, 1, 1}, To: Date{2026, 1, 1}, Hours: h("10:00-14:00")}}
			},
			date: "2026-01-01", hours: "10:00-14:00", source: SourceException, sv: "Nyårsdagen",
		},
		{
			name: "exception beats closed named day",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.Exceptions = []Exception{{From: Date{2026, 12, 24}, To: Date{2026, 12, 24}, Name: Name{SV: "Jourtid"}, Hours: h("09:00-12:00")}}
			},
			date: "2026-12-24", hours: "09:00-12:00", source: SourceException, sv: "Jourtid",
		},
		{
			name: "exception opens a Saturday",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.Exceptions = []Exception{{From: Date{2026, 5, 2}, To: Date{2026, 5, 2}, Hours: h("10:00-14:00")}}
			},
			date: "2026-05-02", hours: "10:00-14:00", source: SourceException,
		},
		{
			name: "exception run closes a weekday",
			edit: func(s *Schedule, _ func(...string) Hours) {
				s.Exceptions = []Exception{{From: Date{2026, 9, 7}, To: Date{2026, 9, 11}, Closed: true}}
			},
			date: "2026-09-09", hours: "closed", source: SourceException,
		},
		{
			name: "day after an exception run",
			edit: func(s *Schedule, _ func(...string) Hours) {
				s.Exceptions = []Exception{{From: Date{2026, 9, 7}, To: Date{2026, 9, 11}, Closed: true}}
			},
			date: "2026-09-14", hours: "08:00-16:00", source: SourceWeekly,
		},
		{
			name: "first exception listed wins",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.Exceptions = []Exception{
					{From: Date{2026, 9, 9}, To: Date{2026, 9, 9}, Hours: h("12:00-13:00")},
					{From: Date{2026, 9, 7}, To: Date{2026, 9, 11}, Closed: true},
				}
			},
			date: "2026-09-09", hours: "12:00-13:00", source: SourceException,
		},
		{
			name: "named day beats period",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.Periods[0].From, s.Periods[0].To = YearDate{Month: 6, Day: 1}, YearDate{Month: 8, Day: 31}
				s.NamedDays = append(s.NamedDays, NamedDay{On: "07-15", Name: Name{SV: "Personaldag"}, Hours: h("08:00-10:00")})
			},
			date: "2026-07-15", hours: "08:00-10:00", source: SourceNamedDay, sv: "Personaldag",
		},
		{
			name: "named day hours beat a holiday on an open day",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.NamedDays = []NamedDay{{Day: "forsta-maj", Hours: h("10:00-12:00")}}
			},
			date: "2026-05-01", hours: "10:00-12:00", source: SourceNamedDay, sv: "Första maj",
		},
		{
			name: "named day hours do not open a Saturday",
			date: "2027-05-01", hours: "closed", source: SourceHoliday, sv: "Första maj", // a holiday on a Saturday
			edit: func(s *Schedule, h func(...string) Hours) {
				s.NamedDays = []NamedDay{{Day: "forsta-maj", Hours: h("10:00-12:00")}}
			},
		},
		{
			name: "Valborg on a Saturday stays closed",
			date: "2022-04-30", hours: "closed", source: SourceWeekly, sv: "Valborgsmässoafton",
		},
		{
			name: "named day closed applies in a period",
			edit: func(s *Schedule, _ func(...string) Hours) {
				s.Periods[0].From, s.Periods[0].To = YearDate{Month: 6, Day: 1}, YearDate{Month: 8, Day: 31}
			},
			date: "2026-06-19", hours: "closed", source: SourceNamedDay, sv: "Midsommarafton",
		},
		{
			name: "closed named day beats one with hours on the same date",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.NamedDays = []NamedDay{{On: "04-30", Hours: h("08:00-12:00")}, {Day: "valborgsmassoafton", Closed: true}}
			},
			date: "2026-04-30", hours: "closed", source: SourceNamedDay, sv: "Valborgsmässoafton",
		},
		{
			name: "holiday beats period",
			edit: func(s *Schedule, _ func(...string) Hours) {
				s.Periods[0].From, s.Periods[0].To = YearDate{Month: 5, Day: 1}, YearDate{Month: 5, Day: 31}
			},
			date: "2026-05-14", hours: "closed", source: SourceHoliday, sv: "Kristi himmelsfärdsdag",
		},
		{
			name: "holidays not closing only name the day",
			edit: func(s *Schedule, _ func(...string) Hours) { s.Holidays.Closed = false },
			date: "2026-01-06", hours: "08:00-16:00", source: SourceWeekly, sv: "Trettondedag jul",
		},
		{
			name: "no holidays, no names",
			edit: func(s *Schedule, _ func(...string) Hours) { s.Holidays = nil },
			date: "2026-01-06", hours: "08:00-16:00", source: SourceWeekly,
		},
		{
			name: "Påskdagen closes a place open on Sundays",
			edit: func(s *Schedule, h func(...string) Hours) { s.Weekly[time.Sunday] = h("11:00-15:00") },
			date: "2026-04-05", hours: "closed", source: SourceHoliday, sv: "Påskdagen",
		},
		{
			name: "an ordinary Sunday of such a place",
			edit: func(s *Schedule, h func(...string) Hours) { s.Weekly[time.Sunday] = h("11:00-15:00") },
			date: "2026-04-12", hours: "11:00-15:00", source: SourceWeekly,
		},
		{
			name: "period gives its hours and name",
			date: "2025-07-01", hours: "08:00-15:00", source: SourcePeriod, sv: "Sommaröppettider",
		},
		{
			name: "exception in a period drops the period's name",
			edit: func(s *Schedule, _ func(...string) Hours) {
				s.Exceptions = []Exception{{From: Date{2025, 7, 1}, To: Date{2025, 7, 1}, Closed: true}}
			},
			date: "2025-07-01", hours: "closed", source: SourceException,
		},
		{
			name: "easter rule",
			edit: func(s *Schedule, h func(...string) Hours) {
				s.NamedDays = []NamedDay{{On: "easter+2", Name: Name{SV: "Tisdag efter påsk"}, Hours: h("10:00-16:00")}}
			},
			date: "2026-04-07", hours: "10:00-16:00", source: SourceNamedDay, sv: "Tisdag efter påsk",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := kundcenter(t)
			if tt.edit != nil {
				tt.edit(s, func(ss ...string) Hours { return mustHours(t, ss...) })
				if err := s.Validate(); err != nil {
					t.Fatal(err)
				}
			}
			day := s.Day(date(t, tt.date))
			if got := day.Hours.String(); got != tt.hours {
				t.Errorf("Hours(%s) = %s, want %s (rule %s)", tt.date, got, tt.hours, day.Rule)
			}
			if day.Source != tt.source {
				t.Errorf("Source(%s) = %s, want %s (rule %s)", tt.date, day.Source, tt.source, day.Rule)
			}
			if day.Name.SV != tt.sv {
				t.Errorf("Name(%s) = %q, want %q", tt.date, day.Name.SV, tt.sv)
			}
			// Day and Changes must agree.
			changes := s.Changes(day.Date, 1)
			isChange := slices.ContainsFunc(changes, func(c Change) bool { return c.Kind == KindDay })
			if want := !day.Hours.Equal(day.Regular); isChange != want {
				t.Errorf("Changes(%s) has a day change: %v, want %v (hours %s, regular %s)", tt.date, isChange, want, day.Hours, day.Regular)
			}
		})
	}
}

func TestDayRule(t *testing.T) {
	s := kundcenter(t)
	s.NamedDays = append(s.NamedDays, NamedDay{On: "easter+2", Hours: mustHours(t, "10:00-12:00")})
	s.Exceptions = []Exception{{From: Date{2026, 9, 7}, To: Date{2026, 9, 11}, Closed: true}}
	tests := []struct {
		date, rule string
	}{
		{"2026-04-29", "weekly (wed)"},
		{"2026-04-30", "named_days[1] (valborgsmassoafton)"},
		{"2026-04-07", "named_days[6] (on: easter+2)"},
		{"2026-04-03", "holidays (se: Långfredagen is a public holiday)"},
		{"2025-07-01", `periods[0] "Sommaröppettider" (2025-06-30..2025-08-24), tue`},
		{"2026-09-08", "exceptions[0] (2026-09-07..2026-09-11)"},
		{"2022-04-30", "weekly (sat); named_days[1] (valborgsmassoafton) gives hours only to days that are otherwise open"},
	}
	for _, tt := range tests {
		if got := s.Day(date(t, tt.date)).Rule; got != tt.rule {
			t.Errorf("Rule(%s) = %q, want %q", tt.date, got, tt.rule)
		}
	}
}

func TestYearlyPeriodWrappingTheYearEnd(t *testing.T) {
	s := kundcenter(t)
	s.Periods = []Period{{
		Name:   Name{SV: "Vintertider", EN: "Winter hours"},
		From:   YearDate{Month: 12, Day: 15},
		To:     YearDate{Month: 1, Day: 15},
		Weekly: weekdays(mustHours(t, "09:00-15:00")),
	}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	checkHours(t, s, []dateHours{
		{"2025-12-12", "08:00-16:00"},
		{"2025-12-15", "09:00-15:00"},
		{"2025-12-30", "09:00-15:00"},
		{"2026-01-02", "09:00-15:00"},
		{"2026-01-15", "09:00-15:00"},
		{"2026-01-16", "08:00-16:00"},
		{"2026-12-15", "09:00-15:00"},
	})
	tests := []struct {
		name string
		from string
		days int
		want []string
	}{
		{
			name: "over the year end",
			from: "2025-12-01", days: 62,
			want: []string{
				`2025-12-15 period-start "Vintertider" 09:00-15:00 (regular 08:00-16:00) until 2026-01-15 weekly mon-fri 09:00-15:00 (before mon-fri 08:00-16:00)`,
				`2026-01-16 period-end "Vintertider" 08:00-16:00 (regular 08:00-16:00) weekly mon-fri 08:00-16:00 (before mon-fri 09:00-15:00)`,
			},
		},
		{
			name: "starting inside the period",
			from: "2026-01-07", days: 20,
			want: []string{
				`2026-01-16 period-end "Vintertider" 08:00-16:00 (regular 08:00-16:00) weekly mon-fri 08:00-16:00 (before mon-fri 09:00-15:00)`,
			},
		},
		{
			name: "starting on the first day",
			from: "2026-12-15", days: 1,
			want: []string{
				`2026-12-15 period-start "Vintertider" 09:00-15:00 (regular 08:00-16:00) until 2027-01-15 weekly mon-fri 09:00-15:00 (before mon-fri 08:00-16:00)`,
			},
		},
		{
			name: "ending on the last day",
			from: "2026-01-14", days: 2,
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkPeriodChanges(t, s, date(t, tt.from), tt.days, tt.want)
		})
	}
}

func TestPeriodChanges(t *testing.T) {
	h := func(ss ...string) Hours { return mustHours(t, ss...) }
	summer := Period{Name: Name{SV: "Sommar"}, From: YearDate{2026, 6, 1}, To: YearDate{2026, 6, 30}, Weekly: weekdays(h("08:00-15:00"))}
	tests := []struct {
		name    string
		periods []Period
		want    []string
	}{
		{
			name:    "a period with the usual hours is no change",
			periods: []Period{{Name: Name{SV: "Samma"}, From: YearDate{2026, 6, 1}, To: YearDate{2026, 6, 30}, Weekly: weekdays(h("08:00-16:00"))}},
		},
		{
			name:    "a period starting on a Sunday",
			periods: []Period{{Name: Name{SV: "Juni"}, From: YearDate{2026, 6, 7}, To: YearDate{2026, 6, 13}, Weekly: weekdays(h("08:00-15:00"))}},
			want: []string{
				// The hours are Monday's, where the period shows, not the Sunday's.
				`2026-06-07 period-start "Juni" 08:00-15:00 (regular 08:00-16:00) until 2026-06-13 weekly mon-fri 08:00-15:00 (before mon-fri 08:00-16:00)`,
				`2026-06-14 period-end "Juni" 08:00-16:00 (regular 08:00-16:00) weekly mon-fri 08:00-16:00 (before mon-fri 08:00-15:00)`,
			},
		},
		{
			name: "one period straight after another",
			periods: []Period{summer, {Name: Name{SV: "Juli"}, From: YearDate{2026, 7, 1}, To: YearDate{2026, 7, 31},
				Weekly: weekdays(h("09:00-14:00"))}},
			want: []string{
				`2026-06-01 period-start "Sommar" 08:00-15:00 (regular 08:00-16:00) until 2026-06-30 weekly mon-fri 08:00-15:00 (before mon-fri 08:00-16:00)`,
				`2026-07-01 period-start "Juli" 09:00-14:00 (regular 08:00-16:00) until 2026-07-31 weekly mon-fri 09:00-14:00 (before mon-fri 08:00-15:00)`,
				`2026-08-01 period-end "Juli" 08:00-16:00 (regular 08:00-16:00) weekly mon-fri 08:00-16:00 (before mon-fri 09:00-14:00)`,
			},
		},
		{
			name:    "a period starting on a holiday",
			periods: []Period{{Name: Name{SV: "Maj"}, From: YearDate{2026, 5, 14}, To: YearDate{2026, 5, 20}, Weekly: weekdays(h("08:00-15:00"))}},
			want: []string{
				// Kristi himmelsfärdsdag is closed, but the period is not.
				`2026-05-14 period-start "Maj" 08:00-15:00 (regular 08:00-16:00) until 2026-05-20 weekly mon-fri 08:00-15:00 (before mon-fri 08:00-16:00)`,
				`2026-05-21 period-end "Maj" 08:00-16:00 (regular 08:00-16:00) weekly mon-fri 08:00-16:00 (before mon-fri 08:00-15:00)`,
			},
		},
		{
			name: "a period that changes only Saturdays",
			periods: []Period{{Name: Name{SV: "Lördagar"}, From: YearDate{2026, 6, 1}, To: YearDate{2026, 6, 30},
				Weekly: func() Week { w := weekdays(h("08:00-16:00")); w[time.Saturday] = h("10:00-13:00"); return w }()}},
			want: []string{
				`2026-06-01 period-start "Lördagar" 10:00-13:00 (regular closed) until 2026-06-30 weekly mon-fri 08:00-16:00; sat 10:00-13:00 (before mon-fri 08:00-16:00)`,
				`2026-07-01 period-end "Lördagar" closed (regular closed) weekly mon-fri 08:00-16:00 (before mon-fri 08:00-16:00; sat 10:00-13:00)`,
			},
		},
		{
			name: "the first period listed wins an overlap",
			periods: []Period{summer, {Name: Name{SV: "Juni–juli"}, From: YearDate{2026, 6, 15}, To: YearDate{2026, 7, 15},
				Weekly: weekdays(h("09:00-14:00"))}},
			want: []string{
				`2026-06-01 period-start "Sommar" 08:00-15:00 (regular 08:00-16:00) until 2026-06-30 weekly mon-fri 08:00-15:00 (before mon-fri 08:00-16:00)`,
				`2026-07-01 period-start "Juni–juli" 09:00-14:00 (regular 08:00-16:00) until 2026-07-15 weekly mon-fri 09:00-14:00 (before mon-fri 08:00-15:00)`,
				`2026-07-16 period-end "Juni–juli" 08:00-16:00 (regular 08:00-16:00) weekly mon-fri 08:00-16:00 (before mon-fri 09:00-14:00)`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Schedule{ID: "x", Weekly: weekdays(h("08:00-16:00")), Periods: tt.periods, Holidays: &Holidays{Calendar: "se", Closed: true}}
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			checkPeriodChanges(t, s, Date{2026, 5, 1}, 120, tt.want)
		})
	}
}

// dateHours is a date and the hours it must have.
type dateHours struct{ date, hours string }

func checkHours(t *testing.T, s *Schedule, want []dateHours) {
	t.Helper()
	for _, w := range want {
		if got := s.Day(date(t, w.date)); got.Hours.String() != w.hours {
			t.Errorf("Hours(%s) = %s, want %s (rule %s)", w.date, got.Hours, w.hours, got.Rule)
		}
	}
}

// checkPeriodChanges compares the period-start and period-end changes of a
// window with want, one formatChange line each.
func checkPeriodChanges(t *testing.T, s *Schedule, from Date, days int, want []string) {
	t.Helper()
	var got []string
	for _, c := range s.Changes(from, days) {
		if c.Kind != KindDay {
			got = append(got, formatChange(c))
		}
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("Changes(%s, %d) =\n%s\nwant\n%s", from, days, g, w)
	}
}

func TestMidnightCrossing(t *testing.T) {
	h := func(ss ...string) Hours { return mustHours(t, ss...) }
	s := &Schedule{ID: "nattapotek", Holidays: &Holidays{Calendar: "se", Closed: true}}
	for wd := range s.Weekly {
		s.Weekly[wd] = h("22:00-00:00") // normalised to 22:00-24:00
	}
	s.Weekly[time.Friday] = h("22:00-03:00", "18:00-22:30") // merged to 18:00-03:00
	s.NamedDays = []NamedDay{{Day: "nyarsafton", Hours: h("20:00-04:00")}}
	s.Exceptions = []Exception{{From: Date{2026, 3, 3}, To: Date{2026, 3, 3}, Hours: h("22:00-24:00")}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	checkHours(t, s, []dateHours{
		{"2026-03-02", "22:00-24:00"},
		{"2026-03-06", "18:00-03:00"},
		{"2026-12-31", "20:00-04:00"},
		{"2026-12-25", "closed"},
	})
	var got []string
	for _, c := range s.Changes(Date{2026, 3, 1}, 7) {
		got = append(got, formatChange(c))
	}
	if len(got) != 0 {
		t.Errorf("an exception of 22:00-24:00 on a day of 22:00-00:00 is no change, got %v", got)
	}
}

func TestValidate(t *testing.T) {
	h := func(ss ...string) Hours { return mustHours(t, ss...) }
	s := &Schedule{
		Weekly:   Week{time.Monday: {{Open: 8 * 60, Close: 25 * 60}}},
		Holidays: &Holidays{Calendar: "no", Closed: true},
		NamedDays: []NamedDay{
			{Day: "valborg", Hours: h("08:00-12:00")},
			{Day: "julafton", On: "12-24", Closed: true},
			{On: "easter+x", Closed: true},
			{Day: "julafton"},
			{Day: "nyarsafton", Closed: true, Hours: h("10:00-12:00")},
			{},
		},
		Periods: []Period{
			{From: YearDate{2025, 6, 30}, To: YearDate{Month: 8, Day: 24}},
			{From: YearDate{2025, 8, 24}, To: YearDate{2025, 6, 30}},
			{From: YearDate{Month: 2, Day: 29}, To: YearDate{Month: 2, Day: 30}},
		},
		Exceptions: []Exception{
			{From: Date{2026, 4, 2}, To: Date{2026, 4, 1}, Closed: true},
			{From: Date{2026, 2, 30}, To: Date{2026, 3, 1}, Closed: true},
			{From: Date{2026, 4, 2}, To: Date{2026, 4, 2}},
		},
	}
	err := s.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v, want a *ValidationError", err)
	}
	want := []string{
		"id: is empty",
		"weekly.mon[0]: closing time 25:00 is not between 00:00 and 24:00",
		`holidays.calendar: "no" is not a calendar hoursd knows (known: se)`,
		`named_days[0].day: "valborg" is not a day of the catalogue (known: nyarsdagen, trettondagsafton,`,
		"named_days[1]: has both day: and on:; give one",
		`named_days[2].on: rule "easter+x": "x" is not a number of days from 0 to 366`,
		"named_days[3]: has neither hours nor closed: true; give one",
		"named_days[4]: has both hours and closed: true; give one",
		"named_days[5]: has neither day: nor on:; give one",
		"named_days[5]: has neither hours nor closed: true; give one",
		"periods[0]: from 2025-06-30 and to 08-24 mix a dated and a yearly bound; make both YYYY-MM-DD or both MM-DD",
		"periods[1]: from 2025-08-24 is after to 2025-06-30",
		"periods[2].from: 02-29 is not in every year; use 02-28 or 03-01",
		"periods[2].to: February 2001 has no day 30",
		"exceptions[0]: from 2026-04-02 is after to 2026-04-01",
		"exceptions[1].from: February 2026 has no day 30",
		"exceptions[2]: has neither hours nor closed: true; give one",
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Path+": "+p.Message)
	}
	if len(got) != len(want) {
		t.Fatalf("Validate() found %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want %q", i, got[i], want[i])
		}
	}
	if !strings.HasPrefix(err.Error(), `schedule "": id: is empty; weekly.mon[0]`) {
		t.Errorf("Validate().Error() = %q", err)
	}
	// A schedule that failed validation must still evaluate without panicking.
	for _, c := range s.Changes(Date{2025, 1, 1}, 800) {
		_ = s.Day(c.Date).Rule
	}
	_ = s.Day(Date{2026, 14, 40})
}

func TestValidateNormalisesHours(t *testing.T) {
	s := &Schedule{ID: "x", Weekly: Week{time.Monday: {{12 * 60, 16 * 60}, {8 * 60, 12 * 60}}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := s.Weekly[time.Monday].String(); got != "08:00-16:00" {
		t.Errorf("after Validate, weekly.mon = %s, want 08:00-16:00", got)
	}
}

func TestCatalogue(t *testing.T) {
	// 2026, from the Swedish almanac.
	want := map[string]string{
		"nyarsdagen": "2026-01-01", "trettondagsafton": "2026-01-05", "trettondedag-jul": "2026-01-06",
		"skartorsdagen": "2026-04-02", "langfredagen": "2026-04-03", "paskafton": "2026-04-04",
		"paskdagen": "2026-04-05", "annandag-pask": "2026-04-06", "valborgsmassoafton": "2026-04-30",
		"forsta-maj": "2026-05-01", "dag-fore-kristi-himmelsfard": "2026-05-13", "kristi-himmelsfardsdag": "2026-05-14",
		"pingstafton": "2026-05-23", "pingstdagen": "2026-05-24", "nationaldagen": "2026-06-06",
		"midsommarafton": "2026-06-19", "midsommardagen": "2026-06-20", "alla-helgons-afton": "2026-10-30",
		"alla-helgons-dag": "2026-10-31", "julafton": "2026-12-24", "juldagen": "2026-12-25",
		"annandag-jul": "2026-12-26", "nyarsafton": "2026-12-31",
	}
	ids := CatalogueIDs()
	if len(ids) != len(want) {
		t.Errorf("CatalogueIDs() has %d ids, want %d", len(ids), len(want))
	}
	prev := Date{}
	for _, id := range ids {
		d, ok := CatalogueDate(id, 2026)
		if !ok || d.String() != want[id] {
			t.Errorf("CatalogueDate(%s, 2026) = %v, %v; want %s", id, d, ok, want[id])
		}
		if d.Before(prev) {
			t.Errorf("CatalogueIDs() is not in calendar order at %s", id)
		}
		prev = d
		n, ok := CatalogueName(id)
		if !ok || n.SV == "" || n.EN == "" {
			t.Errorf("CatalogueName(%s) = %+v, %v; want Swedish and English names", id, n, ok)
		}
	}
	// rickar's Calc answers "not observed" with the zero time.Time, which is
	// also midnight of 0001-01-01 UTC: the first Nyårsdagen must still count.
	if d, ok := CatalogueDate("nyarsdagen", 1); !ok || d != (Date{1, 1, 1}) {
		t.Errorf("CatalogueDate(nyarsdagen, 1) = %v, %v; want 0001-01-01", d, ok)
	}
	if _, ok := CatalogueName("valborg"); ok {
		t.Errorf("CatalogueName(valborg) is ok, want unknown")
	}
	// alla-helgons-afton is the Friday before Alla helgons dag, every year.
	for y := 2000; y < 2100; y++ {
		if d, _ := CatalogueDate("alla-helgons-afton", y); d.Weekday() != time.Friday || d.Month < 10 || (d.Month == 11 && d.Day > 5) || (d.Month == 10 && d.Day < 30) {
			t.Errorf("alla-helgons-afton %d = %v (%v), want the Friday from 30 October to 5 November", y, d, d.Weekday())
		}
	}
}

// TestPublicHolidays checks that `holidays: {calendar: se}` closes exactly
// Sweden's public holidays: those rickar/cal/v2/se marks public (which
// leaves the eves to named days).
func TestPublicHolidays(t *testing.T) {
	var public []string
	for _, c := range catalogue {
		if c.public {
			public = append(public, c.id)
		}
	}
	want := []string{"nyarsdagen", "trettondedag-jul", "langfredagen", "paskdagen", "annandag-pask", "forsta-maj",
		"kristi-himmelsfardsdag", "pingstdagen", "nationaldagen", "midsommardagen", "alla-helgons-dag", "juldagen", "annandag-jul"}
	if !slices.Equal(public, want) {
		t.Errorf("public holidays = %v, want %v", public, want)
	}
	// Every public holiday rickar knows is in the catalogue.
	for _, h := range append(slices.Clone(se.Holidays), se.Paskdagen, se.Pingstdagen) {
		if h.Type != cal.ObservancePublic {
			continue
		}
		d, _ := calDate(h, 2026, 0)
		found := false
		for _, id := range public {
			if cd, _ := CatalogueDate(id, 2026); cd == d {
				found = true
			}
		}
		if !found {
			t.Errorf("rickar's public holiday %s (%v) is not a public day of the catalogue", h.Name, d)
		}
	}
}

func TestChangesWindow(t *testing.T) {
	s := kundcenter(t)
	if got := s.Changes(Date{2026, 1, 1}, 0); got != nil {
		t.Errorf("Changes(2026-01-01, 0) = %v, want none", got)
	}
	if got := s.Changes(Date{2026, 1, 1}, -5); got != nil {
		t.Errorf("Changes(2026-01-01, -5) = %v, want none", got)
	}
	// The window is from..from+days-1.
	got := s.Changes(Date{2025, 12, 31}, 2)
	var dates []string
	for _, c := range got {
		dates = append(dates, c.Date.String())
	}
	if want := "2025-12-31 2026-01-01"; strings.Join(dates, " ") != want {
		t.Errorf("Changes(2025-12-31, 2) dates = %v, want %s", dates, want)
	}
	// A century: every day's change agrees with Day, in date order.
	prev := Date{}
	for _, c := range s.Changes(Date{2026, 1, 1}, 36525) {
		if !c.Date.After(prev) && c.Kind == KindDay {
			t.Fatalf("change %v is not after %v", c.Date, prev)
		}
		prev = c.Date
		if c.Kind != KindDay {
			continue
		}
		day := s.Day(c.Date)
		if !day.Hours.Equal(c.Hours) || day.Hours.Equal(day.Regular) {
			t.Fatalf("Change(%v) = %s, but Day says %s (regular %s)", c.Date, c.Hours, day.Hours, day.Regular)
		}
	}
}

func BenchmarkChanges1Year(b *testing.B) {
	s := kundcenter(b)
	from := Date{2026, 1, 1}
	for b.Loop() {
		if len(s.Changes(from, 365)) == 0 {
			b.Fatal("no changes")
		}
	}
}

func BenchmarkChanges100Years(b *testing.B) {
	s := kundcenter(b)
	from := Date{2026, 1, 1}
	for b.Loop() {
		if len(s.Changes(from, 36500)) == 0 {
			b.Fatal("no changes")
		}
	}
}

func ExampleSchedule_Changes() {
	h, _ := ParseHours([]string{"08:00-16:00"})
	s := &Schedule{ID: "kundcenter", Holidays: &Holidays{Calendar: "se", Closed: true}}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		s.Weekly[wd] = h
	}
	s.NamedDays = []NamedDay{{Day: "valborgsmassoafton", Hours: Hours{{Open: 8 * 60, Close: 11*60 + 30}}}}
	if err := s.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range s.Changes(Date{2026, 4, 28}, 7) {
		fmt.Println(c.Date, c.Date.Weekday(), c.Name.SV, c.Hours, "instead of", c.Regular)
	}
	// Output:
	// 2026-04-30 Thursday Valborgsmässoafton 08:00-11:30 instead of 08:00-16:00
	// 2026-05-01 Friday Första maj closed instead of 08:00-16:00
}

// TestManyNamedDays checks a schedule with more named days than an int16
// counts (a generated configuration may have them): the last ones must
// still be found, not wrap to a negative index, which panicked.
func TestManyNamedDays(t *testing.T) {
	s := &Schedule{ID: "x", Weekly: weekdays(mustHours(t, "08:00-16:00"))}
	const n = 1<<15 + 10
	for i := range n {
		nd := NamedDay{On: "07-01", Hours: mustHours(t, "09:00-10:00")}
		if i == n-2 {
			nd = NamedDay{On: "07-02", Hours: mustHours(t, "09:00-10:00")}
		}
		if i == n-1 { // on the same date; closed: true wins
			nd = NamedDay{On: "07-02", Name: Name{SV: fmt.Sprint("dag ", i)}, Closed: true}
		}
		s.NamedDays = append(s.NamedDays, nd)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	day := s.Day(Date{2026, time.July, 2})
	if day.Hours.String() != "closed" || day.Name.SV != fmt.Sprint("dag ", n-1) {
		t.Errorf("Day(2026-07-02) = %s %q, want closed by named_days[%d]", day.Hours, day.Name.SV, n-1)
	}
}
