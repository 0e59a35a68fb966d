package web

import (
	"fmt"
	"time"
	// The zone database is embedded so that a feed always has the
	// schedule's zone, even on hosts without /usr/share/zoneinfo; the hoursd
	// binary embeds it anyway.
	_ "time/tzdata"

	ics "github.com/arran4/golang-ical"
)

// defaultLocation is hoursd's default timezone, for callers that give none.
func defaultLocation() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil { // unreachable with time/tzdata embedded
		return time.UTC
	}
	return loc
}

// vtimezone describes loc between from and to as a VTIMEZONE (RFC 5545
// 3.6.5), which golang-ical does not write by itself.
//
// Rather than a DAYLIGHT/STANDARD pair with yearly RRULEs, which would have
// to guess the rule behind the zone, it lists every transition the Go zone
// database has in the window, each as its own observance with an explicit
// DTSTART. That is exact for any zone — one that dropped or changed DST, one
// that never had it — and is what RFC 5545 permits when no rule is given.
// The first observance is the one in effect at from, starting at its real
// onset, so every time in the window falls after some observance's DTSTART.
func vtimezone(loc *time.Location, from, to time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	t := from.In(loc)
	start, end := t.ZoneBounds()
	var onset string
	_, before := t.Zone()
	if start.IsZero() {
		// The zone has been like this since the beginning of its records.
		onset = "19700101T000000"
	} else {
		_, before = start.Add(-time.Second).Zone()
		onset = start.In(time.FixedZone("", before)).Format(localLayout)
	}
	tz.Components = append(tz.Components, observance(t, before, onset))
	for !end.IsZero() && end.Before(to) {
		_, prev := end.Add(-time.Second).Zone()
		next := end.In(loc)
		tz.Components = append(tz.Components,
			observance(next, prev, end.In(time.FixedZone("", prev)).Format(localLayout)))
		_, end = next.ZoneBounds()
	}
	return tz
}

// localLayout is an RFC 5545 DATE-TIME without zone.
const localLayout = "20060102T150405"

// observance is a STANDARD or DAYLIGHT block for the zone in effect at t,
// which began at onset (local time under the previous offset) coming from
// offsetFrom seconds east of UTC.
func observance(t time.Time, offsetFrom int, onset string) ics.Component {
	name, offsetTo := t.Zone()
	var base ics.ComponentBase
	base.AddProperty(ics.ComponentPropertyDtStart, onset)
	base.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(offsetFrom))
	base.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(offsetTo))
	if name != "" {
		base.AddProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	}
	if t.IsDST() {
		return &ics.Daylight{ComponentBase: base}
	}
	return &ics.Standard{ComponentBase: base}
}

// utcOffset formats seconds east of UTC as RFC 5545's "+hhmm" (or "+hhmmss").
func utcOffset(secs int) string {
	sign := '+'
	if secs < 0 {
		sign, secs = '-', -secs
	}
	h, m, s := secs/3600, secs/60%60, secs%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}
