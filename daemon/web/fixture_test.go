package web

import (
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// stockholm is the zone of the test schedules, as in hoursd's default config.
func stockholm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatalf("load Europe/Stockholm: %v", err)
	}
	return loc
}

// at is a wall-clock time in Stockholm.
func at(t testing.TB, year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, stockholm(t))
}

func hm(h, m int) schedule.Clock { return schedule.Clock(h*60 + m) }

func hours(open, close schedule.Clock) schedule.Hours {
	return schedule.Hours{{Open: open, Close: close}}
}

// kundcenter is Försäkringskassan's customer centre as the seed page
// describes it, with a summer period in 2026: Mon–Fri 08–16, Swedish
// holidays closed, three eves shortened to 08:00–11:30, three eves closed,
// Mon–Fri 08–15 from 29 June to 23 August. eveHours replaces the eves'
// 08:00–11:30, to check what a correction of the hours does to the feed.
func kundcenter(t testing.TB, eveHours schedule.Hours) *schedule.Schedule {
	t.Helper()
	var week, summer schedule.Week
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = hours(hm(8, 0), hm(16, 0))
		summer[d] = hours(hm(8, 0), hm(15, 0))
	}
	s := &schedule.Schedule{
		ID:       "kundcenter",
		Title:    "Försäkringskassan kundcenter",
		Phone:    "0771-524 524",
		URL:      "https://www.forsakringskassan.se/",
		Weekly:   week,
		Holidays: &schedule.Holidays{Calendar: "se", Closed: true},
		NamedDays: []schedule.NamedDay{
			{Day: "skartorsdagen", Hours: eveHours},
			{Day: "valborgsmassoafton", Hours: eveHours},
			{Day: "midsommarafton", Closed: true},
			{Day: "alla-helgons-afton", Hours: eveHours},
			{Day: "julafton", Closed: true},
			{Day: "nyarsafton", Closed: true},
		},
		Periods: []schedule.Period{{
			Name:   schedule.Name{SV: "Sommaröppettider", EN: "Summer hours"},
			From:   schedule.YearDate{Year: 2026, Month: time.June, Day: 29},
			To:     schedule.YearDate{Year: 2026, Month: time.August, Day: 23},
			Weekly: summer,
		}},
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate kundcenter: %v", err)
	}
	return s
}

// eve is the shortened hours of the test schedule's eves.
var eve = hours(hm(8, 0), hm(11, 30))
