package source

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/hoursd/hoursd/schedule"
)

// The iCalendar reader reads a feed of a place's closures and changed
// hours with github.com/emersion/go-ical rather than arran4/golang-ical
// (which hoursd uses to write its own feed): emersion's decoder is a
// strict RFC 5545 reader with typed values — Prop.DateTime honours
// VALUE=DATE, UTC and TZID — and carries no fetching or file code, which a
// pure reader must not pull in; reading with a second implementation also
// keeps hoursd from sharing one library's mistakes on both sides.
//
// An all-day event closes its days (DTEND is exclusive), unless its summary
// gives hours ("Öppet 10–14") or puts the closure in part of the day, on
// another service or beside the usual hours ("Stängt på eftermiddagen",
// "Telefonen stängd", "Öppet som vanligt"), which is a warning. A timed event gives its day those hours;
// several timed events on one day give several intervals. A timed event
// whose summary says closed ("Stängt för personalmöte", 12:00–16:00) makes
// its day a warning: the feed says when the place is shut, not when it is
// open the rest of that day. Times are read
// as wall-clock hours in Options.Location; see Options.

// maxICSDepth bounds the nesting of components (VCALENDAR > VEVENT >
// VALARM is three): the decoder descends recursively, and a hostile feed
// of a million BEGIN lines must fail quickly, not exhaust the stack.
const maxICSDepth = 8

// maxEvents bounds the events read from one feed.
const maxEvents = 10000

func readICS(body []byte, opts Options) (*Reading, error) {
	if err := icsDepth(body); err != nil {
		return nil, err
	}
	cal, err := decodeICS(body)
	if err != nil {
		return nil, fmt.Errorf("read ics: %w", err)
	}
	x := icsReader{opts: opts, days: map[schedule.Date]*icsDay{}}
	for i, ev := range cal.Events() {
		if i >= maxEvents {
			x.b.warn("", "more than %d events; the rest are not read", maxEvents)
			break
		}
		x.event(ev)
	}
	x.settle()
	return x.b.reading(), nil
}

// decodeICS decodes a feed, turning a panic of the decoder into an error.
// go-ical's content-line decoder indexes past the end of some malformed
// parameters (FuzzReadICS found "0;0="); a hostile feed must fail the
// refresh, not the daemon.
func decodeICS(body []byte) (cal *ical.Calendar, err error) {
	defer func() {
		if p := recover(); p != nil {
			cal, err = nil, fmt.Errorf("malformed calendar (the decoder failed: %v)", p)
		}
	}()
	return ical.NewDecoder(bytes.NewReader(body)).Decode()
}

// icsDepth refuses a feed whose components nest deeper than maxICSDepth.
func icsDepth(body []byte) error {
	depth := 0
	for l := range bytes.Lines(body) {
		l = bytes.TrimRight(l, "\r\n")
		switch {
		case len(l) > 6 && bytes.EqualFold(l[:6], []byte("BEGIN:")):
			if depth++; depth > maxICSDepth {
				return fmt.Errorf("read ics: components nest deeper than %d", maxICSDepth)
			}
		case len(l) > 4 && bytes.EqualFold(l[:4], []byte("END:")):
			depth--
		}
	}
	return nil
}

type icsReader struct {
	b     builder
	opts  Options
	days  map[schedule.Date]*icsDay // timed events, by date
	order []schedule.Date
	home  *time.Location // Europe/Stockholm for UTC times when Options has no zone
}

// icsDay gathers the timed events of one date.
type icsDay struct {
	hours  schedule.Hours
	texts  []string
	name   string
	closed string // the summary of a timed event that says closed, if any
}

