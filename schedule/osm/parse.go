// Package osm reads and writes OpenStreetMap opening_hours expressions
// ("Mo-Fr 08:00-16:00; PH off; Dec 24 off") for hoursd: Parse turns one into
// the rules of a schedule.Schedule, Format writes any schedule as one.
//
// The parser is written by hand: the module proxy offers no maintained Go
// implementation of the syntax, and the part hoursd needs is small. It
// reads the subset of the specification that describes regular and
// deviating hours (https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification)
// and refuses everything else with an error naming the token and its
// position, so nothing is silently read as something else:
//
//	expression = rule { ( ";" | "," ) rule } [ ";" ] .
//	rule       = "24/7" [ modifier ] [ comment ]
//	           | [ years ] [ dates ] [ weeks ] [ ":" ] [ days ] [ times ] [ modifier ] [ comment ] .
//	years      = year [ "-" year [ "/" step ] ] { "," … } .                2025, 2025-2030/2 (a step is 2 or more)
//	dates      = daterange { "," daterange } .
//	daterange  = [ year ] month [ "-" [ year ] month ]                      Jun-Aug, 2026 Jan
//	           | date [ "-" ( day | date ) ]                                Dec 24, Dec 24-26, Jun 30-Aug 24
//	           | "easter" [ offset ] .                                      easter -2 days
//	date       = [ year ] month day .                                       a dated range gives both years: 2025 Jun 30-2025 Aug 24
//	offset     = ( "+" | "-" ) number ( "day" | "days" ) .
//	weeks      = "week" number [ "-" number ] [ "/" step ] { "," … } .     week 01-53/2
//	days       = dayitem { "," dayitem } .
//	dayitem    = weekday [ "-" weekday ] [ "[" nth { "," nth } "]" ]       Mo-Fr, Fr[-1], Sa[1,3]
//	           | "PH" [ offset ] [ weekdays ] .                            PH, PH +1 day, PH -1 day Mo-Fr (PH alone in the list)
//	nth        = [ "-" ] number [ "-" number ] .
//	times      = span { "," span } .                                        08:00-11:30,13:00-16:00
//	span       = HH:MM "-" HH:MM .                                          24:00 may close; 22:00-02:00 and 22:00-26:00 run past midnight
//	modifier   = "open" | "off" | "closed" .
//	comment    = '"' text '"' .
//
// A ";" rule replaces the hours of every date it matches; a "," rule adds
// its hours to them (and "off" closes the date either way), as
// opening_hours.js has it. Outside the subset: sunrise, sunset, dawn, dusk,
// SH, "||", open ends ("+"), "unknown", weekday offsets (Dec 25 +Mo),
// day offsets of dates other than easter. A rule with days but no times is open all
// day; a comment gives the rule's days and seasons their name.
package osm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hoursd/hoursd/schedule"
)

// Error is what is wrong with an expression, and where.
type Error struct {
	Pos    int    // 1-based position in characters; len+1 at the end
	Token  string // the token found there, "" at the end
	Reason string
}

func (e *Error) Error() string {
	if e.Token == "" {
		return fmt.Sprintf("at position %d (end of expression): %s", e.Pos, e.Reason)
	}
	return fmt.Sprintf("at position %d (%q): %s", e.Pos, e.Token, e.Reason)
}

type kind uint8

const (
	tEOF kind = iota
	tNum
	tTime
	tWord
	tPunct
	tString
)

type token struct {
	kind kind
	text string
	off  int // byte offset
	end  int // byte offset after the token
}

// maxLen bounds an expression: the longest in OpenStreetMap are a few
// hundred characters, and the tag itself is limited to 255.
const maxLen = 4096

