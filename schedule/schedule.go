// Package schedule is hoursd's opening-hours model: the weekly hours of a
// place, its seasons, holidays, named days and one-off exceptions, the
// evaluation of a date and the detection of changes worth announcing.
//
// The package is pure: every function is a function of its arguments. It does
// no I/O, never reads the clock and starts no goroutines, so the daemon, the
// command line and the tests all see the same answers for the same inputs.
package schedule

import "time"

// Date is a calendar date without a time of day or a zone. hoursd reasons
// about days as people do ("Thursday 30 April"), and advancing a Date moves by
// calendar day, so DST changes cannot shift a day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Clock is a wall-clock time of day in minutes after midnight, 0 to 1440
// (24:00 is allowed as a closing time).
type Clock int

// Interval is one opening, from Open to Close. An interval whose Close is not
// after its Open runs past midnight into the next day.
type Interval struct {
	Open, Close Clock
}

// Hours are the openings of one day, sorted by opening time. Empty means closed.
type Hours []Interval

// Week is the usual hours of each weekday, indexed by time.Weekday.
type Week [7]Hours

// Name is a day's or a period's name in Swedish and English.
type Name struct {
	SV string
	EN string
}

// Kind is what sort of change a subscriber is told about.
type Kind string

// The kinds of change.
const (
	KindDay         Kind = "day"
	KindPeriodStart Kind = "period-start"
	KindPeriodEnd   Kind = "period-end"
)

// Change is a deviation from a schedule's regular hours that a subscriber is
// told about.
type Change struct {
	Schedule string // schedule id
	Date     Date
	Kind     Kind
	Name     Name
	Hours    Hours // the hours that apply; for period-start/-end, see below
	Regular  Hours // what periods and weekly give; for period-start/-end, see below
	Until    Date  // period-start only: the period's last date

	// For period-start and period-end, Hours and Regular are the hours of
	// the week from Date on and of the usual week (weekly) on the first
	// weekday from Date on where the change shows, so that a period
	// starting on a Sunday or a holiday still reads "08:00-15:00 instead of
	// 08:00-16:00" rather than "closed instead of closed".

	// For period-start and period-end: the weekly hours from that date on and
	// the weekly hours before it, so a message can say "Mon–Fri 08:00–15:00".
	Weekly        Week
	RegularWeekly Week
}

// Schedule is one place's opening hours, built by config from the user's file
// (or written in Go by tests). Call Validate before use.
type Schedule struct {
	ID    string
	Title string
	Phone string
	URL   string

	Weekly     Week
	Holidays   *Holidays // nil: holidays are not special
	NamedDays  []NamedDay
	Periods    []Period
	Exceptions []Exception

	// Rules is the schedule written as an OpenStreetMap opening_hours
	// expression (schedule/osm reads it), evaluated in its own order; see
	// rules.go. A schedule has rules or the fields above, not both;
	// Validate fills Weekly with the usual week the rules give.
	Rules []Rule
}

// Holidays closes (or not) every public holiday of a calendar.
type Holidays struct {
	Calendar string // "se"
	Closed   bool
}

// NamedDay gives a day of the catalogue, or a rule, its own hours.
// Exactly one of Day and On is set.
type NamedDay struct {
	Day    string // catalogue id, e.g. "valborgsmassoafton"
	On     string // rule: "MM-DD", "easter", "easter+N", "easter-N"
	Name   Name   // optional; for catalogue days the catalogue's name is used when empty
	Hours  Hours  // applies only where the day would otherwise be open
	Closed bool   // always applies
}

// YearDate is a period bound: a dated one (Year != 0) or a yearly one (Year == 0).
type YearDate struct {
	Year  int
	Month time.Month
	Day   int
}

// Period is a season with its own weekly hours, From and To inclusive. A
// yearly period whose To comes before its From wraps the year end.
type Period struct {
	Name   Name
	From   YearDate
	To     YearDate
	Weekly Week
}

// Exception is a dated one-off for From..To inclusive (From == To for a
// single date).
type Exception struct {
	From   Date
	To     Date
	Name   Name
	Hours  Hours
	Closed bool
}

// Source says which rule gave a date its hours.
type Source string

// The sources, most specific first.
const (
	SourceException Source = "exception"
	SourceNamedDay  Source = "named_day"
	SourceHoliday   Source = "holiday"
	SourcePeriod    Source = "period"
	SourceWeekly    Source = "weekly"
)

// Day is the evaluation of one date.
type Day struct {
	Date    Date
	Hours   Hours
	Regular Hours  // what periods and weekly give
	Source  Source // the rule that gave Hours
	Rule    string // a human description of that rule, e.g. `named_days[1] (valborgsmassoafton)`
	Name    Name   // the day's name where it has one (holiday, named day, exception, period)
}
