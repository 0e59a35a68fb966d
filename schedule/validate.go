package schedule

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a schedule, at a key path relative to the
// schedule (`named_days[2].day`), so config can prefix it with
// `schedules[0].` and report it beside its own problems.
type Problem struct {
	Path    string
	Message string
}

// ValidationError lists every problem Schedule.Validate found, so a user
// fixes a configuration in one pass rather than one error at a time.
type ValidationError struct {
	Schedule string // the schedule's id
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Path + ": " + p.Message
	}
	return fmt.Sprintf("schedule %q: %s", e.Schedule, strings.Join(parts, "; "))
}

// problems collects what Validate finds.
type problems []Problem

func (ps *problems) add(path, format string, a ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
}

// Validate checks a schedule built in Go and prepares it for evaluation: it
// reports every problem at once as a *ValidationError, and sorts and merges
// each list of hours in place so that equal hours compare equal.
//
// Day and Changes never panic on a schedule that failed validation, but
// they skip what they cannot understand (an unknown catalogue day, a bad
// rule), so an unvalidated schedule may give wrong answers.
func (s *Schedule) Validate() error {
	var ps problems
	if s.ID == "" {
		ps.add("id", "is empty")
	}
	ps.week("weekly", &s.Weekly)
	if s.Holidays != nil && s.Holidays.Calendar != "se" {
		ps.add("holidays.calendar", "%q is not a calendar hoursd knows (known: se)", s.Holidays.Calendar)
	}
	for i := range s.NamedDays {
		ps.namedDay(fmt.Sprintf("named_days[%d]", i), &s.NamedDays[i])
	}
	for i := range s.Periods {
		ps.period(fmt.Sprintf("periods[%d]", i), &s.Periods[i])
	}
	for i := range s.Exceptions {
		ps.exception(fmt.Sprintf("exceptions[%d]", i), &s.Exceptions[i])
	}
	ps.rules(s)
	if len(ps) > 0 {
		return &ValidationError{Schedule: s.ID, Problems: ps}
	}
	return nil
}

func (ps *problems) hours(path string, h *Hours) {
	ok := true
	for i, iv := range *h {
		if err := iv.check(); err != nil {
			ps.add(fmt.Sprintf("%s[%d]", path, i), "%v", err)
			ok = false
		}
	}
	if ok {
		*h = h.normalize()
	}
}

func (ps *problems) week(path string, w *Week) {
	for wd := range w {
		ps.hours(path+"."+weekdayKeys[wd], &w[wd])
	}
}

// openOrClosed checks the choice every named day and exception makes: hours,
// or closed, not both and not neither (which would say nothing).
func (ps *problems) openOrClosed(path string, h *Hours, closed bool) {
	switch {
	case closed && len(*h) > 0:
		ps.add(path, "has both hours and closed: true; give one")
	case !closed && len(*h) == 0:
		ps.add(path, "has neither hours nor closed: true; give one")
	default:
		ps.hours(path+".hours", h)
	}
}

func (ps *problems) namedDay(path string, nd *NamedDay) {
	switch {
	case nd.Day != "" && nd.On != "":
		ps.add(path, "has both day: and on:; give one")
	case nd.Day == "" && nd.On == "":
		ps.add(path, "has neither day: nor on:; give one")
	case nd.Day != "":
		if catalogueIndex(nd.Day) < 0 {
			ps.add(path+".day", "%q is not a day of the catalogue (known: %s)", nd.Day, strings.Join(CatalogueIDs(), ", "))
		}
	default:
		if err := ValidRule(nd.On); err != nil {
			ps.add(path+".on", "%v", err)
		}
	}
	ps.openOrClosed(path, &nd.Hours, nd.Closed)
}

func (ps *problems) period(path string, p *Period) {
	ok := true
	for _, b := range []struct {
		key string
		yd  YearDate
	}{{"from", p.From}, {"to", p.To}} {
		if err := checkYearDate(b.yd); err != nil {
			ps.add(path+"."+b.key, "%v", err)
			ok = false
		}
	}
	switch {
	case !ok:
	case p.From.IsYearly() != p.To.IsYearly():
		ps.add(path, "from %s and to %s mix a dated and a yearly bound; make both YYYY-MM-DD or both MM-DD", p.From, p.To)
	case !p.From.IsYearly() && p.From.In(0).After(p.To.In(0)):
		ps.add(path, "from %s is after to %s", p.From, p.To)
	}
	ps.week(path+".weekly", &p.Weekly)
}

// checkYearDate refuses bounds that are not real days, and a yearly 02-29,
// which would make a season start or end on a day most years lack.
func checkYearDate(yd YearDate) error {
	if !yd.IsYearly() {
		return checkDay(yd.Year, int(yd.Month), yd.Day)
	}
	if yd.Month == 2 && yd.Day == 29 {
		return fmt.Errorf("02-29 is not in every year; use 02-28 or 03-01")
	}
	return checkDay(2001, int(yd.Month), yd.Day)
}

func (ps *problems) exception(path string, e *Exception) {
	ok := true
	for _, b := range []struct {
		key string
		d   Date
	}{{"from", e.From}, {"to", e.To}} {
		if err := checkDay(b.d.Year, int(b.d.Month), b.d.Day); err != nil {
			ps.add(path+"."+b.key, "%v", err)
			ok = false
		}
	}
	if ok && e.From.After(e.To) {
		ps.add(path, "from %s is after to %s", e.From, e.To)
	}
	ps.openOrClosed(path, &e.Hours, e.Closed)
}
