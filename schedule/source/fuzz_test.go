package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/schedule"
)

// The readers take bytes from anywhere on the web. Whatever those hold,
// Read must return, without a panic, either ErrNoList, another error, or
// a reading whose every rule a schedule could hold.

func addSeeds(f *testing.F, glob string) {
	files, err := filepath.Glob(glob)
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkInvariants holds a reading to what the daemon relies on.
func checkInvariants(t *testing.T, r *Reading, err error) {
	t.Helper()
	if err != nil {
		if r != nil && (len(r.Exceptions) > 0 || len(r.Periods) > 0 || r.Weekly != nil) {
			t.Fatalf("error %v with rules in the reading", err)
		}
		return
	}
	if r == nil {
		t.Fatal("nil reading without an error")
	}
	if len(r.Exceptions) == 0 && len(r.Periods) == 0 && r.Weekly == nil {
		t.Fatal("empty reading without ErrNoList")
	}
	s := schedule.Schedule{ID: "fuzz", Exceptions: r.Exceptions, Periods: r.Periods}
	if r.Weekly != nil {
		s.Weekly = *r.Weekly
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("a rule a schedule cannot hold: %v", err)
	}
	if len(r.Items) != len(r.Exceptions)+len(r.Periods) {
		t.Fatalf("%d items for %d rules", len(r.Items), len(r.Exceptions)+len(r.Periods))
	}
	ei, pi := 0, 0
	for _, it := range r.Items {
		switch {
		case it.Exception != nil && it.Period == nil:
			if it.Exception != &r.Exceptions[ei] {
				t.Fatalf("item %q does not point at exception %d", it.Text, ei)
			}
			ei++
		case it.Period != nil && it.Exception == nil:
			if it.Period != &r.Periods[pi] {
				t.Fatalf("item %q does not point at period %d", it.Text, pi)
			}
			pi++
		default:
			t.Fatalf("item %q holds not exactly one rule", it.Text)
		}
	}
}

func FuzzReadPage(f *testing.F) {
	addSeeds(f, filepath.Join("testdata", "kundcenter", "*"))
	addSeeds(f, filepath.Join("testdata", "wordings.txt"))
	f.Add([]byte("<table><tr><td>Torsdag<td>17 april 2025<td>8–11.30</table>"))
	f.Add([]byte("<nav><p>24 december 2025 stängt<body>1 maj 2025 stängt"))
	f.Add([]byte("24, 25, 26, 27, 28 och 29 december 2025 10–14, 15–16; 17:e 1:a 9am–noon"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := Read(FormatPage, body)
		checkInvariants(t, r, err)
	})
}

func FuzzReadJSONLD(f *testing.F) {
	f.Add([]byte(ldPage(`{"openingHoursSpecification":[{"dayOfWeek":"Monday","opens":"08:00","closes":"16:00"}],"specialOpeningHoursSpecification":[{"validFrom":"2025-12-24","validThrough":"2025-12-24"}]}`)))
	f.Add([]byte(`{"@graph":[{"specialOpeningHoursSpecification":{"validFrom":"2025-06-30","validThrough":"2025-08-24","dayOfWeek":["Monday"],"opens":"8:00","closes":"23:59"}}]}`))
	f.Add([]byte(`[[[[{"openingHoursSpecification":{"dayOfWeek":{"@id":"schema:Friday"},"opens":"22:00","closes":"02:00"}}]]]]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := Read(FormatJSONLD, body)
		checkInvariants(t, r, err)
	})
}

func FuzzReadICS(f *testing.F) {
	f.Add([]byte(feed("DTSTART;VALUE=DATE:20251224\nDTEND;VALUE=DATE:20251227\nSUMMARY:Stängt")))
	f.Add([]byte(feed("DTSTART;TZID=Europe/Stockholm:20250417T080000\nDTEND;TZID=Europe/Stockholm:20250417T113000")))
	f.Add([]byte(feed("DTSTART:20250430T060000Z\nDURATION:PT4H30M")))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := Read(FormatICS, body)
		checkInvariants(t, r, err)
	})
}

// TestHostile feeds each reader what a broken or hostile server might send.
// Each must come back with ErrNoList or an error, or read the one list line
// buried in the noise, within the test's time.
func TestHostile(t *testing.T) {
	line := "Julafton 24 december 2025: stängt"
	tests := []struct {
		name, format string
		body         []byte
		wantRule     bool
		wantErr      string
	}{
		{"half a million nested divs", FormatPage, []byte(strings.Repeat("<div>", 500_000) + line + strings.Repeat("</div>", 500_000)), true, ""},
		{"a million unclosed tags of every kind", FormatPage, []byte(strings.Repeat("<li><table><tr><td><span><nav></nav><p>", 100_000) + "<br>" + line), true, ""},
		{"one line of 7 MiB", FormatPage, []byte(strings.Repeat("1, 2, 3 och 4 ", 7<<20/14) + "\n" + line), true, ""},
		{"binary", FormatPage, bytes.Repeat([]byte{0, 0xff, '<', 0xfe, '&', '#', 0x80, '\n'}, 1<<20), false, ""},
		{"invalid UTF-8 around the line", FormatPage, []byte("\xff\xfe" + line + "\xc3"), true, ""},
		{"a script that never ends", FormatPage, []byte("<p>" + line + "</p><script>" + strings.Repeat("x", 1<<20)), true, ""},
		{"more than MaxBody", FormatPage, bytes.Repeat([]byte("a"), MaxBody+1), false, "more than"},
		{"deeply nested JSON", FormatJSONLD, []byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)), false, ""},
		{"JSON-LD in a million scripts", FormatJSONLD, bytes.Repeat([]byte(`<script type="application/ld+json">{"a":1}</script>`), 100_000), false, ""},
		{"an endless folded ICS line", FormatICS, []byte("BEGIN:VCALENDAR\r\nX-A:" + strings.Repeat("a\r\n ", 1<<20) + "\r\nEND:VCALENDAR\r\n"), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Read(tt.format, tt.body)
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Read = %v, want an error with %q", err, tt.wantErr)
				}
			case tt.wantRule:
				if err != nil {
					t.Fatalf("Read: %v, want the line %q read", err, line)
				}
				if len(r.Exceptions) != 1 || r.Exceptions[0].From.String() != "2025-12-24" || !r.Exceptions[0].Closed {
					t.Fatalf("exceptions = %+v, want 2025-12-24 closed", r.Exceptions)
				}
			default:
				if err == nil {
					t.Fatalf("Read = %+v, want an error or ErrNoList", r)
				}
				if !errors.Is(err, ErrNoList) {
					t.Logf("error: %v", err)
				}
			}
		})
	}
}

// BenchmarkReadPage measures the seed page and the worst page within
// MaxBody that the hostile tests use.
func BenchmarkReadPage(b *testing.B) {
	seed, err := os.ReadFile(filepath.Join("testdata", "kundcenter", "2025-paragraphs.html"))
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name string
		body []byte
	}{
		{"seed", seed},
		{"lists-8MiB", []byte(strings.Repeat("1, 2, 3 och 4 ", (MaxBody-100)/14))},
		{"nested-8MiB", []byte(strings.Repeat("<div>", (MaxBody-100)/5))},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(bm.body)))
			for b.Loop() {
				_, _ = Read(FormatPage, bm.body)
			}
		})
	}
}
