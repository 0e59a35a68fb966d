package source

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// feed wraps events in a calendar the way publishers' feeds come: CRLF
// line ends, a VTIMEZONE, a folded line.
func feed(events ...string) string {
	s := "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Kommunen//Stängda dagar//SV\nX-WR-CALNAME:Stängt\n" +
		"BEGIN:VTIMEZONE\nTZID:Europe/Stockholm\nBEGIN:STANDARD\nDTSTART:19701025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\n" +
		"BEGIN:DAYLIGHT\nDTSTART:19700329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
	for i, e := range events {
		s += "BEGIN:VEVENT\nUID:" + string(rune('a'+i)) + "@example.se\nDTSTAMP:20250101T000000Z\n" + e + "\nEND:VEVENT\n"
	}
	s += "END:VCALENDAR\n"
	return strings.ReplaceAll(s, "\n", "\r\n")
}

func TestICS(t *testing.T) {
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	tests := []struct {
		name   string
		loc    *time.Location
		body   string
		want   []string
		warn   []string
		noList bool
		err    string
	}{
		{
			name: "all-day events close their days, DTEND exclusive",
			body: feed("DTSTART;VALUE=DATE:20251224\nDTEND;VALUE=DATE:20251225\nSUMMARY:Julafton – stängt",
				"DTSTART;VALUE=DATE:20250707\nDTEND;VALUE=DATE:20250804\nSUMMARY:Semesterstängt",
				"DTSTART;VALUE=DATE:20250606\nSUMMARY:Stängt"),
			want: []string{`exception 2025-12-24 closed "Julafton"`, `exception 2025-07-07..2025-08-03 closed`, `exception 2025-06-06 closed "Sveriges nationaldag"`},
		},
		{
			name: "an all-day event with hours in its summary, and one with a plain name",
			body: feed("DTSTART;VALUE=DATE:20250430\nDTEND;VALUE=DATE:20250501\nSUMMARY:Öppet 8–11.30",
				"DTSTART;VALUE=DATE:20250310\nDTEND;VALUE=DATE:20250311\nSUMMARY:Inventering"),
			want: []string{`exception 2025-04-30 08:00-11:30 "Valborgsmässoafton"`, `exception 2025-03-10 closed "Inventering"`},
		},
		{
			name: "timed events with TZID; two on one day make two intervals",
			loc:  stockholm,
			body: feed("DTSTART;TZID=Europe/Stockholm:20250417T080000\nDTEND;TZID=Europe/Stockholm:20250417T113000\nSUMMARY:Öppet",
				"DTSTART;TZID=Europe/Stockholm:20251223T130000\nDTEND;TZID=Europe/Stockholm:20251223T160000\nSUMMARY:Öppet",
				"DTSTART;TZID=Europe/Stockholm:20251223T090000\nDTEND;TZID=Europe/Stockholm:20251223T120000\nSUMMARY:Öppet"),
			want: []string{`exception 2025-04-17 08:00-11:30 "Skärtorsdagen"`, `exception 2025-12-23 09:00-12:00, 13:00-16:00`},
		},
		{
			name: "UTC times read as the place's wall clock, summer and winter",
			loc:  stockholm,
			body: feed("DTSTART:20250430T060000Z\nDTEND:20250430T093000Z\nSUMMARY:Valborg",
				"DTSTART:20251231T080000Z\nDURATION:PT4H\nSUMMARY:Nyårsafton"),
			want: []string{`exception 2025-04-30 08:00-11:30 "Valborgsmässoafton"`, `exception 2025-12-31 09:00-13:00 "Nyårsafton"`},
		},
		{
			name: "UTC without a zone in Options is read in Europe/Stockholm",
			body: feed("DTSTART:20250430T060000Z\nDTEND:20250430T093000Z"),
			want: []string{`exception 2025-04-30 08:00-11:30 "Valborgsmässoafton"`},
		},
		{
			name: "another zone's TZID is converted to the place's",
			loc:  stockholm,
			body: feed("DTSTART;TZID=Europe/Helsinki:20250417T090000\nDTEND;TZID=Europe/Helsinki:20250417T123000"),
			want: []string{`exception 2025-04-17 08:00-11:30 "Skärtorsdagen"`},
		},
		{
			name: "TZID kept as written without a zone in Options",
			body: feed("DTSTART;TZID=Europe/Helsinki:20250417T090000\nDTEND;TZID=Europe/Helsinki:20250417T123000"),
			want: []string{`exception 2025-04-17 09:00-12:30 "Skärtorsdagen"`},
		},
		{
			name: "a place in Helsinki reads a Stockholm feed an hour later",
			loc:  helsinki,
			body: feed("DTSTART;TZID=Europe/Stockholm:20250417T080000\nDTEND;TZID=Europe/Stockholm:20250417T113000"),
			want: []string{`exception 2025-04-17 09:00-12:30 "Skärtorsdagen"`},
		},
		{
			name: "an unknown TZID is read as the place's wall clock, with a warning",
			loc:  stockholm,
			body: feed("DTSTART;TZID=W. Europe Standard Time:20250417T080000\nDTEND;TZID=W. Europe Standard Time:20250417T113000\nSUMMARY:Skärtorsdagen"),
			want: []string{`exception 2025-04-17 08:00-11:30 "Skärtorsdagen"`},
			warn: []string{`time zone "W. Europe Standard Time" is unknown; its times are read as Europe/Stockholm`, `time zone "W. Europe Standard Time" is unknown; its times are read as Europe/Stockholm`},
		},
		{
			name: "a timed event that says closed is a warning, not those hours open",
			loc:  stockholm,
			body: feed("DTSTART;TZID=Europe/Stockholm:20251210T080000\nDTEND;TZID=Europe/Stockholm:20251210T120000\nSUMMARY:Öppet",
				"DTSTART;TZID=Europe/Stockholm:20251210T120000\nDTEND;TZID=Europe/Stockholm:20251210T160000\nSUMMARY:Stängt för personalmöte",
				"DTSTART;TZID=Europe/Stockholm:20251211T120000\nDTEND;TZID=Europe/Stockholm:20251211T130000\nSUMMARY:Lunchstängt",
				"DTSTART;TZID=Europe/Stockholm:20251212T100000\nDTEND;TZID=Europe/Stockholm:20251212T140000\nSUMMARY:Öppet"),
			want: []string{`exception 2025-12-12 10:00-14:00`},
			warn: []string{`a timed event on 2025-12-10 says closed ("Stängt för personalmöte"); hoursd cannot tell the day's remaining hours`,
				`a timed event on 2025-12-11 says closed ("Lunchstängt"); hoursd cannot tell the day's remaining hours`},
		},
		{
			name: "an all-day event closed for part of the day, for another service or with the usual hours is a warning",
			body: feed("DTSTART;VALUE=DATE:20251210\nSUMMARY:Stängt på eftermiddagen",
				"DTSTART;VALUE=DATE:20251211\nSUMMARY:Telefonen stängd",
				"DTSTART;VALUE=DATE:20251212\nSUMMARY:Öppet som vanligt",
				"DTSTART;VALUE=DATE:20251215\nSUMMARY:Lunchstängt",
				"DTSTART;VALUE=DATE:20251224\nSUMMARY:Julafton stängt"),
			want: []string{`exception 2025-12-24 closed "Julafton"`},
			warn: []string{`closed for part of the day ("eftermiddagen"), not all of it; hoursd cannot tell the hours`,
				`says "telefonen" is closed, not the place itself`,
				`says both closed and the usual hours; hoursd cannot tell which applies`,
				`closed for part of the day ("lunchstängt"), not all of it; hoursd cannot tell the hours`},
		},
		{
			name: "an event to midnight closes at 24:00",
			loc:  stockholm,
			body: feed("DTSTART;TZID=Europe/Stockholm:20251231T180000\nDTEND;TZID=Europe/Stockholm:20260101T000000"),
			want: []string{`exception 2025-12-31 18:00-24:00 "Nyårsafton"`},
		},
		{
			name:   "cancelled, repeating and overlong events are not read",
			loc:    stockholm,
			body:   feed("DTSTART;VALUE=DATE:20251224\nSTATUS:CANCELLED", "DTSTART;VALUE=DATE:20251224\nRRULE:FREQ=YEARLY\nSUMMARY:Julafton", "DTSTART;TZID=Europe/Stockholm:20251223T100000\nDTEND;TZID=Europe/Stockholm:20251225T100000\nSUMMARY:Jul"),
			warn:   []string{"a repeating event (RRULE); hoursd reads dated events only", "a timed event that runs from 2025-12-23 into 2025-12-25; give each day its own event"},
			noList: true,
		},
		{
			name: "not a calendar",
			body: "<html><body>Stängt</body></html>",
			err:  "read ics",
		},
		{
			name: "components nested without end",
			body: "BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:VEVENT\r\n", 100000),
			err:  "nest deeper than 8",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ReadWith(FormatICS, []byte(tt.body), Options{Location: tt.loc})
			switch {
			case tt.err != "":
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Read = %v, want an error with %q", err, tt.err)
				}
				return
			case tt.noList:
				if !errors.Is(err, ErrNoList) {
					t.Fatalf("Read = %v, want ErrNoList", err)
				}
			case err != nil:
				t.Fatalf("Read: %v", err)
			}
			checkReading(t, r, tt.want, "", tt.warn)
		})
	}
}
