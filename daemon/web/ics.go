package web

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"

	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// The window of a calendar feed, relative to the day it is rendered: a
// little of the past, so a day that just went by is still in the calendar,
// and a bit more than a year ahead, so next year's Christmas is there when
// this year's is.
const (
	FeedPastDays   = 30
	FeedFutureDays = 400
)

// periodLookback is how far before the window hoursd looks for the start of
// a period that is still running when the window opens: a period longer
// than this that began before the window is left out of the feed.
const periodLookback = 400

// CalendarOptions say how to render one schedule's feed.
type CalendarOptions struct {
	// Location is the zone of the schedule's wall-clock hours; nil is
	// Europe/Stockholm, hoursd's default timezone.
	Location *time.Location
	// Lang is "sv" (also for "") or "en".
	Lang string
	// Now is the time of rendering, every event's DTSTAMP, and unless From
	// is set the window is counted from its date in Location.
	Now time.Time
	// From, when not zero, is the date the window is counted from instead
	// (`hoursd ics --from`), to see the feed as it will look on that day.
	From schedule.Date
	// Modified is when the schedule was last loaded (the daemon's start or
	// its last reload): every event's LAST-MODIFIED, and in minutes since
	// the Unix epoch its SEQUENCE. A feed carries no memory of earlier
	// renders, so hoursd cannot tell which events a reload changed; a load
	// time never decreases and grows exactly when the hours may have
	// changed, which is what SEQUENCE promises a client. The zero value
	// means Now.
	Modified time.Time
}

// WriteCalendar writes the changes of s for FeedPastDays before and
// FeedFutureDays after opts.Now as an RFC 5545 calendar:
//
//   - a closed day is an all-day event;
//   - a day with other hours is an event from its first opening to its last
//     closing, in the schedule's zone (TZID plus a VTIMEZONE block, so the
//     times stay right for a reader in another zone and across DST);
//   - a period with other weekly hours is one all-day event over its dates.
//
// UIDs depend only on the schedule, the date and the kind of change, never on
// the hours, so a calendar app updates an event when the hours are corrected
// instead of showing the old and the new one side by side. Every event is
// transparent: it informs, it does not make the subscriber busy.
func WriteCalendar(w io.Writer, s *schedule.Schedule, opts CalendarOptions) error {
	l, err := parseLang(opts.Lang)
	if err != nil {
		return err
	}
	if err := buildCalendar(s, opts, l).SerializeTo(w, ics.WithNewLine("\r\n")); err != nil {
		return fmt.Errorf("write calendar of %s: %w", s.ID, err)
	}
	return nil
}

func buildCalendar(s *schedule.Schedule, opts CalendarOptions, l *lang) *ics.Calendar {
	loc := opts.Location
	if loc == nil {
		loc = defaultLocation()
	}
	modified := opts.Modified
	if modified.IsZero() {
		modified = opts.Now
	}
	today := opts.From
	if today.IsZero() {
		today = schedule.DateOf(opts.Now.In(loc))
	}
	first := today.AddDays(-FeedPastDays)
	last := today.AddDays(FeedFutureDays)

	cal := ics.NewCalendarFor("hoursd")
	cal.SetProductId("-//hoursd//hoursd calendar feed//" + strings.ToUpper(l.Code()))
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(icsText(s.Title))
	cal.SetXWRCalDesc(icsText(calendarDescription(s, l)))
	cal.SetXWRTimezone(loc.String())
	// Hours change rarely and hoursd knows them a year ahead: twice a day
	// is fresh enough and spares the daemon polling clients.
	cal.SetRefreshInterval("PT12H")
	cal.SetXPublishedTTL("PT12H")
	cal.AddVTimezone(vtimezone(loc, first.AddDays(-1).Time(loc), last.AddDays(2).Time(loc)))

	stamp := func(e *ics.VEvent) {
		e.SetDtStampTime(opts.Now)
		e.SetLastModifiedAt(modified)
		e.SetSequence(int(modified.Unix() / 60))
		e.SetTimeTransparency(ics.TransparencyTransparent)
		e.SetStatus(ics.ObjectStatusConfirmed)
		if s.URL != "" {
			e.SetURL(s.URL)
		}
	}
	lookFrom := first.AddDays(-periodLookback)
	for _, c := range s.Changes(lookFrom, last.Sub(lookFrom)+1) {
		switch c.Kind {
		case schedule.KindDay:
			if c.Date.Before(first) {
				continue
			}
			e := cal.AddEvent(uid(s.ID, c.Date, "day"))
			stamp(e)
			dayEvent(e, s, c, loc, l)
		case schedule.KindPeriodStart:
			end := c.Until
			if end.IsZero() || end.Before(c.Date) {
				end = c.Date
			}
			if end.Before(first) {
				continue
			}
			e := cal.AddEvent(uid(s.ID, c.Date, "period"))
			stamp(e)
			periodEvent(e, s, c, end, l)
		}
		// period-end needs no event of its own: the period's event ends
		// where the regular hours begin again.
	}
	return cal
}