// Parse reads an opening_hours expression into the rules of a schedule.
func Parse(expr string) ([]schedule.Rule, error) {
	p := &parser{src: expr}
	if len(expr) > maxLen {
		return nil, p.errAt(token{off: 0, end: 0}, fmt.Sprintf("the expression is %d bytes long; hoursd reads at most %d", len(expr), maxLen))
	}
	if !utf8.ValidString(expr) {
		i := 0
		for i < len(expr) {
			r, n := utf8.DecodeRuneInString(expr[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, p.errAt(token{off: i, end: i + 1}, "is not valid UTF-8")
	}
	if err := p.lex(); err != nil {
		return nil, err
	}
	return p.expression()
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) lex() error {
	s := p.src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && s[j] == ':' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
				k := j + 1
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
				p.toks = append(p.toks, token{tTime, s[i:k], i, k})
				i = k
				continue
			}
			p.toks = append(p.toks, token{tNum, s[i:j], i, j})
			i = j
		case strings.IndexByte("-,;:[]/+|()", c) >= 0:
			p.toks = append(p.toks, token{tPunct, s[i : i+1], i, i + 1})
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return p.errAt(token{off: i, end: len(s)}, "the comment is not closed by a second \"")
			}
			p.toks = append(p.toks, token{tString, s[i+1 : i+1+j], i, i + 2 + j})
			i += j + 2
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) {
				return p.errAt(token{off: i, end: i + n}, "is not part of the opening_hours syntax")
			}
			j := i
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r) && r != '_' {
					break
				}
				j += n
			}
			p.toks = append(p.toks, token{tWord, s[i:j], i, j})
			i = j
		}
	}
	p.toks = append(p.toks, token{kind: tEOF, off: len(s), end: len(s)})
	return nil
}

// errAt builds an Error at tok, with its position in characters.
func (p *parser) errAt(tok token, reason string) *Error {
	text := ""
	if tok.end > tok.off {
		text = p.src[tok.off:tok.end]
	}
	return &Error{Pos: utf8.RuneCountInString(p.src[:tok.off]) + 1, Token: text, Reason: reason}
}

