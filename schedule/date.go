package schedule

import (
	"fmt"
	"time"
)

// DateOf is the calendar date of t in t's location. Callers convert an
// instant to the schedule's zone first (t.In(loc)), so "today" is the day the
// people using the place see on their wall calendars.
func DateOf(t time.Time) Date { y, m, d := t.Date(); return Date{y, m, d} }

// ParseDate parses YYYY-MM-DD and rejects impossible dates (2026-02-30), so a
// typo in a configuration is reported instead of silently moving a day.
func ParseDate(s string) (Date, error) {
	y, m, d, ok := splitDate(s)
	if !ok {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	if err := checkDay(y, m, d); err != nil {
		return Date{}, fmt.Errorf("date %q: %w", s, err)
	}
	return Date{y, time.Month(m), d}, nil
}

// ParseYearDate parses a period bound: YYYY-MM-DD (dated) or MM-DD (yearly).
// A yearly 02-29 is accepted here as a day that exists in some years;
// Schedule.Validate refuses it as a period bound.
func ParseYearDate(s string) (YearDate, error) {
	if len(s) == len("01-02") {
		m, okm := atoi2(s[0:2])
		d, okd := atoi2(s[3:5])
		if !okm || !okd || s[2] != '-' {
			return YearDate{}, fmt.Errorf("date %q is not YYYY-MM-DD or MM-DD", s)
		}
		// 2000 is a leap year, so 02-29 passes: it is a real day in leap years.
		if err := checkDay(2000, m, d); err != nil {
			return YearDate{}, fmt.Errorf("yearly date %q: %w", s, err)
		}
		return YearDate{Month: time.Month(m), Day: d}, nil
	}
	if _, _, _, ok := splitDate(s); !ok {
		return YearDate{}, fmt.Errorf("date %q is not YYYY-MM-DD or MM-DD", s)
	}
	d, err := ParseDate(s)
	if err != nil {
		return YearDate{}, err
	}
	return YearDate(d), nil
}

// splitDate splits YYYY-MM-DD into numbers without judging them.
func splitDate(s string) (y, m, d int, ok bool) {
	if len(s) != len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	hi, ok1 := atoi2(s[0:2])
	lo, ok2 := atoi2(s[2:4])
	m, ok3 := atoi2(s[5:7])
	d, ok4 := atoi2(s[8:10])
	return hi*100 + lo, m, d, ok1 && ok2 && ok3 && ok4
}

// atoi2 parses exactly two ASCII digits.
func atoi2(s string) (int, bool) {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// checkDay says what is impossible about year-month-day, or nil.
func checkDay(y, m, d int) error {
	if y < 1 {
		return fmt.Errorf("year %04d is out of range", y)
	}
	if m < 1 || m > 12 {
		return fmt.Errorf("month %02d is out of range", m)
	}
	if n := daysIn(y, time.Month(m)); d < 1 || d > n {
		return fmt.Errorf("%s %d has no day %d", time.Month(m), y, d)
	}
	return nil
}

// daysIn is the number of days of a month; time.Date normalises day 0 of the
// next month to the last day of this one.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time is the start (00:00) of the date in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves by n calendar days. It works in UTC, where every day has 24
// hours, so the DST days of the schedule's zone cannot skip or repeat a date.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// next is the following calendar day, without a trip through time.Time for
// the common case; Changes walks days with it.
func (d Date) next() Date {
	if d.Day < 28 || d.Day < daysIn(d.Year, d.Month) {
		d.Day++
		return d
	}
	if d.Month == time.December {
		return Date{d.Year + 1, time.January, 1}
	}
	return Date{d.Year, d.Month + 1, 1}
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }

// Sub is the number of calendar days from e to d (d - e). It counts in
// seconds rather than time.Duration, which would overflow after 292 years.
func (d Date) Sub(e Date) int {
	return int((d.Time(time.UTC).Unix() - e.Time(time.UTC).Unix()) / (24 * 60 * 60))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// monthDay orders dates within a year, for yearly periods and rules.
func (d Date) monthDay() int { return int(d.Month)*100 + d.Day }

// IsYearly reports whether the bound recurs every year (MM-DD).
func (y YearDate) IsYearly() bool { return y.Year == 0 }

// String formats the bound as it is written: YYYY-MM-DD or MM-DD.
func (y YearDate) String() string {
	if y.IsYearly() {
		return fmt.Sprintf("%02d-%02d", int(y.Month), y.Day)
	}
	return Date(y).String()
}

// In is the bound's date in year (its own year when it is dated).
func (y YearDate) In(year int) Date {
	if !y.IsYearly() {
		year = y.Year
	}
	return Date{year, y.Month, y.Day}
}

func (y YearDate) monthDay() int { return int(y.Month)*100 + y.Day }
