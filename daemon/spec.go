package daemon

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// The cron parser hoursd accepts: five fields or a descriptor (@daily,
// @every 6h). config validates specs with the same fields.
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec parses a check spec for the zone loc. robfig's parser panics on
// some input; hoursd turns that into an error too.
//
// A spec of fields is read as wall-clock time in loc, one run per matching
// wall time: robfig's own Next skips a time that a spring-forward DST change
// removes ("30 2 * * *" would not run on the last Sunday of March, and that
// evening's reminders would be lost), so hoursd evaluates the fields on the
// wall clock and runs a removed time right after the gap. A repeated time in
// autumn runs once. "@every" specs are durations and are left alone.
func ParseSpec(spec string, loc *time.Location) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("check %q: %v", spec, r)
		}
	}()
	s, err = specParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("check %q: %w", spec, err)
	}
	if ss, ok := s.(*cron.SpecSchedule); ok {
		wall := *ss
		wall.Location = time.UTC
		return wallSchedule{&wall, loc}, nil
	}
	return s, nil
}

// wallSchedule evaluates a spec on the wall clock of loc (kept as UTC, where
// no hour is missing or doubled) and maps each match back to an instant.
type wallSchedule struct {
	wall *cron.SpecSchedule
	loc  *time.Location
}

func (w wallSchedule) Next(t time.Time) time.Time {
	t = t.In(w.loc)
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	for range 4 { // an instant earlier than t can only come from a repeated hour
		n := w.wall.Next(wall)
		if n.IsZero() {
			return n
		}
		// time.Date maps a wall time in a gap to an instant after it and a
		// repeated wall time to one of its two instants.
		at := time.Date(n.Year(), n.Month(), n.Day(), n.Hour(), n.Minute(), 0, 0, w.loc)
		if at.After(t) {
			return at
		}
		wall = n
	}
	return time.Time{}
}
