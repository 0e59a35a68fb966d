package osm

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// kundcenter is Försäkringskassan's customer centre as config/default.yaml
// writes it, in weekly/holidays/named_days/periods.
func kundcenter() *schedule.Schedule {
	h := func(s ...string) schedule.Hours {
		out, err := schedule.ParseHours(s)
		if err != nil {
			panic(err)
		}
		return out
	}
	var week, summer schedule.Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd], summer[wd] = h("08:00-16:00"), h("08:00-15:00")
	}
	return &schedule.Schedule{
		ID:       "kundcenter",
		Weekly:   week,
		Holidays: &schedule.Holidays{Calendar: "se", Closed: true},
		NamedDays: []schedule.NamedDay{
			{Day: "skartorsdagen", Hours: h("08:00-11:30")},
			{Day: "valborgsmassoafton", Hours: h("08:00-11:30")},
			{Day: "midsommarafton", Closed: true},
			{Day: "alla-helgons-afton", Hours: h("08:00-11:30")},
			{Day: "julafton", Closed: true},
			{Day: "nyarsafton", Closed: true},
		},
		Periods: []schedule.Period{{
			Name: schedule.Name{SV: "Sommaröppettider", EN: "Sommaröppettider"},
			From: schedule.YearDate{Year: 2025, Month: 6, Day: 30}, To: schedule.YearDate{Year: 2025, Month: 8, Day: 24},
			Weekly: summer,
		}},
	}
}

// kundcenterOSM is the same schedule written as opening_hours.
const kundcenterOSM = `Mo-Fr 08:00-16:00; 2025 Jun 30-2025 Aug 24 Mo-Fr 08:00-15:00 "Sommaröppettider"; PH off; ` +
	`easter -3 days Mo-Fr 08:00-11:30; Apr 30 Mo-Fr 08:00-11:30; Jun 19-25 Fr off; Oct 30-Nov 05 Fr 08:00-11:30; Dec 24 off; Dec 31 off`

// TestChangesAsConfigured checks that a schedule written as opening_hours
// announces what the same schedule written in weekly/holidays/named_days/
// periods announces, change by change, for ten years: the same dates,
// kinds, names, hours and regular hours, the same seasons with the same
// last dates.
func TestChangesAsConfigured(t *testing.T) {
	h := func(s string) schedule.Hours { out, _ := schedule.ParseHours([]string{s}); return out }
	var weekdays schedule.Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		weekdays[wd] = h("08:00-16:00")
	}
	tests := []struct {
		name  string
		expr  string
		built *schedule.Schedule
	}{
		{
			name: "holidays and Christmas Eve",
			expr: `Mo-Fr 08:00-16:00; PH off; Dec 24 off`,
			built: &schedule.Schedule{ID: "kundcenter", Weekly: weekdays,
				Holidays:  &schedule.Holidays{Calendar: "se", Closed: true},
				NamedDays: []schedule.NamedDay{{Day: "julafton", Closed: true}}},
		},
		{name: "the customer centre", expr: kundcenterOSM, built: kundcenter()},
		{
			name: "a yearly summer",
			expr: `Mo-Fr 08:00-16:00; Jun 30-Aug 24 Mo-Fr 08:00-15:00 "Sommar"; Jun 30-Aug 24 Sa 10:00-12:00 "Sommar"`,
			built: func() *schedule.Schedule {
				s := &schedule.Schedule{ID: "kundcenter", Weekly: weekdays}
				p := schedule.Period{Name: schedule.Name{SV: "Sommar", EN: "Sommar"},
					From: schedule.YearDate{Month: 6, Day: 30}, To: schedule.YearDate{Month: 8, Day: 24}}
				for wd := time.Monday; wd <= time.Friday; wd++ {
					p.Weekly[wd] = h("08:00-15:00")
				}
				p.Weekly[time.Saturday] = h("10:00-12:00")
				s.Periods = []schedule.Period{p}
				return s
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			osm := &schedule.Schedule{ID: tt.built.ID, Rules: rules}
			if err := osm.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := tt.built.Validate(); err != nil {
				t.Fatal(err)
			}
			from := schedule.Date{Year: 2025, Month: time.January, Day: 1}
			got, want := osm.Changes(from, 3652), tt.built.Changes(from, 3652)
			if !osm.Weekly.Equal(tt.built.Weekly) {
				t.Errorf("usual week = %s, want %s", osm.Weekly, tt.built.Weekly)
			}
			for i := range max(len(got), len(want)) {
				g, w := "(none)", "(none)"
				if i < len(got) {
					g = changeString(got[i])
				}
				if i < len(want) {
					w = changeString(want[i])
				}
				if g != w {
					t.Fatalf("change %d = %s, want %s", i, g, w)
				}
			}
			if len(want) < 20 {
				t.Errorf("only %d changes in ten years; the case tests little", len(want))
			}
		})
	}
}

func changeString(c schedule.Change) string {
	s := fmt.Sprintf("%s %s %q %s (regular %s)", c.Date, c.Kind, c.Name.SV, c.Hours, c.Regular)
	if c.Kind != schedule.KindDay {
		s += fmt.Sprintf(" until %s, week %s, before %s", c.Until, c.Weekly, c.RegularWeekly)
	}
	return s
}

// TestChangesOfWeekRules checks the two kinds of week rule: a rhythm all
// year round (every other Saturday) is part of the usual week and
// announces nothing, a range of weeks is a season with a start and an end.
func TestChangesOfWeekRules(t *testing.T) {
	rules, err := Parse(`Mo-Fr 07:00-16:00; week 01-53/2 Sa 09:00-15:00; week 29-30 off "Sommarstängt"`)
	if err != nil {
		t.Fatal(err)
	}
	s := &schedule.Schedule{ID: "atervinning", Rules: rules}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	from := schedule.Date{Year: 2026, Month: time.June, Day: 1}
	var got []string
	for _, c := range s.Changes(from, 92) {
		got = append(got, fmt.Sprintf("%s %s %q until %s: %s", c.Date, c.Kind, c.Name.SV, c.Until, c.Weekly))
	}
	want := []string{
		// Without a PH rule holidays change nothing; the Saturdays of odd
		// weeks are regular hours.
		`2026-07-13 period-start "Sommarstängt" until 2026-07-26: closed`,
		`2026-07-27 period-end "Sommarstängt" until 0000-00-00: mon-fri 07:00-16:00; sat 09:00-15:00`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Changes(%s, 92) =\n%s\nwant\n%s", from, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if sat := s.Day(schedule.Date{Year: 2026, Month: time.June, Day: 6}); sat.Hours.String() != "09:00-15:00" || !sat.Hours.Equal(sat.Regular) {
		t.Errorf("Day(2026-06-06) = %s (regular %s), want 09:00-15:00 as its regular hours (ISO week 23)", sat.Hours, sat.Regular)
	}
}
