package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	goical "github.com/emersion/go-ical"

	"github.com/hoursd/hoursd/schedule"
)

// The feed is written with arran4/golang-ical and read back here with
// emersion/go-ical, a different implementation, so a mistake in how hoursd
// drives the writer cannot hide behind the same library reading it.

// renderFeed renders the kundcenter feed as a calendar app would fetch it.
func renderFeed(t *testing.T, s *schedule.Schedule, lang string, now time.Time) *goical.Calendar {
	t.Helper()
	var buf bytes.Buffer
	opts := CalendarOptions{Location: stockholm(t), Lang: lang, Now: now}
	if err := WriteCalendar(&buf, s, opts); err != nil {
		t.Fatalf("WriteCalendar: %v", err)
	}
	return decodeFeed(t, buf.Bytes())
}

func decodeFeed(t *testing.T, feed []byte) *goical.Calendar {
	t.Helper()
	if !bytes.Contains(feed, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(feed, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("feed lines are not all CRLF-terminated as RFC 5545 requires")
	}
	cal, err := goical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("decode feed with emersion/go-ical: %v\n%s", err, feed)
	}
	return cal
}

// eventsByDate indexes the events by the date of DTSTART as written.
func eventsByDate(t *testing.T, cal *goical.Calendar) map[string]goical.Event {
	t.Helper()
	out := map[string]goical.Event{}
	for _, e := range cal.Events() {
		start := e.Props.Get(goical.PropDateTimeStart)
		if start == nil {
			t.Fatalf("event %s has no DTSTART", text(t, e, goical.PropUID))
		}
		date := start.Value[:4] + "-" + start.Value[4:6] + "-" + start.Value[6:8]
		if _, dup := out[date]; dup {
			t.Errorf("two events start on %s", date)
		}
		out[date] = e
	}
	return out
}

