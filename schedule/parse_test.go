package schedule

import (
	"slices"
	"strings"
	"testing"
	"time"

	// The zone tests must run, not skip, on a machine without a zone
	// database (a CI container): hoursd embeds it too (cmd/hoursd).
	_ "time/tzdata"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr string // substring; "" means no error
	}{
		{in: "2026-04-30", want: Date{2026, time.April, 30}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "0001-01-01", want: Date{1, time.January, 1}},
		{in: "9999-12-31", want: Date{9999, time.December, 31}},
		{in: "2026-02-30", wantErr: "February 2026 has no day 30"},
		{in: "2025-02-29", wantErr: "February 2025 has no day 29"},
		{in: "2026-04-31", wantErr: "April 2026 has no day 31"},
		{in: "2026-13-01", wantErr: "month 13"},
		{in: "2026-00-10", wantErr: "month 00"},
		{in: "2026-01-00", wantErr: "no day 0"},
		{in: "0000-01-01", wantErr: "year 0000"},
		{in: "2026-4-30", wantErr: "not YYYY-MM-DD"},
		{in: "26-04-30", wantErr: "not YYYY-MM-DD"},
		{in: "2026/04/30", wantErr: "not YYYY-MM-DD"},
		{in: "2026-04-3x", wantErr: "not YYYY-MM-DD"},
		{in: "", wantErr: "not YYYY-MM-DD"},
		{in: "+026-04-30", wantErr: "not YYYY-MM-DD"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			checkErr(t, "ParseDate", tt.in, err, tt.wantErr)
			if err == nil && got != tt.want {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if err == nil && got.String() != tt.in {
				t.Errorf("ParseDate(%q).String() = %q, want it back", tt.in, got.String())
			}
		})
	}
}

// checkErr fails unless err contains wantErr, or is nil when wantErr is "".
func checkErr(t *testing.T, fn, in string, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("%s(%q) failed: %v", fn, in, err)
	case wantErr != "" && err == nil:
		t.Fatalf("%s(%q) succeeded, want an error containing %q", fn, in, wantErr)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Fatalf("%s(%q) error = %q, want it to contain %q", fn, in, err, wantErr)
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		name string
		d    Date
		n    int
		want Date
	}{
		{"next day", Date{2026, 4, 30}, 1, Date{2026, 5, 1}},
		{"year end", Date{2025, 12, 31}, 1, Date{2026, 1, 1}},
		{"leap day", Date{2024, 2, 28}, 1, Date{2024, 2, 29}},
		{"common year", Date{2025, 2, 28}, 1, Date{2025, 3, 1}},
		{"backwards over year end", Date{2026, 1, 1}, -1, Date{2025, 12, 31}},
		{"spring DST day Stockholm", Date{2026, 3, 28}, 2, Date{2026, 3, 30}},
		{"autumn DST day Stockholm", Date{2026, 10, 24}, 2, Date{2026, 10, 26}},
		{"a century, 2100 not a leap year", Date{2026, 1, 1}, 36524, Date{2126, 1, 1}},
		{"zero", Date{2026, 6, 15}, 0, Date{2026, 6, 15}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.AddDays(tt.n); got != tt.want {
				t.Errorf("%v.AddDays(%d) = %v, want %v", tt.d, tt.n, got, tt.want)
			}
			if got := tt.want.Sub(tt.d); got != tt.n {
				t.Errorf("%v.Sub(%v) = %d, want %d", tt.want, tt.d, got, tt.n)
			}
			if tt.n == 1 {
				if got := tt.d.next(); got != tt.want {
					t.Errorf("%v.next() = %v, want %v", tt.d, got, tt.want)
				}
			}
			if want := sign(tt.n); tt.want.Compare(tt.d) != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tt.want, tt.d, tt.want.Compare(tt.d), want)
			}
		})
	}
}

func TestDateNextAgreesWithAddDays(t *testing.T) {
	d := Date{1999, time.January, 1}
	for range 366 * 6 {
		if got, want := d.next(), d.AddDays(1); got != want {
			t.Fatalf("%v.next() = %v, want %v", d, got, want)
		}
		d = d.next()
	}
}

