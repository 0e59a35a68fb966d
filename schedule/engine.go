package schedule

import (
	"fmt"
	"strings"
	"time"
)

// evaluator evaluates the dates of one schedule. It caches the holidays and
// named days of the year it last looked at, so walking a century of dates
// computes each year's movable feasts once. It lives for one call of Day or
// Changes: no state survives between calls.
type evaluator struct {
	s     *Schedule
	named []namedMatcher // parallel to s.NamedDays
	year  int
	days  *yearDays

	classes []ruleClass // parallel to s.Rules
	weeks   bool        // some rule selects week numbers
	fast    []fastRule  // parallel to s.Rules
	rules   ruleState
}

// namedMatcher finds one named day in a year: a catalogue day, or a rule.
type namedMatcher struct {
	cat  int // catalogue index, or -1 for a rule
	rule rule
	ok   bool // false: unknown id or bad rule; never matches
}

// yearDays marks, for each month and day of one year, which public holiday
// and which named day fall on it (index + 1; 0 for none). int32 holds the
// index of any named day a configuration file can list.
type yearDays struct {
	holiday [13][32]int8
	named   [13][32]int32
}

func newEvaluator(s *Schedule) *evaluator {
	e := &evaluator{s: s, named: make([]namedMatcher, len(s.NamedDays))}
	for i, nd := range s.NamedDays {
		m := namedMatcher{cat: -1}
		switch {
		case nd.Day != "" && nd.On == "":
			m.cat = catalogueIndex(nd.Day)
			m.ok = m.cat >= 0
		case nd.On != "" && nd.Day == "":
			r, err := parseRule(nd.On)
			m.rule, m.ok = r, err == nil
		}
		e.named[i] = m
	}
	if len(s.Rules) > 0 {
		e.classes = make([]ruleClass, len(s.Rules))
		for i := range s.Rules {
			e.classes[i] = s.Rules[i].class()
			e.weeks = e.weeks || len(s.Rules[i].Weeks) > 0
		}
		e.fast = compileRules(s.Rules)
	}
	return e
}

// dates are the named day's dates in year: a catalogue day once, an easter
// rule also when a large offset carries it over from the year before or after.
func (m namedMatcher) dates(year int) []Date {
	if !m.ok {
		return nil
	}
	if m.cat >= 0 {
		d, ok := catalogue[m.cat].in(year)
		if !ok {
			return nil
		}
		return []Date{d}
	}
	years := []int{year}
	if m.rule.easter {
		years = []int{year - 1, year, year + 1}
	}
	var out []Date
	for _, y := range years {
		if d, ok := m.rule.in(y); ok && d.Year == year {
			out = append(out, d)
		}
	}
	return out
}

// yearOf returns the marks of year, computing them when the year changes.
func (e *evaluator) yearOf(year int) *yearDays {
	if e.days != nil && e.year == year {
		return e.days
	}
	yd := e.days
	if yd == nil {
		yd = &yearDays{}
	} else {
		*yd = yearDays{} // reused: a century of Changes allocates it once
	}
	if h := e.s.Holidays; h != nil && h.Calendar == "se" {
		for i := range catalogue {
			if !catalogue[i].public {
				continue
			}
			if d, ok := catalogue[i].in(year); ok && d.Year == year {
				yd.holiday[d.Month][d.Day] = int8(i + 1)
			}
		}
	}
	for i, m := range e.named {
		for _, d := range m.dates(year) {
			slot := &yd.named[d.Month][d.Day]
			// The first named day listed for a date wins, except that a
			// closed one beats one with hours: closed: true always applies.
			if *slot == 0 || (!e.s.NamedDays[*slot-1].Closed && e.s.NamedDays[i].Closed) {
				*slot = int32(i + 1)
			}
		}
	}
	e.year, e.days = year, yd
	return yd
}

// eval is the evaluation of one date, with the indices of the rules that
// played a part so Day can describe them.
type eval struct {
	hours, regular Hours
	source         Source
	name           Name
	period         int // index of the period in force, or -1
	holiday        int // catalogue index of the public holiday, or -1
	named          int // index of the named day, or -1
	namedIgnored   bool
	exception      int // index of the exception, or -1
	rule           int // rule schedules: index of the rule that gave the hours, or -1
}