// uid is an event's stable identity: schedule, date and kind, nothing that a
// correction of the hours could change.
func uid(scheduleID string, d schedule.Date, kind string) string {
	return fmt.Sprintf("%s-%04d%02d%02d-%s@hoursd", scheduleID, d.Year, d.Month, d.Day, kind)
}

// dayEvent fills in the event of a day change: all-day when closed, else from
// the first opening to the last closing in local time with the zone's TZID.
func dayEvent(e *ics.VEvent, s *schedule.Schedule, c schedule.Change, loc *time.Location, l *lang) {
	e.SetSummary(icsText(summary(s, l.openHours(c.Hours), l.Name(c.Name))))
	e.SetDescription(icsText(description(s, l, fmt.Sprintf(l.instead, words.Capitalize(l.openHours(c.Hours)), l.Hours(c.Regular)))))
	if c.Hours.Closed() {
		e.SetAllDayStartAt(c.Date.Time(time.UTC))
		e.SetAllDayEndAt(c.Date.AddDays(1).Time(time.UTC))
		return
	}
	open := c.Hours[0].Open
	lastIv := c.Hours[len(c.Hours)-1]
	endDate, close := c.Date, lastIv.Close
	if close <= lastIv.Open || close >= 24*60 {
		// Past midnight (or 24:00): the event ends on the next day.
		endDate = c.Date.AddDays(1)
		close %= 24 * 60
	}
	tzid := ics.WithTZID(loc.String())
	e.SetProperty(ics.ComponentPropertyDtStart, localStamp(c.Date, open, loc), tzid)
	e.SetProperty(ics.ComponentPropertyDtEnd, localStamp(endDate, close, loc), tzid)
}

// periodEvent fills in the event of a period: all-day from its first date to
// its last, DTEND being exclusive.
func periodEvent(e *ics.VEvent, s *schedule.Schedule, c schedule.Change, end schedule.Date, l *lang) {
	name := l.Name(c.Name)
	if name == "" {
		name = l.special
	}
	e.SetSummary(icsText(summary(s, name, l.Week(c.Weekly))))
	e.SetDescription(icsText(description(s, l, fmt.Sprintf("%s: %s.", name, l.Week(c.Weekly)))))
	e.SetAllDayStartAt(c.Date.Time(time.UTC))
	e.SetAllDayEndAt(end.AddDays(1).Time(time.UTC))
}

// localStamp is a DATE-TIME in local ("floating" until a TZID is attached)
// form. It is built from the wall clock, so that a time the clocks repeat
// (02:30 on the night they go back) is written as the schedule says it.
// A time they skip (02:15 on the night they go forward) does not exist and
// is never written: it is the instant RFC 5545 (3.3.5) and time.Date make
// of it, the offset before the gap applied, 03:15; calendar programs that
// do not follow the RFC there would each guess otherwise.
func localStamp(d schedule.Date, c schedule.Clock, loc *time.Location) string {
	y, mo, day, h, m := d.Year, d.Month, d.Day, int(c)/60, int(c)%60
	if t := time.Date(y, mo, day, h, m, 0, 0, loc); t.Hour() != h || t.Minute() != m {
		y, mo, day = t.Date()
		h, m = t.Hour(), t.Minute()
	}
	return fmt.Sprintf("%04d%02d%02dT%02d%02d00", y, mo, day, h, m)
}

// summary is "Försäkringskassan kundcenter: stängt (Midsommarafton)".
func summary(s *schedule.Schedule, what, note string) string {
	title := s.Title
	if title == "" {
		title = s.ID
	}
	if note == "" {
		return title + ": " + what
	}
	return title + ": " + what + " (" + note + ")"
}

// description is the event's body: what changed, then what usually applies
// and how to reach the place.
func description(s *schedule.Schedule, l *lang, what string) string {
	lines := []string{what, calendarDescription(s, l)}
	return strings.Join(lines, "\n")
}

// calendarDescription is the regular hours, the phone number and the URL.
func calendarDescription(s *schedule.Schedule, l *lang) string {
	lines := []string{l.labels.Regular + ": " + l.Week(s.Weekly) + "."}
	if s.Phone != "" {
		lines = append(lines, l.labels.Phone+": "+s.Phone)
	}
	if s.URL != "" {
		lines = append(lines, s.URL)
	}
	return strings.Join(lines, "\n")
}

// icsText makes a text fit for an RFC 5545 TEXT value before golang-ical
// escapes it. golang-ical escapes backslash, semicolon, comma and LF, but
// writes a CR or another control character as it is, and a bare CR in the
// feed ends the line early for some parsers and breaks the CRLF framing for
// all. A title or name in the configuration may hold one (a YAML "\r\n",
// a file edited on Windows): line breaks become LF, which is escaped as \n,
// and other control characters, which TEXT does not allow, are dropped.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