func (p *parser) peek() token        { return p.toks[p.i] }
func (p *parser) peekAt(n int) token { return p.toks[min(p.i+n, len(p.toks)-1)] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (t token) is(text string) bool { return t.kind != tEOF && t.kind != tString && t.text == text }

// unsupported are words of the full syntax that hoursd does not read, with
// why, so the error says more than "unexpected".
var unsupported = map[string]string{
	"sunrise": "times from the sun (sunrise, sunset, dawn, dusk) are outside what hoursd reads",
	"sunset":  "times from the sun (sunrise, sunset, dawn, dusk) are outside what hoursd reads",
	"dawn":    "times from the sun (sunrise, sunset, dawn, dusk) are outside what hoursd reads",
	"dusk":    "times from the sun (sunrise, sunset, dawn, dusk) are outside what hoursd reads",
	"SH":      "school holidays (SH) are outside what hoursd reads: it has no school holiday data",
	"unknown": "the unknown state is outside what hoursd reads: say open, off, or give times",
}

func (p *parser) expression() ([]schedule.Rule, error) {
	var rules []schedule.Rule
	additional := false
	for {
		if p.peek().kind == tEOF && len(rules) > 0 && !additional {
			return rules, nil // a trailing ";", which opening_hours.js accepts
		}
		r, err := p.rule()
		if err != nil {
			return nil, err
		}
		r.Additional = additional
		rules = append(rules, r)
		t := p.next()
		switch {
		case t.kind == tEOF:
			return rules, nil
		case t.is(";"):
			additional = false
		case t.is(","):
			additional = true
		case t.is("|"):
			return nil, p.errAt(t, "fallback rules (||) are outside what hoursd reads")
		case t.is("+"):
			return nil, p.errAt(t, "open ends (+) are outside what hoursd reads: give a closing time")
		default:
			return nil, p.errAt(t, p.unexpected(t, "expected \";\" or \",\" between rules, or the end"))
		}
	}
}

// unexpected explains a token that does not fit where it stands.
func (p *parser) unexpected(t token, fallback string) string {
	if why, ok := unsupported[t.text]; ok && t.kind == tWord {
		return why
	}
	if t.kind == tWord {
		fixed := title(t.text)
		if _, ok := weekday(fixed); ok && t.text != fixed {
			return fmt.Sprintf("weekdays are written Mo, Tu, We, Th, Fr, Sa, Su (here: %s)", fixed)
		}
		if _, ok := month(fixed); ok && t.text != fixed {
			return fmt.Sprintf("months are written Jan, Feb, … Dec (here: %s)", fixed)
		}
		if t.text == "ph" || t.text == "Ph" {
			return "public holidays are written PH"
		}
	}
	return fallback
}

func (p *parser) rule() (schedule.Rule, error) {
	start := p.peek()
	var r schedule.Rule
	var err error
	any := false   // anything read
	timed := false // times read
	if t := p.peek(); t.is("24") && p.peekAt(1).is("/") && p.peekAt(2).is("7") {
		p.i += 3
		r.Hours = schedule.Hours{{Open: 0, Close: 24 * 60}}
		any, timed = true, true
	} else {
		if t := p.peek(); t.kind == tNum && len(t.text) == 4 && !isDateStart(p.peekAt(1)) {
			if r.Years, err = p.years(); err != nil {
				return r, err
			}
		}
		if isDateStart(p.peek()) || (p.peek().kind == tNum && len(p.peek().text) == 4) {
			if r.Dates, err = p.dates(); err != nil {
				return r, err
			}
		}
		if p.peek().is("week") {
			if r.Weeks, err = p.weeks(); err != nil {
				return r, err
			}
		}
		wide := len(r.Years)+len(r.Dates)+len(r.Weeks) > 0
		if p.peek().is(":") && wide {
			p.next()
		}
		if isDayStart(p.peek()) {
			if r.Days, err = p.days(); err != nil {
				return r, err
			}
		}
		any = wide || len(r.Days) > 0
		if p.peek().kind == tTime || p.peek().kind == tNum {
			if r.Hours, err = p.times(); err != nil {
				return r, err
			}
			any, timed = true, true
		} else if any {
			r.Hours = schedule.Hours{{Open: 0, Close: 24 * 60}} // open all day, as opening_hours.js reads it
		}
	}
	// Days or dates alone mean open all day, but not with a comment: then
	// opening_hours.js reads the state as unknown.
	stated := any && len(r.Hours) > 0 && (timed || p.peek().kind != tString)
	switch t := p.peek(); {
	case t.is("off") || t.is("closed"):
		p.next()
		r.Closed, r.Hours, stated = true, nil, true
	case t.is("open"):
		p.next()
		if len(r.Hours) == 0 {
			r.Hours = schedule.Hours{{Open: 0, Close: 24 * 60}}
		}
		stated = true
	}
	if t := p.peek(); t.kind == tString {
		p.next()
		if !stated {
			return r, p.errAt(t, "a comment without times, open or off leaves the state unknown, which hoursd does not read")
		}
		if strings.ContainsAny(t.text, "\n\r") {
			return r, p.errAt(t, "a comment may not span lines")
		}
		r.Comment = t.text
	}
	if !stated {
		t := p.peek()
		if t.kind == tEOF {
			return r, p.errAt(t, "expected a rule: days, dates or times")
		}
		return r, p.errAt(t, p.unexpected(t, "expected a rule: a weekday (Mo), a date (Dec 24), PH, easter, week, a year or a time (08:00-16:00)"))
	}
	r.Text = strings.TrimSpace(p.src[start.off:p.toks[p.i-1].end])
	return r, nil
}

var weekdays = []string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}
var months = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func weekday(s string) (time.Weekday, bool) {
	i := slices.Index(weekdays, s)
	return time.Weekday(i), i >= 0
}

func month(s string) (time.Month, bool) {
	i := slices.Index(months, s)
	return time.Month(i + 1), i >= 0
}

func isMonth(t token) bool { _, ok := month(t.text); return t.kind == tWord && ok }

// isDateStart reports whether t starts a date range (a year is checked by
// the caller, as it may also start a year range).
func isDateStart(t token) bool { return isMonth(t) || t.is("easter") }

