package schedule

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// minutesPerDay is 24:00, the latest closing time.
const minutesPerDay = 24 * 60

// ParseClock parses HH:MM, 00:00 to 24:00. Exactly two digits each, so that
// a parsed clock prints back as the user wrote it.
func ParseClock(s string) (Clock, error) {
	h, okh := atoi2(s[:min(2, len(s))])
	if len(s) != len("15:04") || s[2] != ':' || !okh {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	m, okm := atoi2(s[3:])
	if !okm {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time of day (00:00 to 24:00)", s)
	}
	return Clock(h*60 + m), nil
}

// String formats a clock time as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// ParseInterval parses "HH:MM-HH:MM". 24:00 may close but not open; a close
// that is not after the open runs past midnight (22:00-02:00).
func ParseInterval(s string) (Interval, error) {
	open, close, ok := strings.Cut(s, "-")
	if !ok || len(s) != len("08:00-16:00") {
		return Interval{}, fmt.Errorf("%q is not HH:MM-HH:MM", s)
	}
	o, err := ParseClock(open)
	if err != nil {
		return Interval{}, fmt.Errorf("%q is not HH:MM-HH:MM: %w", s, err)
	}
	c, err := ParseClock(close)
	if err != nil {
		return Interval{}, fmt.Errorf("%q is not HH:MM-HH:MM: %w", s, err)
	}
	iv := Interval{o, c}
	if err := iv.check(); err != nil {
		return Interval{}, fmt.Errorf("%q: %w", s, err)
	}
	return iv, nil
}

// check reports an interval that no HH:MM-HH:MM could mean.
func (iv Interval) check() error {
	switch {
	case iv.Open < 0 || iv.Open >= minutesPerDay:
		return fmt.Errorf("opening time %s is not between 00:00 and 23:59", iv.Open)
	case iv.Close < 0 || iv.Close > minutesPerDay:
		return fmt.Errorf("closing time %s is not between 00:00 and 24:00", iv.Close)
	}
	return nil
}

// String formats an interval as HH:MM-HH:MM.
func (iv Interval) String() string { return iv.Open.String() + "-" + iv.Close.String() }

// Overnight reports whether the interval runs past midnight into the next day.
func (iv Interval) Overnight() bool { return iv.Close <= iv.Open }

// end is the close in minutes after the opening day's midnight, beyond 24:00
// for an overnight interval.
func (iv Interval) end() int {
	if iv.Overnight() {
		return int(iv.Close) + minutesPerDay
	}
	return int(iv.Close)
}

// ParseHours parses a list of intervals, sorts and merges them. Overlapping
// or touching intervals become one (08:00-12:00 and 12:00-16:00 is
// 08:00-16:00), so two ways of writing the same hours compare equal.
func ParseHours(ss []string) (Hours, error) {
	h := make(Hours, 0, len(ss))
	var errs []string
	for i, s := range ss {
		iv, err := ParseInterval(s)
		if err != nil {
			errs = append(errs, fmt.Sprintf("[%d]: %v", i, err))
			continue
		}
		h = append(h, iv)
	}
	if errs != nil {
		return nil, fmt.Errorf("hours %s", strings.Join(errs, "; "))
	}
	return h.normalize(), nil
}

// normalize sorts and merges the intervals and writes a close at midnight as
// 24:00 (22:00-00:00 and 22:00-24:00 are the same hours). A merge that would
// span more than a whole day is not made: one Interval cannot hold it.
func (h Hours) normalize() Hours {
	if len(h) == 0 {
		return Hours{}
	}
	out := slices.Clone(h)
	slices.SortFunc(out, func(a, b Interval) int {
		if a.Open != b.Open {
			return int(a.Open - b.Open)
		}
		return a.end() - b.end()
	})
	merged := out[:0]
	for _, iv := range out {
		if n := len(merged); n > 0 {
			last := &merged[n-1]
			if int(iv.Open) <= last.end() && max(last.end(), iv.end())-int(last.Open) <= minutesPerDay {
				*last = withEnd(last.Open, max(last.end(), iv.end()))
				continue
			}
		}
		merged = append(merged, withEnd(iv.Open, iv.end()))
	}
	return merged
}

// withEnd builds an interval from an opening and an end past that day's
// midnight, writing an end of exactly midnight as 24:00.
func withEnd(open Clock, end int) Interval {
	if end > minutesPerDay {
		return Interval{open, Clock(end - minutesPerDay)}
	}
	return Interval{open, Clock(end)}
}

// Closed reports whether there are no openings.
func (h Hours) Closed() bool { return len(h) == 0 }

// Equal reports whether h and o are the same openings. Nil and empty are
// both closed.
func (h Hours) Equal(o Hours) bool { return slices.Equal(h, o) }

// String formats the hours as "08:00-11:30, 13:00-16:00", or "closed".
func (h Hours) String() string {
	if h.Closed() {
		return "closed"
	}
	parts := make([]string, len(h))
	for i, iv := range h {
		parts[i] = iv.String()
	}
	return strings.Join(parts, ", ")
}

// weekdayKeys are the weekly keys of a configuration, indexed by time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// WeekdayKey is the weekly key of a weekday: "mon" … "sun".
func WeekdayKey(wd time.Weekday) string { return weekdayKeys[wd%7] }

// ParseWeekdays parses a weekly key: a day "mon" … "sun" or a range
// "mon-fri". A range may wrap the week end ("fri-mon" is Friday to Monday);
// a range from a day to itself is refused as a likely typo.
func ParseWeekdays(key string) ([]time.Weekday, error) {
	k := strings.ToLower(strings.TrimSpace(key))
	first, last, isRange := strings.Cut(k, "-")
	from, ok := parseWeekday(first)
	if !ok {
		return nil, fmt.Errorf("weekday %q is not one of mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri", key)
	}
	if !isRange {
		return []time.Weekday{from}, nil
	}
	to, ok := parseWeekday(last)
	if !ok {
		return nil, fmt.Errorf("weekday %q is not one of mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri", key)
	}
	if from == to {
		return nil, fmt.Errorf("weekday range %q starts and ends on the same day", key)
	}
	var days []time.Weekday
	for wd := from; ; wd = (wd + 1) % 7 {
		days = append(days, wd)
		if wd == to {
			return days, nil
		}
	}
}

func parseWeekday(s string) (time.Weekday, bool) {
	for i, k := range weekdayKeys {
		if s == k {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// Equal reports whether w and o give every weekday the same hours.
func (w Week) Equal(o Week) bool {
	for i := range w {
		if !w[i].Equal(o[i]) {
			return false
		}
	}
	return true
}

// String summarises the week in the syntax of a configuration's weekly keys,
// Monday first, runs of days with the same hours joined:
// "mon-fri 08:00-16:00; sat 10:00-14:00". Days left out are closed; a week
// closed every day is "closed".
func (w Week) String() string {
	var parts []string
	for i := 0; i < 7; {
		wd := time.Weekday((i + 1) % 7) // Monday first
		j := i + 1
		for j < 7 && w[(j+1)%7].Equal(w[wd]) {
			j++
		}
		if !w[wd].Closed() {
			key := weekdayKeys[wd]
			if j-i > 1 {
				key += "-" + weekdayKeys[j%7]
			}
			parts = append(parts, key+" "+w[wd].String())
		}
		i = j
	}
	if parts == nil {
		return "closed"
	}
	return strings.Join(parts, "; ")
}