func text(t *testing.T, e goical.Event, name string) string {
	t.Helper()
	p := e.Props.Get(name)
	if p == nil {
		return ""
	}
	s, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func TestCalendarEvents2026(t *testing.T) {
	now := at(t, 2026, time.January, 15, 10, 0)
	cal := renderFeed(t, kundcenter(t, eve), "sv", now)
	tz := parseVTimezone(t, cal, "Europe/Stockholm")

	// kind: "closed" all day, "period" all day over several days, or
	// timed with start and end in UTC.
	tests := []struct {
		date, kind string
		start, end string // UTC for timed events; DATE values for all-day ones
	}{
		{date: "2026-01-01", kind: "closed", start: "20260101", end: "20260102"},
		{date: "2026-01-06", kind: "closed", start: "20260106", end: "20260107"},
		// Skärtorsdagen, after the switch to summer time on 29 March: +02:00.
		{date: "2026-04-02", kind: "timed", start: "2026-04-02T06:00:00Z", end: "2026-04-02T09:30:00Z"},
		{date: "2026-04-03", kind: "closed", start: "20260403", end: "20260404"},
		{date: "2026-04-06", kind: "closed", start: "20260406", end: "20260407"},
		{date: "2026-04-30", kind: "timed", start: "2026-04-30T06:00:00Z", end: "2026-04-30T09:30:00Z"},
		{date: "2026-05-01", kind: "closed", start: "20260501", end: "20260502"},
		{date: "2026-05-14", kind: "closed", start: "20260514", end: "20260515"},
		{date: "2026-06-19", kind: "closed", start: "20260619", end: "20260620"},
		{date: "2026-06-29", kind: "period", start: "20260629", end: "20260824"},
		// Dag före alla helgons dag, after the return to winter time on 25 October: +01:00.
		{date: "2026-10-30", kind: "timed", start: "2026-10-30T07:00:00Z", end: "2026-10-30T10:30:00Z"},
		{date: "2026-12-24", kind: "closed", start: "20261224", end: "20261225"},
		{date: "2026-12-25", kind: "closed", start: "20261225", end: "20261226"},
		{date: "2026-12-31", kind: "closed", start: "20261231", end: "20270101"},
	}

	events := eventsByDate(t, cal)
	var got, want []string
	for date := range events {
		if strings.HasPrefix(date, "2026-") {
			got = append(got, date)
		}
	}
	for _, tt := range tests {
		want = append(want, tt.date)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("events of 2026 start on\n%v\nwant\n%v", got, want)
	}

	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			e, ok := events[tt.date]
			if !ok {
				t.Skipf("no event on %s (reported above)", tt.date)
			}
			start, end := e.Props.Get(goical.PropDateTimeStart), e.Props.Get(goical.PropDateTimeEnd)
			if end == nil {
				t.Fatalf("event on %s has no DTEND", tt.date)
			}
			switch tt.kind {
			case "closed", "period":
				for _, p := range []*goical.Prop{start, end} {
					if p.ValueType() != goical.ValueDate {
						t.Errorf("%s;VALUE=%s, want VALUE=DATE for an all-day event", p.Name, p.ValueType())
					}
				}
				if start.Value != tt.start || end.Value != tt.end {
					t.Errorf("all-day event %s..%s, want %s..%s (DTEND exclusive)", start.Value, end.Value, tt.start, tt.end)
				}
			case "timed":
				for _, p := range []*goical.Prop{start, end} {
					if tzid := p.Params.Get(goical.ParamTimezoneID); tzid != "Europe/Stockholm" {
						t.Errorf("%s;TZID=%q, want Europe/Stockholm", p.Name, tzid)
					}
					if strings.HasSuffix(p.Value, "Z") {
						t.Errorf("%s:%s is UTC, want local time with TZID", p.Name, p.Value)
					}
				}
				for name, p := range map[string]*goical.Prop{tt.start: start, tt.end: end} {
					wantTime, _ := time.Parse(time.RFC3339, name)
					// As a client with a zone database reads it…
					viaTZID, err := p.DateTime(nil)
					if err != nil {
						t.Fatalf("%s: %v", p.Name, err)
					}
					if !viaTZID.Equal(wantTime) {
						t.Errorf("%s:%s by the zone database = %s, want %s", p.Name, p.Value, viaTZID.UTC().Format(time.RFC3339), name)
					}
					// …and as one that only has the feed's VTIMEZONE.
					viaVTZ := tz.resolve(t, p.Value)
					if len(viaVTZ) != 1 || !viaVTZ[0].Equal(wantTime) {
						t.Errorf("%s:%s by the feed's VTIMEZONE = %v, want %s", p.Name, p.Value, viaVTZ, name)
					}
				}
			}
			if got := text(t, e, goical.PropTransparency); got != "TRANSPARENT" {
				t.Errorf("TRANSP = %q, want TRANSPARENT: an opening-hours note must not make its reader busy", got)
			}
			if got := e.Props.Get(goical.PropDateTimeStamp).Value; got != "20260115T090000Z" {
				t.Errorf("DTSTAMP = %q, want 20260115T090000Z (the render time in UTC)", got)
			}
		})
	}
}