func TestDateWeekday(t *testing.T) {
	tests := []struct {
		d    Date
		want time.Weekday
	}{
		{Date{2026, 4, 30}, time.Thursday},
		{Date{2025, 6, 30}, time.Monday},
		{Date{2026, 3, 29}, time.Sunday},
		{Date{2000, 2, 29}, time.Tuesday},
	}
	for _, tt := range tests {
		if got := tt.d.Weekday(); got != tt.want {
			t.Errorf("%v.Weekday() = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestDateOfUsesTheZone(t *testing.T) {
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatalf("load Europe/Stockholm: %v", err)
	}
	// 23:30 UTC on 28 March 2026 is already 29 March in Stockholm.
	at := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC)
	if got, want := DateOf(at.In(sthlm)), (Date{2026, 3, 29}); got != want {
		t.Errorf("DateOf(%v in Stockholm) = %v, want %v", at, got, want)
	}
}

func TestParseYearDate(t *testing.T) {
	tests := []struct {
		in      string
		want    YearDate
		wantErr string
	}{
		{in: "06-30", want: YearDate{Month: 6, Day: 30}},
		{in: "02-29", want: YearDate{Month: 2, Day: 29}},
		{in: "2025-06-30", want: YearDate{2025, 6, 30}},
		{in: "02-30", wantErr: "no day 30"},
		{in: "13-01", wantErr: "month 13"},
		{in: "2025-02-29", wantErr: "no day 29"},
		{in: "6-30", wantErr: "not YYYY-MM-DD or MM-DD"},
		{in: "06/30", wantErr: "not YYYY-MM-DD or MM-DD"},
		{in: "june", wantErr: "not YYYY-MM-DD or MM-DD"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseYearDate(tt.in)
			checkErr(t, "ParseYearDate", tt.in, err, tt.wantErr)
			if err == nil && (got != tt.want || got.String() != tt.in) {
				t.Errorf("ParseYearDate(%q) = %v (%s), want %v", tt.in, got, got, tt.want)
			}
		})
	}
}

func TestParseInterval(t *testing.T) {
	tests := []struct {
		in        string
		want      Interval
		overnight bool
		wantErr   string
	}{
		{in: "08:00-16:00", want: Interval{8 * 60, 16 * 60}},
		{in: "08:00-11:30", want: Interval{8 * 60, 11*60 + 30}},
		{in: "00:00-24:00", want: Interval{0, 24 * 60}},
		{in: "22:00-02:00", want: Interval{22 * 60, 2 * 60}, overnight: true},
		{in: "22:00-00:00", want: Interval{22 * 60, 0}, overnight: true},
		{in: "08:00-08:00", want: Interval{8 * 60, 8 * 60}, overnight: true},
		{in: "8-16", wantErr: `"8-16" is not HH:MM-HH:MM`},
		{in: "8:00-16:00", wantErr: "not HH:MM-HH:MM"},
		{in: "08.00-16.00", wantErr: "not HH:MM-HH:MM"},
		{in: "08:00–16:00", wantErr: "not HH:MM-HH:MM"}, // en dash
		{in: "08:00 - 16:00", wantErr: "not HH:MM-HH:MM"},
		{in: "25:00-26:00", wantErr: "not a time of day"},
		{in: "08:60-16:00", wantErr: "not a time of day"},
		{in: "24:00-02:00", wantErr: "opening time 24:00"},
		{in: "08:00-24:01", wantErr: "not a time of day"},
		{in: "", wantErr: "not HH:MM-HH:MM"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseInterval(tt.in)
			checkErr(t, "ParseInterval", tt.in, err, tt.wantErr)
			if err != nil {
				return
			}
			if got != tt.want || got.String() != tt.in {
				t.Errorf("ParseInterval(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if got.Overnight() != tt.overnight {
				t.Errorf("ParseInterval(%q).Overnight() = %v, want %v", tt.in, got.Overnight(), tt.overnight)
			}
		})
	}
}

// FuzzParseInterval checks that no input panics the parser and that every
// interval it accepts prints back exactly as written. The seed corpus runs
// with go test.
func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"08:00-16:00", "22:00-02:00", "00:00-24:00", "24:00-01:00",
		"8-16", "", "-", "08:00-", "ab:cd-ef:gh", "99:99-99:99", "08:00-16:00-", "０8:00-16:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseInterval(s)
		if err != nil {
			return
		}
		if iv.String() != s {
			t.Errorf("ParseInterval(%q).String() = %q, want the input back", s, iv.String())
		}
		again, err := ParseInterval(iv.String())
		if err != nil || again != iv {
			t.Errorf("ParseInterval(%q) = %v, %v; want %v", iv.String(), again, err, iv)
		}
		if err := iv.check(); err != nil {
			t.Errorf("ParseInterval(%q) accepted an invalid interval: %v", s, err)
		}
	})
}

