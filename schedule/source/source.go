// Package source reads what a place publishes about its own hours — a web
// page written in words, schema.org JSON-LD, or an iCalendar feed of its
// closures — into dated rules of hoursd's model: exceptions (a date or a run
// of dates with their hours, or closed) and dated periods (a season with its
// own week).
//
// Readers are pure: bytes in, rules out. They fetch nothing, read no clock
// and keep nothing; the daemon fetches, keeps the last good reading and
// merges it into the schedule under the configuration's own exceptions.
//
// What a reader is not sure of it does not turn into a rule: a day's name
// or weekday that disagrees with its date, hours that run backwards, a date
// given two ways, a date with no year are Warnings, so a slip on a page is
// reported rather than announced to subscribers.
//
// Libraries: pages are read with golang.org/x/net/html's tokenizer, which
// streams (linear time and memory however a page nests) and reads broken
// markup as browsers do; the words are then matched as words, never by
// regular expressions over markup (page.go). JSON-LD is encoding/json.
// iCalendar feeds are read with github.com/emersion/go-ical: a strict RFC
// 5545 decoder with typed DATE/DATE-TIME/TZID values and no fetching or
// file code of its own (ics.go says more).
package source

import (
	"errors"
	"fmt"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// The formats a source may have (the `format` key of a schedule's source).
const (
	FormatPage   = "page"   // an HTML or plain-text page listing deviating days in words
	FormatJSONLD = "jsonld" // schema.org openingHoursSpecification in <script type="application/ld+json">
	FormatICS    = "ics"    // an iCalendar feed of closures and changed hours
)

// Formats lists the formats in the order documentation names them.
var Formats = []string{FormatPage, FormatJSONLD, FormatICS}

// Reading is what one source yielded.
type Reading struct {
	// Exceptions are dated one-offs: a date (From == To) or a run of dates
	// with their hours, or closed, and their name where the source gives one.
	Exceptions []schedule.Exception
	// Periods are dated seasons (From.Year and To.Year set) with their week.
	Periods []schedule.Period
	// Weekly is the regular week the source states, nil when it states none.
	// hoursd compares it with the configuration's and warns; it never
	// applies it.
	Weekly *schedule.Week
	// Warnings are what the reader saw but did not turn into a rule: a line
	// whose named day disagrees with its date, hours it could not read.
	Warnings []Warning
	// Items are the rules above with the source's own words for each, in
	// the order the source gives them, so `hoursd source fetch` can show
	// what was read from what. Each points into Exceptions or Periods.
	Items []Item
}

// Item is one rule of a Reading beside the words it was read from.
type Item struct {
	// Text is the source's words: a line or table row of a page (cells
	// joined by " | "), a JSON-LD specification, an event's summary.
	Text string
	// Exception is the dated exception read from Text, or nil.
	Exception *schedule.Exception
	// Period is the dated period read from Text, or nil.
	Period *schedule.Period
}

// Options tell a reader what the source itself may leave unsaid.
type Options struct {
	// Location is the place's time zone. A feed's times given in UTC or in
	// another zone are read as wall-clock hours here. Nil means the zone
	// each time is written in (an event's TZID) and Europe/Stockholm for
	// times in UTC.
	Location *time.Location
	// Today places a date written without a year ("24 december") that no
	// heading gives a year either: it is taken in the year that puts it
	// on or after a month before Today. Zero leaves such a date unread,
	// with a warning.
	Today schedule.Date
}

// Warning is one thing a reader saw but did not use.
type Warning struct {
	Text    string // the source's own words (a line of the page, an event's summary), trimmed
	Message string // what is wrong with them, e.g. "Skärtorsdagen is 17 April in 2025, not 18 April"
}

func (w Warning) String() string { return fmt.Sprintf("%q: %s", w.Text, w.Message) }

// ErrNoList is returned when a source yields no dated rule and no regular
// week at all: a page that was redesigned, an error page served with 200.
// The daemon then keeps the last good reading.
var ErrNoList = errors.New("no list of dates or hours found")

// Read reads body in the given format with zero Options. It returns
// ErrNoList (wrapped) when nothing usable is found, and never panics,
// whatever body holds.
func Read(format string, body []byte) (*Reading, error) {
	return ReadWith(format, body, Options{})
}

// ReadWith reads body in the given format. It returns ErrNoList (wrapped)
// when nothing usable is found, then with a Reading that holds only the
// warnings, if any, that say why; it never panics, whatever body holds.
func ReadWith(format string, body []byte, opts Options) (*Reading, error) {
	if len(body) > MaxBody {
		return nil, fmt.Errorf("read %s: %d bytes is more than the %d hoursd reads", format, len(body), MaxBody)
	}
	var r *Reading
	var err error
	switch format {
	case FormatPage:
		r, err = readPage(body, opts)
	case FormatJSONLD:
		r, err = readJSONLD(body, opts)
	case FormatICS:
		r, err = readICS(body, opts)
	default:
		return nil, fmt.Errorf("unknown source format %q", format)
	}
	if err != nil {
		return nil, err
	}
	if len(r.Exceptions) == 0 && len(r.Periods) == 0 && r.Weekly == nil {
		return &Reading{Warnings: r.Warnings}, fmt.Errorf("read %s: %w", format, ErrNoList)
	}
	return r, nil
}

// MaxBody is the largest body a reader accepts (8 MiB): far more than any
// page of opening hours, small enough that reading it stays quick.
const MaxBody = 8 << 20