func TestCalendarTexts(t *testing.T) {
	now := at(t, 2026, time.January, 15, 10, 0)
	tests := []struct {
		name, lang, date string
		summary          string
		description      []string
	}{
		{"sv shortened", "sv", "2026-04-30",
			"Försäkringskassan kundcenter: öppet 08:00–11:30 (Valborgsmässoafton)",
			[]string{"Öppet 08:00–11:30 i stället för 08:00–16:00.", "Ordinarie öppettider: mån–fre 08:00–16:00.", "Telefon: 0771-524 524"}},
		{"en shortened", "en", "2026-04-30",
			"Försäkringskassan kundcenter: open 08:00–11:30 (Walpurgis Night)",
			[]string{"Open 08:00–11:30 instead of 08:00–16:00.", "Regular hours: Mon–Fri 08:00–16:00.", "Phone: 0771-524 524"}},
		{"sv closed", "sv", "2026-06-19",
			"Försäkringskassan kundcenter: stängt (Midsommarafton)",
			[]string{"Stängt i stället för 08:00–16:00."}},
		{"en closed", "en", "2026-06-19",
			"Försäkringskassan kundcenter: closed (Midsummer Eve)",
			[]string{"Closed instead of 08:00–16:00."}},
		{"sv period", "sv", "2026-06-29",
			"Försäkringskassan kundcenter: Sommaröppettider (mån–fre 08:00–15:00)",
			[]string{"Sommaröppettider: mån–fre 08:00–15:00."}},
		{"en period", "en", "2026-06-29",
			"Försäkringskassan kundcenter: Summer hours (Mon–Fri 08:00–15:00)",
			[]string{"Summer hours: Mon–Fri 08:00–15:00."}},
		{"default is sv", "", "2026-06-19",
			"Försäkringskassan kundcenter: stängt (Midsommarafton)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := eventsByDate(t, renderFeed(t, kundcenter(t, eve), tt.lang, now))[tt.date]
			if !ok {
				t.Fatalf("no event on %s", tt.date)
			}
			if got := text(t, e, goical.PropSummary); got != tt.summary {
				t.Errorf("SUMMARY = %q, want %q", got, tt.summary)
			}
			desc := text(t, e, goical.PropDescription)
			for _, line := range tt.description {
				if !slices.Contains(strings.Split(desc, "\n"), line) {
					t.Errorf("DESCRIPTION = %q, want a line %q", desc, line)
				}
			}
		})
	}
}

func TestCalendarUIDsSurviveCorrections(t *testing.T) {
	now := at(t, 2026, time.January, 15, 10, 0)
	before := eventsByDate(t, renderFeed(t, kundcenter(t, eve), "sv", now))
	// The eves are corrected to 08:00–12:00: every event must keep its UID
	// so that a subscribed calendar updates it in place.
	after := eventsByDate(t, renderFeed(t, kundcenter(t, hours(hm(8, 0), hm(12, 0))), "sv", now.Add(time.Hour)))

	if len(before) != len(after) {
		t.Errorf("%d events before the correction, %d after", len(before), len(after))
	}
	for date, e := range before {
		f, ok := after[date]
		if !ok {
			t.Errorf("event on %s vanished after the correction", date)
			continue
		}
		if u, v := text(t, e, goical.PropUID), text(t, f, goical.PropUID); u != v {
			t.Errorf("UID of %s = %q after the correction, was %q", date, v, u)
		}
	}
	if got, want := text(t, before["2026-04-30"], goical.PropUID), "kundcenter-20260430-day@hoursd"; got != want {
		t.Errorf("UID of 2026-04-30 = %q, want %q", got, want)
	}
	if got, want := after["2026-04-30"].Props.Get(goical.PropDateTimeEnd).Value, "20260430T120000"; got != want {
		t.Errorf("DTEND of 2026-04-30 after the correction = %s, want %s", got, want)
	}
}