func isDayStart(t token) bool {
	_, ok := weekday(t.text)
	return t.kind == tWord && (ok || t.text == "PH" || t.text == "SH")
}

// number reads a number from lo to hi.
func (p *parser) number(what string, lo, hi int) (int, error) {
	t := p.next()
	if t.kind != tNum {
		return 0, p.errAt(t, p.unexpected(t, "expected "+what))
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n < lo || n > hi || len(t.text) > 4 {
		return 0, p.errAt(t, fmt.Sprintf("%s must be from %d to %d", what, lo, hi))
	}
	return n, nil
}

func (p *parser) year() (int, error) {
	t := p.peek()
	if t.kind != tNum || len(t.text) != 4 {
		p.next()
		return 0, p.errAt(t, "expected a year (four digits)")
	}
	return p.number("a year", 1900, 9999)
}

func (p *parser) years() ([]schedule.YearRange, error) {
	var out []schedule.YearRange
	for {
		from, err := p.year()
		if err != nil {
			return nil, err
		}
		yr := schedule.YearRange{From: from, To: from, Step: 1}
		if p.peek().is("-") {
			p.next()
			if yr.To, err = p.year(); err != nil {
				return nil, err
			}
			if yr.To < from {
				return nil, p.errAt(p.toks[p.i-1], fmt.Sprintf("the year range ends before it starts (%d)", from))
			}
			if p.peek().is("/") {
				p.next()
				if yr.Step, err = p.number("a step in years", 2, 100); err != nil {
					return nil, err
				}
			}
		}
		if p.peek().is("+") {
			return nil, p.errAt(p.peek(), "open-ended year ranges (2025+) are outside what hoursd reads: give the last year")
		}
		out = append(out, yr)
		if !(p.peek().is(",") && p.peekAt(1).kind == tNum && len(p.peekAt(1).text) == 4 && !isDateStart(p.peekAt(2))) {
			return out, nil
		}
		p.next()
	}
}

func (p *parser) dates() ([]schedule.DateRange, error) {
	var out []schedule.DateRange
	for {
		dr, err := p.dateRange()
		if err != nil {
			return nil, err
		}
		out = append(out, dr)
		if !p.peek().is(",") {
			return out, nil
		}
		n := p.peekAt(1)
		if !isDateStart(n) && !(n.kind == tNum && len(n.text) == 4 && isDateStart(p.peekAt(2))) {
			return out, nil
		}
		p.next()
	}
}

// dateSpec reads [year] (month [day] | easter) [offset]. A month without a
// day is returned with Day 0.
func (p *parser) dateSpec() (schedule.DateSpec, error) {
	var ds schedule.DateSpec
	var err error
	if t := p.peek(); t.kind == tNum && len(t.text) == 4 {
		if ds.Year, err = p.year(); err != nil {
			return ds, err
		}
	}
	t := p.next()
	switch {
	case t.is("easter"):
		ds.Easter = true
	case isMonth(t):
		ds.Month, _ = month(t.text)
		if n := p.peek(); n.kind == tNum && len(n.text) <= 2 && !p.peekAt(1).is(":") {
			if ds.Day, err = p.number("a day of the month", 1, 31); err != nil {
				return ds, err
			}
			if err := checkDate(ds); err != nil {
				return ds, p.errAt(p.toks[p.i-1], err.Error())
			}
		}
	default:
		return ds, p.errAt(t, p.unexpected(t, "expected a month (Jan … Dec) or easter"))
	}
	if (p.peek().is("+") || p.peek().is("-")) && p.peekAt(1).kind == tNum && (p.peekAt(2).is("day") || p.peekAt(2).is("days")) {
		if !ds.Easter {
			return ds, p.errAt(p.peek(), "day offsets are read after easter and PH only (easter -2 days); write the date itself")
		}
		if ds.Offset, err = p.offset(); err != nil {
			return ds, err
		}
	} else if (ds.Easter || ds.Day != 0) && (p.peek().is("+") || p.peek().is("-")) && isDayStart(p.peekAt(1)) {
		return ds, p.errAt(p.peekAt(1), "weekday offsets of a date (Dec 25 +Mo) are outside what hoursd reads")
	}
	return ds, nil
}

func checkDate(ds schedule.DateSpec) error {
	y := ds.Year
	if y == 0 {
		y = 2000 // a leap year: Feb 29 is a day of some years
	}
	if ds.Day > time.Date(y, ds.Month+1, 0, 12, 0, 0, 0, time.UTC).Day() {
		if ds.Year == 0 {
			return fmt.Errorf("%s has no day %d", ds.Month, ds.Day)
		}
		return fmt.Errorf("%s %d has no day %d", ds.Month, ds.Year, ds.Day)
	}
	return nil
}

// offset reads "+N day(s)" or "-N day(s)".
func (p *parser) offset() (int, error) {
	sign := p.next()
	n, err := p.number("a number of days", 0, 366)
	if err != nil {
		return 0, err
	}
	if u := p.next(); !u.is("day") && !u.is("days") {
		return 0, p.errAt(u, p.unexpected(u, "expected day or days after the number"))
	}
	if sign.is("-") {
		n = -n
	}
	return n, nil
}

func (p *parser) dateRange() (schedule.DateRange, error) {
	from, err := p.dateSpec()
	if err != nil {
		return schedule.DateRange{}, err
	}
	dr := schedule.DateRange{From: from, To: from}
	if !p.peek().is("-") {
		return dr, nil
	}
	dash := p.next()
	if from.Easter {
		return dr, p.errAt(dash, "ranges from or to easter are outside what hoursd reads; list the dates (easter -2 days,easter -1 day)")
	}
	n := p.peek()
	switch {
	case from.Day != 0 && n.kind == tNum && len(n.text) <= 2: // Dec 24-26
		day, err := p.number("a day of the month", 1, 31)
		if err != nil {
			return dr, err
		}
		dr.To = schedule.DateSpec{Month: from.Month, Day: day}
		if err := checkDate(dr.To); err != nil {
			return dr, p.errAt(p.toks[p.i-1], err.Error())
		}
		if day < from.Day {
			return dr, p.errAt(p.toks[p.i-1], fmt.Sprintf("the range ends before it starts (%s %d)", months[from.Month-1], from.Day))
		}
	case isDateStart(n) || (n.kind == tNum && len(n.text) == 4):
		if dr.To, err = p.dateSpec(); err != nil {
			return dr, err
		}
		if (from.Day == 0 && !from.Easter) != (dr.To.Day == 0 && !dr.To.Easter) {
			return dr, p.errAt(dash, "a range goes from a month to a month or from a date to a date (Jun-Aug, Jun 30-Aug 24)")
		}
		if dr.To.Easter {
			return dr, p.errAt(dash, "ranges from or to easter are outside what hoursd reads; list the dates (easter -2 days,easter -1 day)")
		}
		if from.Year != 0 && dr.To.Year == 0 && from.Day != 0 {
			return dr, p.errAt(dash, "a dated range gives its year at both ends (2025 Jun 30-2025 Aug 24)")
		}
		if dr.To.Year != 0 && from.Year == 0 {
			return dr, p.errAt(dash, "a range that ends in a year must start in one (2025 Jun 30-2025 Aug 24)")
		}
		if from.Year != 0 && dr.To.Year != 0 && spec(dr.To).Before(spec(from)) {
			return dr, p.errAt(dash, "the range ends before it starts")
		}
	default:
		return dr, p.errAt(n, p.unexpected(n, "expected the end of the range: a day, a month or a date"))
	}
	return dr, nil
}

// spec is a dated DateSpec as a date, for ordering (the start of a month).
func spec(ds schedule.DateSpec) schedule.Date {
	return schedule.Date{Year: ds.Year, Month: ds.Month, Day: max(ds.Day, 1)}
}

func (p *parser) weeks() ([]schedule.WeekRange, error) {
	p.next() // "week"
	var out []schedule.WeekRange
	for {
		from, err := p.number("a week number", 1, 53)
		if err != nil {
			return nil, err
		}
		wr := schedule.WeekRange{From: from, To: from, Step: 1}
		if p.peek().is("-") {
			p.next()
			if wr.To, err = p.number("a week number", 1, 53); err != nil {
				return nil, err
			}
			if wr.To < from {
				return nil, p.errAt(p.toks[p.i-1], "the week range ends before it starts; write week 50-53,01-02 across a year end")
			}
			if p.peek().is("/") {
				p.next()
				if wr.Step, err = p.number("a step in weeks", 2, 53); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, wr)
		if !(p.peek().is(",") && p.peekAt(1).kind == tNum && !p.peekAt(2).is(":")) {
			return out, nil
		}
		p.next()
	}
}

func (p *parser) days() ([]schedule.DaySel, error) {
	var out []schedule.DaySel
	for {
		t := p.next()
		var ds schedule.DaySel
		switch {
		case t.is("PH"):
			ds.Holiday = true
			if (p.peek().is("+") || p.peek().is("-")) && p.peekAt(1).kind == tNum {
				var err error
				at := p.peek()
				if ds.Offset, err = p.offset(); err != nil {
					return nil, err
				}
				if ds.Offset != 1 && ds.Offset != -1 {
					return nil, p.errAt(at, "PH takes an offset of one day (PH +1 day, PH -1 day); for others write the dates")
				}
			}
			if n := p.peek(); isDayStart(n) && !n.is("PH") && !n.is("SH") {
				// PH Mo-Fr: the holidays that fall on these weekdays.
				if len(out) > 0 {
					return nil, p.errAt(n, "weekdays after PH and a space (PH Mo-Fr: holidays on weekdays) need PH alone before them")
				}
				mask, err := p.weekdayMask()
				if err != nil {
					return nil, err
				}
				ds.Weekdays = mask
				return append(out, ds), nil
			}
		case t.is("SH"):
			return nil, p.errAt(t, unsupported["SH"])
		default:
			from, ok := weekday(t.text)
			if !ok || t.kind != tWord {
				return nil, p.errAt(t, p.unexpected(t, "expected a weekday (Mo … Su) or PH"))
			}
			ds.Weekdays = 1 << from
			if p.peek().is("-") && p.peekAt(1).kind == tWord {
				p.next()
				e := p.next()
				to, ok := weekday(e.text)
				if !ok {
					return nil, p.errAt(e, p.unexpected(e, "expected a weekday (Mo … Su) to end the range"))
				}
				for wd := from; wd != to; wd = (wd + 1) % 7 {
					ds.Weekdays |= 1 << ((wd + 1) % 7)
				}
			}
			if p.peek().is("[") {
				if ds.Weekdays != 1<<from {
					return nil, p.errAt(p.peek(), "a weekday of the month ([1], [-1]) follows one weekday, not a range")
				}
				nth, err := p.nth()
				if err != nil {
					return nil, err
				}
				ds.Nth = nth
				if (p.peek().is("+") || p.peek().is("-")) && p.peekAt(1).kind == tNum && p.peekAt(2).kind == tWord {
					return nil, p.errAt(p.peek(), "day offsets of a weekday of the month (Sa[-1] +1 day) are outside what hoursd reads")
				}
			}
		}
		out = append(out, ds)
		if !(p.peek().is(",") && isDayStart(p.peekAt(1))) {
			return out, nil
		}
		p.next()
	}
}

// weekdayMask reads weekdays and ranges of weekdays joined by ",".
func (p *parser) weekdayMask() (uint8, error) {
	var mask uint8
	for {
		t := p.next()
		from, ok := weekday(t.text)
		if !ok || t.kind != tWord {
			return 0, p.errAt(t, p.unexpected(t, "expected a weekday (Mo … Su)"))
		}
		mask |= 1 << from
		if p.peek().is("-") && p.peekAt(1).kind == tWord {
			p.next()
			e := p.next()
			to, ok := weekday(e.text)
			if !ok {
				return 0, p.errAt(e, p.unexpected(e, "expected a weekday (Mo … Su) to end the range"))
			}
			for wd := from; wd != to; wd = (wd + 1) % 7 {
				mask |= 1 << ((wd + 1) % 7)
			}
		}
		if p.peek().is("[") {
			return 0, p.errAt(p.peek(), "weekdays of the month ([1], [-1]) after PH are outside what hoursd reads")
		}
		if !(p.peek().is(",") && p.peekAt(1).kind == tWord && !p.peekAt(1).is("PH") && isDayStart(p.peekAt(1))) {
			return mask, nil
		}
		p.next()
	}
}

func (p *parser) nth() ([]int, error) {
	p.next() // "["
	var out []int
	for {
		neg := false
		if p.peek().is("-") {
			p.next()
			neg = true
		}
		n, err := p.number("a week of the month", 1, 5)
		if err != nil {
			return nil, err
		}
		if neg {
			out = append(out, -n)
		} else if p.peek().is("-") {
			p.next()
			to, err := p.number("a week of the month", 1, 5)
			if err != nil {
				return nil, err
			}
			if to < n {
				return nil, p.errAt(p.toks[p.i-1], "the range ends before it starts")
			}
			for k := n; k <= to; k++ {
				out = append(out, k)
			}
		} else {
			out = append(out, n)
		}
		t := p.next()
		switch {
		case t.is("]"):
			return out, nil
		case t.is(","):
		default:
			return nil, p.errAt(t, "expected \",\" or \"]\"")
		}
	}
}

func (p *parser) times() (schedule.Hours, error) {
	var h schedule.Hours
	for {
		open, err := p.clock(false)
		if err != nil {
			return nil, err
		}
		dash := p.next()
		if !dash.is("-") {
			if dash.is("+") {
				return nil, p.errAt(dash, "open ends (+) are outside what hoursd reads: give a closing time")
			}
			return nil, p.errAt(dash, p.unexpected(dash, "expected \"-\" and a closing time (08:00-16:00); points in time are outside what hoursd reads"))
		}
		closeTok := p.peek()
		close, err := p.clock(true)
		if err != nil {
			return nil, err
		}
		iv := schedule.Interval{Open: open, Close: close}
		switch {
		case close == open || close == open+24*60:
			return nil, p.errAt(closeTok, "opens and closes at the same time; write 00:00-24:00 for a whole day")
		case close > 24*60 && close-24*60 > open:
			return nil, p.errAt(closeTok, "a span may not last more than 24 hours")
		case close > 24*60:
			iv.Close = close - 24*60
		}
		h = append(h, iv)
		if p.peek().is("+") {
			return nil, p.errAt(p.peek(), "open ends (+) are outside what hoursd reads: give a closing time")
		}
		if p.peek().is("/") || p.peek().is("(") {
			return nil, p.errAt(p.peek(), "repeating and variable times are outside what hoursd reads")
		}
		if !(p.peek().is(",") && p.peekAt(1).kind == tTime) {
			return h, nil
		}
		p.next()
	}
}

// clock reads HH:MM; a closing time may run to 48:00, past midnight.
func (p *parser) clock(closing bool) (schedule.Clock, error) {
	t := p.next()
	if t.kind != tTime {
		return 0, p.errAt(t, p.unexpected(t, "expected a time HH:MM"))
	}
	hh, mm, _ := strings.Cut(t.text, ":")
	if len(hh) != 2 || len(mm) != 2 {
		return 0, p.errAt(t, "times are written HH:MM, with two digits each (08:00)")
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	limit := 24
	if closing {
		limit = 48
	}
	if m > 59 || h > limit || (h == limit && m > 0) || (!closing && h == 24) {
		if closing {
			return 0, p.errAt(t, "is not a closing time (00:00 to 48:00)")
		}
		return 0, p.errAt(t, "is not an opening time (00:00 to 23:59)")
	}
	return schedule.Clock(h*60 + m), nil
}

// title writes a word with a capital first letter and the rest small, the
// way the syntax spells weekdays and months.
func title(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + strings.ToLower(s[n:])
}