func (x *icsReader) event(ev ical.Event) {
	summary := ""
	if p := ev.Props.Get(ical.PropSummary); p != nil {
		summary, _ = p.Text()
	}
	text := summary
	if text == "" {
		text = "VEVENT"
	}
	if p := ev.Props.Get(ical.PropStatus); p != nil && strings.EqualFold(p.Value, "CANCELLED") {
		return
	}
	if ev.Props.Get(ical.PropRecurrenceRule) != nil {
		x.b.warn(text, "a repeating event (RRULE); hoursd reads dated events only")
		return
	}
	startProp := ev.Props.Get(ical.PropDateTimeStart)
	if startProp == nil {
		x.b.warn(text, "an event without DTSTART")
		return
	}
	allDay := startProp.ValueType() == ical.ValueDate || (startProp.ValueType() == ical.ValueDefault && len(startProp.Value) == len("20060102"))
	if allDay {
		x.allDay(ev, startProp, text, summary)
		return
	}
	start, err := x.wallClock(startProp, text)
	if err != nil {
		x.b.warn(text, "DTSTART: %v", err)
		return
	}
	var end time.Time
	switch endProp := ev.Props.Get(ical.PropDateTimeEnd); {
	case endProp != nil:
		if end, err = x.wallClock(endProp, text); err != nil {
			x.b.warn(text, "DTEND: %v", err)
			return
		}
	case ev.Props.Get(ical.PropDuration) != nil:
		d, err := ev.Props.Get(ical.PropDuration).Duration()
		if err != nil {
			x.b.warn(text, "DURATION: %v", err)
			return
		}
		// Wall-clock arithmetic: a two-hour event is two hours on the
		// clock face, which is what a visitor reads.
		end = start.Add(d)
	default:
		x.b.warn(text, "a timed event without DTEND or DURATION")
		return
	}
	day := schedule.DateOf(start)
	open := schedule.Clock(start.Hour()*60 + start.Minute())
	var close schedule.Clock
	switch endDay := schedule.DateOf(end); {
	case endDay == day:
		close = schedule.Clock(end.Hour()*60 + end.Minute())
	case endDay == day.AddDays(1) && end.Hour() == 0 && end.Minute() == 0:
		close = 24 * 60
	default:
		x.b.warn(text, "a timed event that runs from %s into %s; give each day its own event", day, endDay)
		return
	}
	if close <= open {
		x.b.warn(text, "ends at %s, not after it starts at %s", close, open)
		return
	}
	d := x.days[day]
	if d == nil {
		d = &icsDay{}
		x.days[day] = d
		x.order = append(x.order, day)
	}
	// "Stängt för personalmöte" from 12:00 to 16:00 closes those hours,
	// not opens them; what is left of the day the feed does not say.
	if pl := parseLine(line{text: summary}); len(pl.closed) > 0 || slices.ContainsFunc(pl.doubts, func(d doubt) bool { return d.kind == dPart }) {
		d.closed = summary
	}
	d.hours = append(d.hours, schedule.Interval{Open: open, Close: close})
	d.texts = append(d.texts, text)
	if d.name == "" {
		d.name = summary
	}
}

// allDay reads an all-day event: its days are closed, or have the hours
// its summary gives.
func (x *icsReader) allDay(ev ical.Event, startProp *ical.Prop, text, summary string) {
	start, err := startProp.DateTime(time.UTC)
	if err != nil {
		x.b.warn(text, "DTSTART: %v", err)
		return
	}
	from := schedule.DateOf(start)
	to := from
	if endProp := ev.Props.Get(ical.PropDateTimeEnd); endProp != nil {
		end, err := endProp.DateTime(time.UTC)
		if err != nil {
			x.b.warn(text, "DTEND: %v", err)
			return
		}
		// DTEND of an all-day event is the day after its last.
		if last := schedule.DateOf(end).AddDays(-1); last.After(from) {
			to = last
		}
	} else if p := ev.Props.Get(ical.PropDuration); p != nil {
		if d, err := p.Duration(); err == nil && d >= 48*time.Hour && d <= 400*24*time.Hour {
			to = from.AddDays(int(d/(24*time.Hour)) - 1)
		}
	}
	e := schedule.Exception{From: from, To: to, Closed: true}
	pl := parseLine(line{text: summary})
	var bad string
	for _, h := range pl.hours {
		if h.bad != "" {
			bad = h.bad
		}
		e.Hours = append(e.Hours, h.iv)
	}
	// An all-day event with no hours closes its days, so a summary that
	// puts the closure in part of the day, on another service or beside
	// the usual hours ("Stängt på eftermiddagen", "Telefonen stängd",
	// "Öppet som vanligt") must not.
	doubt := pl.doubtIn(&status{hours: e.Hours, closed: len(e.Hours) == 0 || len(pl.closed) > 0}, 0, len(pl.toks))
	switch {
	case doubt != "":
		x.b.warn(text, "%s", doubt)
		return
	case bad != "":
		x.b.warn(text, "hours %s", bad)
		return
	case len(e.Hours) > 0 && len(pl.closed) > 0:
		x.b.warn(text, "says both closed and hours; hoursd cannot tell which applies")
		return
	case len(e.Hours) > 0:
		e.Closed = false
	}
	e.Name = x.name(from, to, summary, pl)
	x.b.exception(text, e)
}

