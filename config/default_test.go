package config

import (
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// The seed page (Försäkringskassan, "Ring kundcenter", updated 2 June 2025):
// Mon–Fri 8–16, weekends and holidays closed, summer hours Mon–Fri 8–15 from
// 30 June to 24 August 2025, and these fifteen days of 2025 with other hours.
// The expectations are copied from the page, not computed by hoursd.
var seedDeviations2025 = map[string]string{
	"2025-01-01": "closed",      // Nyårsdagen
	"2025-01-06": "closed",      // Trettondagen
	"2025-04-17": "08:00-11:30", // Skärtorsdagen
	"2025-04-18": "closed",      // Långfredagen
	"2025-04-21": "closed",      // Annandag påsk
	"2025-04-30": "08:00-11:30", // Valborgsmässoafton
	"2025-05-01": "closed",      // 1 maj
	"2025-05-29": "closed",      // Kristi himmelsfärdsdag
	"2025-06-06": "closed",      // Sveriges nationaldag
	"2025-06-20": "closed",      // Midsommarafton
	"2025-10-31": "08:00-11:30", // Dag före alla helgons dag
	"2025-12-24": "closed",      // Julafton
	"2025-12-25": "closed",      // Juldagen
	"2025-12-26": "closed",      // Annandag jul
	"2025-12-31": "closed",      // Nyårsafton
}

// seedHours2025 is what the seed page says of any date of 2025.
func seedHours2025(d schedule.Date) string {
	if h, ok := seedDeviations2025[d.String()]; ok {
		return h
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return "closed"
	}
	if !d.Before(schedule.Date{Year: 2025, Month: 6, Day: 30}) && !d.After(schedule.Date{Year: 2025, Month: 8, Day: 24}) {
		return "08:00-15:00"
	}
	return "08:00-16:00"
}

// TestDefaultConfig loads the embedded default the way `hoursd run` does
// without a file, and checks its kundcenter schedule against every date of
// 2025 on the seed page.
func TestDefaultConfig(t *testing.T) {
	cfg, err := testLoader(nil, nil).load("")
	if err != nil {
		t.Fatalf("Load(\"\") of the embedded default: %v", err)
	}
	if got, want := cfg.Summary(), "built-in default: 1 schedule, 1 channel, 1 subscriber, time zone Europe/Stockholm"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	if cfg.HTTP.Listen != "127.0.0.1:9470" || cfg.StateDir != "./state" {
		t.Errorf("listen %q, state_dir %q; want 127.0.0.1:9470 and ./state", cfg.HTTP.Listen, cfg.StateDir)
	}
	sub := cfg.Subscriber("console")
	if sub == nil || sub.Language != "sv" || len(sub.Targets) != 1 || cfg.Channel(sub.Targets[0].Channel).Type != TypeConsole {
		t.Fatalf("Subscriber(console) = %+v, want one Swedish subscriber on the console channel", sub)
	}
	k := cfg.Schedule("kundcenter")
	if k == nil {
		t.Fatal(`Schedule("kundcenter") = nil`)
	}
	if k.Title != "Försäkringskassan kundcenter" || k.Phone != "0771-524 524" || k.URL != "https://www.forsakringskassan.se/" {
		t.Errorf("kundcenter is %q, %q, %q; want the seed page's title, phone and address", k.Title, k.Phone, k.URL)
	}

	start := schedule.Date{Year: 2025, Month: 1, Day: 1}
	for d := start; d.Year == 2025; d = d.AddDays(1) {
		if got, want := hoursString(k.Day(d).Hours), seedHours2025(d); got != want {
			t.Errorf("Hours(%s) = %s, want %s", d, got, want)
		}
	}

	// The changes a subscriber hears of in 2025: the fifteen days, and the
	// start and end of the summer hours.
	days := map[string]bool{}
	var periodStart, periodEnd []string
	for _, c := range k.Changes(start, 365) {
		switch c.Kind {
		case schedule.KindDay:
			days[c.Date.String()] = true
		case schedule.KindPeriodStart:
			periodStart = append(periodStart, c.Date.String())
		case schedule.KindPeriodEnd:
			periodEnd = append(periodEnd, c.Date.String())
		}
	}
	for d := range seedDeviations2025 {
		if !days[d] {
			t.Errorf("Changes(2025) lacks the day %s", d)
		}
	}
	for d := range days {
		if _, ok := seedDeviations2025[d]; !ok {
			t.Errorf("Changes(2025) has a day %s the seed page does not list", d)
		}
	}
	if len(periodStart) != 1 || periodStart[0] != "2025-06-30" || len(periodEnd) != 1 || periodEnd[0] != "2025-08-25" {
		t.Errorf("Changes(2025) period starts %v and ends %v, want [2025-06-30] and [2025-08-25]", periodStart, periodEnd)
	}
}

func hoursString(h schedule.Hours) string {
	if h.Closed() {
		return "closed"
	}
	return h.String()
}