func (e *evaluator) eval(d Date, wd time.Weekday) eval {
	s := e.s
	if len(s.Rules) > 0 {
		return e.evalRules(d, wd)
	}
	r := eval{period: s.periodAt(d), holiday: -1, named: -1, exception: -1}
	if r.period >= 0 {
		p := &s.Periods[r.period]
		r.regular, r.source, r.name = p.Weekly[wd], SourcePeriod, p.Name
	} else {
		r.regular, r.source = s.Weekly[wd], SourceWeekly
	}
	r.hours = r.regular

	var holiday, named int
	if d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= 31 {
		yd := e.yearOf(d.Year)
		holiday, named = int(yd.holiday[d.Month][d.Day]), int(yd.named[d.Month][d.Day])
	}
	if holiday > 0 {
		r.holiday = holiday - 1
		r.name = catalogue[r.holiday].name
		if s.Holidays.Closed {
			r.hours, r.source = nil, SourceHoliday
		}
	}
	if named > 0 {
		r.named = named - 1
		nd := &s.NamedDays[r.named]
		r.name = e.namedName(r.named)
		switch {
		case nd.Closed:
			r.hours, r.source = nil, SourceNamedDay
		case !r.regular.Closed():
			// Named-day hours replace the regular hours, a holiday's
			// closing included, but never open a day that is closed.
			r.hours, r.source = nd.Hours, SourceNamedDay
		default:
			r.namedIgnored = true
		}
	}
	for i := range s.Exceptions {
		x := &s.Exceptions[i]
		if d.Before(x.From) || d.After(x.To) {
			continue
		}
		r.exception = i
		r.hours, r.source = x.Hours, SourceException
		if x.Closed {
			r.hours = nil
		}
		switch {
		case x.Name != (Name{}):
			r.name = x.Name
		case r.named < 0 && r.holiday < 0:
			r.name = Name{} // a season's name does not describe a one-off
		}
		break
	}
	return r
}

// namedName is a named day's own name, else its catalogue name.
func (e *evaluator) namedName(i int) Name {
	nd := &e.s.NamedDays[i]
	if nd.Name != (Name{}) {
		return nd.Name
	}
	if m := e.named[i]; m.cat >= 0 {
		return catalogue[m.cat].name
	}
	return Name{}
}

// periodAt is the index of the period in force on d, or -1. Where periods
// overlap, the first one listed wins.
func (s *Schedule) periodAt(d Date) int {
	for i := range s.Periods {
		if s.Periods[i].contains(d) {
			return i
		}
	}
	return -1
}

func (p *Period) contains(d Date) bool {
	if !p.From.IsYearly() {
		return !d.Before(p.From.In(0)) && !d.After(p.To.In(0))
	}
	md, from, to := d.monthDay(), p.From.monthDay(), p.To.monthDay()
	if from <= to {
		return from <= md && md <= to
	}
	return md >= from || md <= to // wraps the year end
}

// lastDate is the last date of the occurrence of p that contains d.
func (p *Period) lastDate(d Date) Date {
	if !p.From.IsYearly() || p.From.monthDay() <= p.To.monthDay() || d.monthDay() < p.From.monthDay() {
		return p.To.In(d.Year)
	}
	return p.To.In(d.Year + 1) // in the part before the year end of a wrapping period
}

// Day evaluates one date: its hours, its regular hours, the rule that gave
// the hours and the day's name.
func (s *Schedule) Day(d Date) Day {
	e := newEvaluator(s)
	r := e.eval(d, d.Weekday())
	return Day{
		Date:    d,
		Hours:   r.hours,
		Regular: r.regular,
		Source:  r.source,
		Rule:    e.describe(d, r),
		Name:    r.name,
	}
}