func TestCalendarWindow(t *testing.T) {
	// From 15 January 2026: 30 days back is 16 December 2025, 400 ahead
	// 18 February 2027.
	events := eventsByDate(t, renderFeed(t, kundcenter(t, eve), "sv", at(t, 2026, time.January, 15, 10, 0)))
	tests := []struct {
		date string
		want bool
	}{
		{"2025-10-31", false}, // alla helgons afton 2025: too long ago
		{"2025-12-24", true},
		{"2027-01-01", true},
		{"2027-03-25", false}, // skärtorsdagen 2027: too far ahead
	}
	for _, tt := range tests {
		if _, got := events[tt.date]; got != tt.want {
			t.Errorf("event on %s in the feed of 2026-01-15 = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestCalendarHTTP(t *testing.T) {
	h := New(Options{
		Schedules: []*schedule.Schedule{kundcenter(t, eve)},
		Location:  stockholm(t),
		Now:       func() time.Time { return at(t, 2026, time.January, 15, 10, 0) },
	})
	tests := []struct {
		name, method, target string
		status               int
		contentType          string
	}{
		{"feed", "GET", "/calendar/kundcenter.ics", 200, "text/calendar; charset=utf-8"},
		{"feed in English", "GET", "/calendar/kundcenter.ics?lang=en", 200, "text/calendar; charset=utf-8"},
		{"unknown schedule", "GET", "/calendar/nowhere.ics", 404, ""},
		{"without .ics", "GET", "/calendar/kundcenter", 404, ""},
		{"unknown language", "GET", "/calendar/kundcenter.ics?lang=de", 400, ""},
		{"not a GET", "POST", "/calendar/kundcenter.ics", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
			if rec.Code != tt.status {
				t.Fatalf("%s %s = %d, want %d: %s", tt.method, tt.target, rec.Code, tt.status, rec.Body)
			}
			if tt.contentType != "" {
				if got := rec.Header().Get("Content-Type"); got != tt.contentType {
					t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
				}
				if got, want := rec.Header().Get("Content-Disposition"), "inline; filename=kundcenter.ics"; got != want {
					t.Errorf("Content-Disposition = %q, want %q", got, want)
				}
				decodeFeed(t, rec.Body.Bytes())
			}
		})
	}
}

func TestCalendarSwapSchedules(t *testing.T) {
	now := at(t, 2026, time.January, 15, 10, 0)
	h := New(Options{Location: stockholm(t), Now: func() time.Time { return now }})
	get := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/calendar/kundcenter.ics", nil))
		return rec.Code
	}
	if got := get(); got != http.StatusNotFound {
		t.Fatalf("before SetSchedules: GET = %d, want 404", got)
	}
	now = now.Add(time.Hour)
	h.SetSchedules([]*schedule.Schedule{kundcenter(t, eve)}, stockholm(t))
	if got := get(); got != http.StatusOK {
		t.Fatalf("after SetSchedules: GET = %d, want 200", got)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/calendar/kundcenter.ics", nil))
	e := eventsByDate(t, decodeFeed(t, rec.Body.Bytes()))["2026-04-30"]
	if got := e.Props.Get(goical.PropLastModified).Value; got != "20260115T100000Z" {
		t.Errorf("LAST-MODIFIED = %q, want 20260115T100000Z (the time of SetSchedules)", got)
	}
	if got, want := e.Props.Get(goical.PropSequence).Value, strconv.FormatInt(now.Unix()/60, 10); got != want {
		t.Errorf("SEQUENCE = %q, want %q (the load time in minutes)", got, want)
	}
}

func TestSource(t *testing.T) {
	// A daemon hands over its configuration pointer; a reload shows on the
	// next request without SetSchedules.
	loaded := at(t, 2026, time.January, 10, 8, 0)
	var scheds []*schedule.Schedule
	h := New(Options{
		Now: func() time.Time { return at(t, 2026, time.January, 15, 10, 0) },
		Source: func() ([]*schedule.Schedule, *time.Location, time.Time) {
			return scheds, stockholm(t), loaded
		},
	})
	get := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/calendar/kundcenter.ics", nil))
		return rec
	}
	if rec := get(); rec.Code != http.StatusNotFound {
		t.Fatalf("source without schedules: GET = %d, want 404", rec.Code)
	}
	scheds = []*schedule.Schedule{kundcenter(t, eve)}
	rec := get()
	if rec.Code != http.StatusOK {
		t.Fatalf("source with kundcenter: GET = %d, want 200", rec.Code)
	}
	e := eventsByDate(t, decodeFeed(t, rec.Body.Bytes()))["2026-04-30"]
	if got := e.Props.Get(goical.PropLastModified).Value; got != "20260110T070000Z" {
		t.Errorf("LAST-MODIFIED = %q, want 20260110T070000Z (the source's load time)", got)
	}
}

func TestSetSchedulesWhileServing(t *testing.T) {
	// Run with -race: a reload while feeds and pages are served.
	h := New(Options{Schedules: []*schedule.Schedule{kundcenter(t, eve)}, Location: stockholm(t),
		Now: func() time.Time { return at(t, 2026, time.January, 15, 10, 0) }})
	other := []*schedule.Schedule{kundcenter(t, hours(hm(8, 0), hm(12, 0)))}
	loc := stockholm(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			h.SetSchedules(other, loc)
		}
	}()
	for _, target := range []string{"/calendar/kundcenter.ics", "/", "/calendar/kundcenter.ics?lang=en"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s during reloads = %d, want 200", target, rec.Code)
		}
	}
	<-done
}

