package config

import (
	"fmt"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// SkippedHours warns of the openings and closings of the schedules that
// fall in the hour the clocks skip when they go forward (02:00-03:00 on
// the last Sunday of March in Stockholm), on the days from `from` for
// `days` days. Such a time does not exist: a place that "opens at 02:15"
// that night opens at 03:15 by every clock, which is what the calendar
// feed shows. It is a warning, not a problem: the hours are right on
// every other day, and hoursd runs with them just the same.
func (c *Config) SkippedHours(from schedule.Date, days int) []string {
	loc := c.Location
	if loc == nil {
		return nil
	}
	var out []string
	for d := range days {
		date := from.AddDays(d)
		if !springsForward(date, loc) {
			continue
		}
		for i, s := range c.Schedules {
			// The hours of this day, and a closing past midnight of the
			// day before, which falls on this day.
			for _, iv := range s.Day(date).Hours {
				if missing := skipped(date, iv.Open, loc) || (!iv.Overnight() && iv.Close < 24*60 && skipped(date, iv.Close, loc)); missing {
					out = append(out, warnSkipped(i, s, date, iv, loc))
				}
			}
			for _, iv := range s.Day(date.AddDays(-1)).Hours {
				if iv.Overnight() && skipped(date, iv.Close, loc) {
					out = append(out, warnSkipped(i, s, date.AddDays(-1), iv, loc))
				}
			}
		}
	}
	return out
}

func warnSkipped(i int, s *schedule.Schedule, date schedule.Date, iv schedule.Interval, loc *time.Location) string {
	return fmt.Sprintf("schedules[%d] (%s): on %s, %s falls in the hour the clocks skip in %s (they go forward that night), so it does not exist",
		i, s.ID, date, iv, loc)
}

// springsForward says whether the clocks of loc go forward on date: its
// offset at the end of the day is larger than at its start.
func springsForward(d schedule.Date, loc *time.Location) bool {
	_, start := d.Time(loc).Zone()
	_, end := d.AddDays(1).Time(loc).Zone()
	return end > start
}

// skipped says whether the wall clock c on date d does not exist in loc:
// time.Date moves such a time out of the gap.
func skipped(d schedule.Date, c schedule.Clock, loc *time.Location) bool {
	h, m := int(c)/60, int(c)%60
	t := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc)
	return t.Hour() != h || t.Minute() != m
}