// name is an exception's name: the catalogue's where the summary names a
// day of it or the date is one, else the summary when it is more than a
// status ("Stängt", "10–14").
func (x *icsReader) name(from, to schedule.Date, summary string, pl *parsed) schedule.Name {
	if len(pl.names) > 0 {
		return catalogueName(pl.names[0].id)
	}
	if from == to {
		if id, ok := catalogueOn(from); ok {
			return catalogueName(id)
		}
	}
	if summary != "" && len(pl.hours) == 0 && len(pl.closed) == 0 {
		return schedule.Name{SV: summary, EN: summary}
	}
	return schedule.Name{}
}

// wallClock is a DATE-TIME as the clock on the place's wall shows it.
// Without Options.Location, a time with a TZID is taken as written (the
// publisher's own zone) and a time in UTC in Europe/Stockholm.
func (x *icsReader) wallClock(p *ical.Prop, text string) (time.Time, error) {
	loc := x.opts.Location
	tzid := p.Params.Get(ical.PropTimezoneID)
	utc := strings.HasSuffix(p.Value, "Z")
	switch {
	case loc == nil && !utc:
		// Floating or TZID: the digits are the wall clock.
		return floating(p)
	case loc == nil:
		loc = x.stockholm()
	case tzid != "" && tzid == loc.String():
		return floating(p)
	}
	t, err := p.DateTime(loc)
	if err != nil && tzid != "" {
		// A TZID the zone database lacks ("W. Europe Standard Time" from
		// Outlook): the digits are most likely the place's own wall clock.
		x.b.warn(text, "time zone %q is unknown; its times are read as %s", tzid, loc)
		return floatingIn(p, loc)
	}
	if err != nil {
		return time.Time{}, err
	}
	return t.In(loc), nil
}

func floating(p *ical.Prop) (time.Time, error) { return floatingIn(p, time.UTC) }

// floatingIn reads the digits of a DATE-TIME in loc, ignoring its TZID.
func floatingIn(p *ical.Prop, loc *time.Location) (time.Time, error) {
	q := *p
	q.Params = ical.Params{}
	q.Value = strings.TrimSuffix(p.Value, "Z")
	return q.DateTime(loc)
}

// stockholm is the zone of UTC times when Options has none: hoursd's
// default zone. Should the zone database lack it, UTC is the least wrong.
func (x *icsReader) stockholm() *time.Location {
	if x.home == nil {
		x.home = time.UTC
		if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
			x.home = loc
		}
	}
	return x.home
}

// settle makes one exception of each date's timed events.
func (x *icsReader) settle() {
	slices.SortStableFunc(x.order, func(a, b schedule.Date) int { return a.Compare(b) })
	for _, day := range x.order {
		d := x.days[day]
		if d.closed != "" {
			x.b.warn(strings.Join(d.texts, " / "), "a timed event on %s says closed (%q); hoursd cannot tell the day's remaining hours", day, d.closed)
			continue
		}
		e := schedule.Exception{From: day, To: day, Hours: d.hours}
		// A timed event's summary is mostly "Öppet" or the place's own
		// name; only a day of the catalogue names the date.
		if pl := parseLine(line{text: d.name}); len(pl.names) > 0 {
			e.Name = catalogueName(pl.names[0].id)
		} else if id, ok := catalogueOn(day); ok {
			e.Name = catalogueName(id)
		}
		x.b.exception(strings.Join(d.texts, " / "), e)
	}
}