// vtz is a VTIMEZONE as read from a feed: its observances in onset order.
type vtz []vtzObservance

type vtzObservance struct {
	onset    time.Time // UTC
	offsetTo time.Duration
	daylight bool   // a DAYLIGHT block, not a STANDARD one
	name     string // TZNAME
}

func parseVTimezone(t *testing.T, cal *goical.Calendar, tzid string) vtz {
	t.Helper()
	var out vtz
	for _, c := range cal.Children {
		if c.Name != goical.CompTimezone || c.Props.Get(goical.PropTimezoneID).Value != tzid {
			continue
		}
		for _, o := range c.Children {
			if o.Name != goical.CompTimezoneStandard && o.Name != goical.CompTimezoneDaylight {
				t.Errorf("VTIMEZONE holds a %s", o.Name)
				continue
			}
			wall, err := time.Parse(localLayout, o.Props.Get(goical.PropDateTimeStart).Value)
			if err != nil {
				t.Fatalf("observance DTSTART: %v", err)
			}
			from := parseOffset(t, o.Props.Get(goical.PropTimezoneOffsetFrom).Value)
			to := parseOffset(t, o.Props.Get(goical.PropTimezoneOffsetTo).Value)
			name := ""
			if p := o.Props.Get(goical.PropTimezoneName); p != nil {
				name = p.Value
			}
			out = append(out, vtzObservance{wall.Add(-from), to, o.Name == goical.CompTimezoneDaylight, name})
		}
		slices.SortFunc(out, func(a, b vtzObservance) int {
			return a.onset.Compare(b.onset)
		})
		return out
	}
	t.Fatalf("no VTIMEZONE with TZID %s", tzid)
	return nil
}

