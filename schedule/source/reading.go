package source

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hoursd/hoursd/schedule"
)

// builder collects what a reader finds, in the source's order, and settles
// it into a Reading once the whole source is read: only then is it known
// whether a date was given twice.
type builder struct {
	found    []found
	weekly   *schedule.Week
	warnings []Warning
}

// found is one rule and its words; exactly one of ex and per is set.
type found struct {
	text string
	ex   *schedule.Exception
	per  *schedule.Period
}

// exception and period check a rule with schedule's own validation, which
// also sorts and merges its hours, so a reading never carries a rule that a
// configuration could not hold (an impossible date from a hostile page, a
// run that ends before it starts).
func (b *builder) exception(text string, e schedule.Exception) {
	if e.Closed {
		e.Hours = nil
	}
	s := schedule.Schedule{ID: "source", Exceptions: []schedule.Exception{e}}
	if b.valid(text, &s) {
		b.found = append(b.found, found{text: text, ex: &s.Exceptions[0]})
	}
}

func (b *builder) period(text string, p schedule.Period) {
	s := schedule.Schedule{ID: "source", Periods: []schedule.Period{p}}
	if b.valid(text, &s) {
		b.found = append(b.found, found{text: text, per: &s.Periods[0]})
	}
}

func (b *builder) valid(text string, s *schedule.Schedule) bool {
	err := s.Validate()
	if err == nil {
		return true
	}
	msg := err.Error()
	var ve *schedule.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		msg = ve.Problems[0].Message
	}
	b.warn(text, "not a rule hoursd can hold: %s", msg)
	return false
}

func (b *builder) warn(text, format string, a ...any) {
	b.warnings = append(b.warnings, Warning{Text: clip(text), Message: fmt.Sprintf(format, a...)})
}

// clip keeps a warning's text readable when a source puts a whole article
// on one line.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 200 {
		return string(r[:199]) + "…"
	}
	return s
}

// span is the dates a rule covers, the key under which two rules of one
// source are the same rule.
type span struct{ from, to schedule.Date }

func (f *found) span() span {
	if f.ex != nil {
		return span{f.ex.From, f.ex.To}
	}
	return span{f.per.From.In(0), f.per.To.In(0)}
}

// same reports whether two rules for one span say the same thing. Names
// may differ ("1 maj" beside "Första maj"); hours may not.
func (f *found) same(g *found) bool {
	switch {
	case f.ex != nil && g.ex != nil:
		return f.ex.Closed == g.ex.Closed && f.ex.Hours.Equal(g.ex.Hours)
	case f.per != nil && g.per != nil:
		return f.per.Weekly.Equal(g.per.Weekly)
	}
	return false
}

// reading settles what was found. A rule given twice alike (pages often
// repeat their list for phones and for desktops) is kept once; a span given
// two different ways is dropped with a warning, since hoursd cannot tell
// which the publisher means, and the schedule's own rules then apply.
func (b *builder) reading() *Reading {
	r := &Reading{Weekly: b.weekly, Warnings: b.warnings}
	type seen struct {
		first    int
		conflict bool
	}
	bySpan := map[span]*seen{}
	keep := make([]bool, len(b.found))
	for i := range b.found {
		f := &b.found[i]
		s, ok := bySpan[f.span()]
		if !ok {
			bySpan[f.span()] = &seen{first: i}
			keep[i] = true
			continue
		}
		first := &b.found[s.first]
		if first.same(f) || (first.ex == nil) != (f.ex == nil) {
			// An exception and a period over the same dates are both
			// kept: the exception wins where they meet, as in a config.
			keep[i] = first.ex == nil != (f.ex == nil)
			continue
		}
		if !s.conflict {
			s.conflict = true
			keep[s.first] = false
			r.Warnings = append(r.Warnings, Warning{Text: clip(first.text),
				Message: fmt.Sprintf("%s is given two ways on the source; neither is used", describeSpan(f.span()))})
		}
		r.Warnings = append(r.Warnings, Warning{Text: clip(f.text),
			Message: fmt.Sprintf("%s is given two ways on the source; neither is used", describeSpan(f.span()))})
	}
	var texts []string
	var isEx []bool
	for i := range b.found {
		f := &b.found[i]
		if !keep[i] {
			continue
		}
		if f.ex != nil {
			r.Exceptions = append(r.Exceptions, *f.ex)
		} else {
			r.Periods = append(r.Periods, *f.per)
		}
		texts = append(texts, clip(f.text))
		isEx = append(isEx, f.ex != nil)
	}
	// Items point into the final slices, so they are made after the last
	// append.
	ei, pi := 0, 0
	for i, text := range texts {
		it := Item{Text: text}
		if isEx[i] {
			it.Exception = &r.Exceptions[ei]
			ei++
		} else {
			it.Period = &r.Periods[pi]
			pi++
		}
		r.Items = append(r.Items, it)
	}
	return r
}

func describeSpan(s span) string {
	if s.from == s.to {
		return s.from.String()
	}
	return s.from.String() + " to " + s.to.String()
}
