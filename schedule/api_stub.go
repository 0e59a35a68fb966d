package schedule

import (
	"errors"
	"time"
)

// This file holds the contract of the package as stubs; the schedule engine
// replaces it.

var errUnimplemented = errors.New("schedule: not implemented yet")

// DateOf is the calendar date of t in t's location.
func DateOf(t time.Time) Date { y, m, d := t.Date(); return Date{y, m, d} }

// ParseDate parses YYYY-MM-DD and rejects impossible dates (2026-02-30).
func ParseDate(s string) (Date, error) { return Date{}, errUnimplemented }

// ParseYearDate parses a period bound: YYYY-MM-DD (dated) or MM-DD (yearly).
func ParseYearDate(s string) (YearDate, error) { return YearDate{}, errUnimplemented }

// ParseInterval parses "HH:MM-HH:MM".
func ParseInterval(s string) (Interval, error) { return Interval{}, errUnimplemented }

// ParseHours parses a list of intervals, sorts and merges them.
func ParseHours(ss []string) (Hours, error) { return nil, errUnimplemented }

// ParseWeekdays parses a weekly key: "mon" … "sun" or a range "mon-fri".
func ParseWeekdays(key string) ([]time.Weekday, error) { return nil, errUnimplemented }

// CatalogueName is the Swedish and English name of a catalogue day id; ok is
// false for an unknown id.
func CatalogueName(id string) (n Name, ok bool) { return Name{}, false }

// CatalogueIDs lists the catalogue's day ids in calendar order.
func CatalogueIDs() []string { return nil }

// ValidRule reports whether an `on:` rule ("04-30", "easter-3") is well formed.
func ValidRule(on string) error { return errUnimplemented }

// Validate checks a schedule built in Go and prepares it for evaluation.
func (s *Schedule) Validate() error { return errUnimplemented }

// Day evaluates one date.
func (s *Schedule) Day(d Date) Day { return Day{Date: d} }

// Changes lists the changes of the dates from..from+days-1, in date order.
func (s *Schedule) Changes(from Date, days int) []Change { return nil }

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return d.Time(time.UTC).Format(time.DateOnly) }

// Time is the start (00:00) of the date in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves by n calendar days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }

// Sub is the number of calendar days from e to d (d - e).
func (d Date) Sub(e Date) int {
	return int(d.Time(time.UTC).Sub(e.Time(time.UTC)).Hours() / 24)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.Time(time.UTC).Compare(e.Time(time.UTC)) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats a clock time as HH:MM.
func (c Clock) String() string { return "" }

// String formats an interval as HH:MM-HH:MM.
func (iv Interval) String() string { return "" }

// Closed reports whether there are no openings.
func (h Hours) Closed() bool { return len(h) == 0 }

// Equal reports whether h and o are the same openings.
func (h Hours) Equal(o Hours) bool { return false }