func parseOffset(t *testing.T, s string) time.Duration {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || s[0] != '+' && s[0] != '-' {
		t.Fatalf("UTC offset %q is not ±hhmm[ss]", s)
	}
	var h, m, sec int
	fmt.Sscanf(s[1:3], "%d", &h)
	fmt.Sscanf(s[3:5], "%d", &m)
	if len(s) == 7 {
		fmt.Sscanf(s[5:7], "%d", &sec)
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
	if s[0] == '-' {
		d = -d
	}
	return d
}

// resolve turns a local DATE-TIME into the instants it names under the
// VTIMEZONE alone, as RFC 5545 defines it: none in a gap, two in an overlap.
func (z vtz) resolve(t *testing.T, local string) []time.Time {
	t.Helper()
	wall, err := time.Parse(localLayout, local)
	if err != nil {
		t.Fatalf("local time %q: %v", local, err)
	}
	var out []time.Time
	for i, o := range z {
		u := wall.Add(-o.offsetTo)
		if u.Before(o.onset) || i+1 < len(z) && !u.Before(z[i+1].onset) {
			continue
		}
		out = append(out, u)
	}
	return out
}

func TestVTimezoneMatchesZoneDatabase(t *testing.T) {
	from := time.Date(2025, time.December, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)
	zones := []string{
		"Europe/Stockholm",
		"America/New_York",
		"Australia/Lord_Howe", // half an hour of daylight saving
		"Asia/Kolkata",        // +05:30, no DST
		"America/Sao_Paulo",   // gave up DST in 2019
		"Africa/Casablanca",   // negative DST around Ramadan
		"UTC",
	}
	for _, name := range zones {
		t.Run(name, func(t *testing.T) {
			loc, err := time.LoadLocation(name)
			if err != nil {
				t.Fatalf("load %s: %v", name, err)
			}
			cal := `BEGIN:VCALENDAR` + "\r\nVERSION:2.0\r\nPRODID:-//hoursd//test//EN\r\n" +
				vtimezone(loc, from, to).Serialize(&ics.SerializationConfiguration{MaxLength: 75, PropertyMaxLength: 75, NewLine: "\r\n"}) + "END:VCALENDAR\r\n"
			z := parseVTimezone(t, decodeFeed(t, []byte(cal)), name)
			for _, o := range z {
				at := o.onset.In(loc)
				abbr, _ := at.Zone()
				if o.daylight != at.IsDST() || o.name != abbr {
					t.Errorf("observance from %s: DAYLIGHT %v TZNAME %q, want DAYLIGHT %v TZNAME %q",
						o.onset, o.daylight, o.name, at.IsDST(), abbr)
				}
			}
			// Every half hour of the window, the local time read through
			// the VTIMEZONE must give back the instant (and, in an overlap,
			// only instants with that same local time).
			for u := from; u.Before(to); u = u.Add(30 * time.Minute) {
				local := u.In(loc).Format(localLayout)
				got := z.resolve(t, local)
				if !slices.ContainsFunc(got, u.Equal) {
					t.Fatalf("%s (%s) by the VTIMEZONE = %v, want %s", local, name, got, u)
				}
				for _, g := range got {
					if g.In(loc).Format(localLayout) != local {
						t.Fatalf("%s (%s) by the VTIMEZONE includes %s, which is %s there", local, name, g, g.In(loc).Format(localLayout))
					}
				}
			}
		})
	}
}

func TestUTCOffset(t *testing.T) {
	tests := []struct {
		secs int
		want string
	}{
		{0, "+0000"}, {3600, "+0100"}, {7200, "+0200"}, {-18000, "-0500"},
		{19800, "+0530"}, {-(9*3600 + 30*60), "-0930"}, {4075, "+010755"},
	}
	for _, tt := range tests {
		if got := utcOffset(tt.secs); got != tt.want {
			t.Errorf("utcOffset(%d) = %q, want %q", tt.secs, got, tt.want)
		}
	}
}

// TestCalendarFramingAndEscaping renders texts that RFC 5545 makes hard — the
// TEXT specials , ; \ and line breaks, control characters, and names long
// enough to fold, in Swedish letters of two octets and a dash of three — and
// checks the raw bytes against RFC 5545 3.1 and 3.3.11, then the texts as a
// second parser reads them back.
func TestCalendarFramingAndEscaping(t *testing.T) {
	long := strings.Repeat("åäöÅÄÖ–", 20) // no space: the fold must cut between runes
	s := kundcenter(t, eve)
	s.Title = "Kund, center; A\\B\r\nrad två\a"
	s.Exceptions = []schedule.Exception{
		{From: schedule.Date{Year: 2026, Month: time.December, Day: 28}, To: schedule.Date{Year: 2026, Month: time.December, Day: 28},
			Name: schedule.Name{SV: "Stängt, för att: ja; \"visst\"\ttab"}, Closed: true},
		{From: schedule.Date{Year: 2026, Month: time.December, Day: 29}, To: schedule.Date{Year: 2026, Month: time.December, Day: 29},
			Name: schedule.Name{SV: long}, Hours: hours(hm(9, 0), hm(12, 0))},
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	var buf bytes.Buffer
	if err := WriteCalendar(&buf, s, CalendarOptions{Location: stockholm(t), Lang: "sv", Now: at(t, 2026, time.December, 1, 12, 0)}); err != nil {
		t.Fatalf("WriteCalendar: %v", err)
	}
	feed := buf.Bytes()

	// RFC 5545 3.1: lines end in CRLF and are at most 75 octets (not
	// characters) long without it; a fold never splits a UTF-8 sequence,
	// and TEXT holds no control character but HTAB.
	if !bytes.HasSuffix(feed, []byte("\r\n")) {
		t.Errorf("feed does not end in CRLF")
	}
	folded := 0
	for i, line := range bytes.Split(bytes.TrimSuffix(feed, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, more than 75: %q", i+1, len(line), line)
		}
		if !utf8.Valid(line) {
			t.Errorf("line %d is not valid UTF-8 (a fold split a character): %q", i+1, line)
		}
		if j := bytes.IndexFunc(line, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }); j >= 0 {
			t.Errorf("line %d holds control character %q at %d: %q", i+1, line[j], j, line)
		}
		if len(line) > 0 && line[0] == ' ' {
			folded++
		}
	}
	if folded == 0 {
		t.Errorf("no line was folded; the test's long name no longer tests folding")
	}

	cal := decodeFeed(t, feed)
	if got, want := cal.Props.Get("X-WR-CALNAME").Value, `Kund\, center\; A\\B\nrad två`; got != want {
		t.Errorf("X-WR-CALNAME = %q, want %q", got, want)
	}
	events := eventsByDate(t, cal)
	title := "Kund, center; A\\B\nrad två"
	tests := []struct {
		date, summary string
	}{
		{"2026-12-28", title + ": stängt (Stängt, för att: ja; \"visst\"\ttab)"},
		{"2026-12-29", title + ": öppet 09:00–12:00 (" + long + ")"},
		{"2026-12-31", title + ": stängt (Nyårsafton)"},
	}
	for _, tt := range tests {
		e, ok := events[tt.date]
		if !ok {
			t.Errorf("no event on %s", tt.date)
			continue
		}
		if got := text(t, e, goical.PropSummary); got != tt.summary {
			t.Errorf("SUMMARY of %s = %q, want %q", tt.date, got, tt.summary)
		}
		if got := text(t, e, goical.PropDescription); !strings.Contains(got, "\nTelefon: 0771-524 524") {
			t.Errorf("DESCRIPTION of %s = %q, want a line \"Telefon: 0771-524 524\"", tt.date, got)
		}
	}
}

func TestICSText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Försäkringskassan kundcenter", "Försäkringskassan kundcenter"},
		{"a, b; c\\d", "a, b; c\\d"}, // golang-ical escapes these
		{"rad ett\r\nrad två", "rad ett\nrad två"},
		{"rad ett\rrad två", "rad ett\nrad två"},
		{"tab\tstays", "tab\tstays"},
		{"bell\a, nul\x00, del\x7f, c1\u0085", "bell, nul, del, c1"},
	}
	for _, tt := range tests {
		if got := icsText(tt.in); got != tt.want {
			t.Errorf("icsText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCalendarSkippedTimes: on the night the clocks go forward, 02:15 does
// not exist in Stockholm; the feed writes the instant it stands for
// (03:15, the offset before the gap applied, as RFC 5545 reads it), never
// the time itself. On the night they go back, 02:15 exists (twice) and is
// written as the schedule says it.
func TestCalendarSkippedTimes(t *testing.T) {
	var week schedule.Week
	week[time.Monday] = hours(hm(8, 0), hm(16, 0))
	night := hours(hm(2, 15), hm(2, 45))
	s := &schedule.Schedule{ID: "natt", Weekly: week, Exceptions: []schedule.Exception{
		{From: schedule.Date{Year: 2027, Month: time.March, Day: 28}, To: schedule.Date{Year: 2027, Month: time.March, Day: 28}, Hours: night},
		{From: schedule.Date{Year: 2027, Month: time.October, Day: 31}, To: schedule.Date{Year: 2027, Month: time.October, Day: 31}, Hours: night},
	}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	events := eventsByDate(t, renderFeed(t, s, "en", at(t, 2027, time.March, 1, 12, 0)))
	tests := []struct{ date, start, end string }{
		{"2027-03-28", "20270328T031500", "20270328T034500"},
		{"2027-10-31", "20271031T021500", "20271031T024500"},
	}
	for _, tt := range tests {
		e, ok := events[tt.date]
		if !ok {
			t.Errorf("no event on %s", tt.date)
			continue
		}
		if got := e.Props.Get(goical.PropDateTimeStart).Value; got != tt.start {
			t.Errorf("DTSTART of %s = %s, want %s", tt.date, got, tt.start)
		}
		if got := e.Props.Get(goical.PropDateTimeEnd).Value; got != tt.end {
			t.Errorf("DTEND of %s = %s, want %s", tt.date, got, tt.end)
		}
	}
}