func TestParseHours(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    string
		wantErr string
	}{
		{name: "one", in: []string{"08:00-16:00"}, want: "08:00-16:00"},
		{name: "none is closed", in: nil, want: "closed"},
		{name: "sorted", in: []string{"13:00-16:00", "08:00-11:30"}, want: "08:00-11:30, 13:00-16:00"},
		{name: "touching merge", in: []string{"12:00-16:00", "08:00-12:00"}, want: "08:00-16:00"},
		{name: "overlapping merge", in: []string{"08:00-13:00", "12:00-16:00", "09:00-10:00"}, want: "08:00-16:00"},
		{name: "duplicate", in: []string{"08:00-16:00", "08:00-16:00"}, want: "08:00-16:00"},
		{name: "midnight close is 24:00", in: []string{"22:00-00:00"}, want: "22:00-24:00"},
		{name: "overnight merges with evening", in: []string{"22:00-02:00", "20:00-23:00"}, want: "20:00-02:00"},
		{name: "overnight kept after day", in: []string{"22:00-02:00", "08:00-12:00"}, want: "08:00-12:00, 22:00-02:00"},
		{name: "no merge past a whole day", in: []string{"00:00-24:00", "23:00-01:00"}, want: "00:00-24:00, 23:00-01:00"},
		{name: "all errors named", in: []string{"8-16", "08:00-12:00", "x"}, wantErr: `[0]: "8-16" is not HH:MM-HH:MM; [2]: "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHours(tt.in)
			checkErr(t, "ParseHours", strings.Join(tt.in, ","), err, tt.wantErr)
			if err == nil && got.String() != tt.want {
				t.Errorf("ParseHours(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestHoursEqual(t *testing.T) {
	a := mustHours(t, "08:00-12:00", "12:00-16:00")
	b := mustHours(t, "08:00-16:00")
	if !a.Equal(b) {
		t.Errorf("%s.Equal(%s) = false, want true", a, b)
	}
	if c := mustHours(t, "08:00-15:00"); a.Equal(c) {
		t.Errorf("%s.Equal(%s) = true, want false", a, c)
	}
	if !Hours(nil).Equal(Hours{}) {
		t.Errorf("nil.Equal(empty) = false, want true: both are closed")
	}
}

func mustHours(t testing.TB, ss ...string) Hours {
	t.Helper()
	h, err := ParseHours(ss)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestParseWeekdays(t *testing.T) {
	M, Tu, W, Th, F, Sa, Su := time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday
	tests := []struct {
		in      string
		want    []time.Weekday
		wantErr string
	}{
		{in: "mon", want: []time.Weekday{M}},
		{in: "sun", want: []time.Weekday{Su}},
		{in: "Sat", want: []time.Weekday{Sa}},
		{in: "mon-fri", want: []time.Weekday{M, Tu, W, Th, F}},
		{in: "sat-sun", want: []time.Weekday{Sa, Su}},
		{in: "mon-sun", want: []time.Weekday{M, Tu, W, Th, F, Sa, Su}},
		{in: "fri-mon", want: []time.Weekday{F, Sa, Su, M}},
		{in: "monday", wantErr: `weekday "monday" is not one of`},
		{in: "mon-", wantErr: "is not one of"},
		{in: "mon-mon", wantErr: "starts and ends on the same day"},
		{in: "", wantErr: "is not one of"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWeekdays(tt.in)
			checkErr(t, "ParseWeekdays", tt.in, err, tt.wantErr)
			if err == nil && !slices.Equal(got, tt.want) {
				t.Errorf("ParseWeekdays(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestWeekString(t *testing.T) {
	var w Week
	if got := w.String(); got != "closed" {
		t.Errorf("empty Week.String() = %q, want closed", got)
	}
	for _, wd := range []time.Weekday{1, 2, 3, 4, 5} {
		w[wd] = mustHours(t, "08:00-16:00")
	}
	w[time.Saturday] = mustHours(t, "10:00-14:00")
	if got, want := w.String(), "mon-fri 08:00-16:00; sat 10:00-14:00"; got != want {
		t.Errorf("Week.String() = %q, want %q", got, want)
	}
	w[time.Sunday] = w[time.Saturday]
	w[time.Wednesday] = nil
	if got, want := w.String(), "mon-tue 08:00-16:00; thu-fri 08:00-16:00; sat-sun 10:00-14:00"; got != want {
		t.Errorf("Week.String() = %q, want %q", got, want)
	}
}

func TestRules(t *testing.T) {
	tests := []struct {
		on      string
		year    int
		want    Date
		none    bool
		wantErr string
	}{
		{on: "04-30", year: 2026, want: Date{2026, 4, 30}},
		{on: "easter", year: 2026, want: Date{2026, 4, 5}},
		{on: "easter-3", year: 2025, want: Date{2025, 4, 17}},
		{on: "easter+1", year: 2027, want: Date{2027, 3, 29}},
		{on: "easter+39", year: 2025, want: Date{2025, 5, 29}},
		{on: "02-29", year: 2028, want: Date{2028, 2, 29}},
		{on: "02-29", year: 2026, none: true},
		{on: "easter+", wantErr: "not a number"},
		{on: "easter-+3", wantErr: "not a number"},
		{on: "easter+400", wantErr: "from 0 to 366"},
		{on: "easter3", wantErr: "not MM-DD, easter"},
		{on: "2026-04-30", wantErr: "not MM-DD, easter"},
		{on: "04-31", wantErr: "not MM-DD, easter"},
		{on: "valborg", wantErr: "not MM-DD, easter"},
	}
	for _, tt := range tests {
		t.Run(tt.on, func(t *testing.T) {
			err := ValidRule(tt.on)
			checkErr(t, "ValidRule", tt.on, err, tt.wantErr)
			if err != nil {
				return
			}
			r, _ := parseRule(tt.on)
			got, ok := r.in(tt.year)
			if ok == tt.none || (ok && got != tt.want) {
				t.Errorf("rule %q in %d = %v (%v), want %v (%v)", tt.on, tt.year, got, ok, tt.want, !tt.none)
			}
		})
	}
}