// describe says in words which rule gave a date its hours, in the key paths
// of a configuration, for `hoursd day`.
func (e *evaluator) describe(d Date, r eval) string {
	s := e.s
	var b strings.Builder
	if len(s.Rules) > 0 && r.exception < 0 {
		return e.describeRule(r)
	}
	switch r.source {
	case SourceException:
		x := &s.Exceptions[r.exception]
		fmt.Fprintf(&b, "exceptions[%d] (%s", r.exception, x.From)
		if x.To != x.From {
			fmt.Fprintf(&b, "..%s", x.To)
		}
		b.WriteString(")")
	case SourceNamedDay:
		b.WriteString(e.describeNamed(r.named))
	case SourceHoliday:
		fmt.Fprintf(&b, "holidays (se: %s is a public holiday)", catalogue[r.holiday].name.SV)
	case SourcePeriod:
		p := &s.Periods[r.period]
		fmt.Fprintf(&b, "periods[%d]", r.period)
		if p.Name.SV != "" {
			fmt.Fprintf(&b, " %q", p.Name.SV)
		}
		fmt.Fprintf(&b, " (%s..%s), %s", p.From, p.To, WeekdayKey(d.Weekday()))
	default:
		fmt.Fprintf(&b, "weekly (%s)", WeekdayKey(d.Weekday()))
	}
	if r.namedIgnored {
		fmt.Fprintf(&b, "; %s gives hours only to days that are otherwise open", e.describeNamed(r.named))
	}
	return b.String()
}

func (e *evaluator) describeNamed(i int) string {
	if nd := &e.s.NamedDays[i]; nd.Day != "" {
		return fmt.Sprintf("named_days[%d] (%s)", i, nd.Day)
	}
	return fmt.Sprintf("named_days[%d] (on: %s)", i, e.s.NamedDays[i].On)
}

// Changes lists the changes of the dates from..from+days-1, in date order;
// on one date a period's start or end comes before the day's own change.
// A period-start or period-end is reported only when its date lies in the
// window.
func (s *Schedule) Changes(from Date, days int) []Change {
	if days <= 0 {
		return nil
	}
	e := newEvaluator(s)
	var out []Change
	prev := s.periodAt(from.AddDays(-1))
	if len(s.Rules) > 0 {
		prev = e.eval(from.AddDays(-1), from.AddDays(-1).Weekday()).period
	}
	d, wd := from, from.Weekday()
	for range days {
		r := e.eval(d, wd)
		if r.period != prev {
			periodChange := s.periodChange
			if len(s.Rules) > 0 {
				periodChange = e.rulePeriodChange
			}
			if c, ok := periodChange(d, wd, prev, r); ok {
				out = append(out, c)
			}
			prev = r.period
		}
		if !r.hours.Equal(r.regular) {
			out = append(out, Change{
				Schedule: s.ID, Date: d, Kind: KindDay, Name: r.name,
				Hours: r.hours, Regular: r.regular,
			})
		}
		d, wd = d.next(), (wd+1)%7
	}
	return out
}

// periodChange is what a subscriber hears when the period in force changes
// on d from prev to r.period (either may be -1 for none). Periods whose
// weekly hours equal the usual week make no change: nothing is different.
//
// Hours and Regular of a period change are the hours of the new week and of
// the usual week on the first weekday, from d on, where the change shows:
// not the hours of d itself, which may be a Sunday or a holiday and would
// then say "closed" of a season that is open every weekday.
func (s *Schedule) periodChange(d Date, wd time.Weekday, prev int, r eval) (Change, bool) {
	weeklyOf := func(i int) Week {
		if i < 0 {
			return s.Weekly
		}
		return s.Periods[i].Weekly
	}
	c := Change{Schedule: s.ID, Date: d}
	switch {
	case r.period >= 0 && !weeklyOf(r.period).Equal(s.Weekly):
		p := &s.Periods[r.period]
		c.Kind, c.Name, c.Until = KindPeriodStart, p.Name, p.lastDate(d)
		c.Weekly, c.RegularWeekly = p.Weekly, weeklyOf(prev)
		wd = firstDifference(c.Weekly, s.Weekly, wd)
	case prev >= 0 && !weeklyOf(prev).Equal(s.Weekly):
		c.Kind, c.Name = KindPeriodEnd, s.Periods[prev].Name
		c.Weekly, c.RegularWeekly = weeklyOf(r.period), s.Periods[prev].Weekly
		wd = firstDifference(c.Weekly, c.RegularWeekly, wd)
	default:
		return Change{}, false
	}
	c.Hours, c.Regular = c.Weekly[wd], s.Weekly[wd]
	return c, true
}

// firstDifference is the first weekday from wd on whose hours differ
// between a and b; wd when the weeks are equal.
func firstDifference(a, b Week, wd time.Weekday) time.Weekday {
	for i := range time.Weekday(7) {
		if day := (wd + i) % 7; !a[day].Equal(b[day]) {
			return day
		}
	}
	return wd
}
