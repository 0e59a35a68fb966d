package osm

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hoursd/hoursd/schedule"
)

// TestParseHours checks what single expressions mean, date by date, for
// the constructs of the grammar.
func TestParseHours(t *testing.T) {
	tests := []struct {
		name, expr string
		date       string // YYYY-MM-DD
		want       string
	}{
		{"weekday range", "Mo-Fr 08:00-16:00", "2026-04-29", "08:00-16:00"},
		{"weekend outside the range", "Mo-Fr 08:00-16:00", "2026-05-02", "closed"},
		{"range across the week end", "Fr-Mo 10:00-14:00", "2026-05-04", "10:00-14:00"},
		{"several spans", "Mo 08:00-11:30,13:00-16:00", "2026-05-04", "08:00-11:30, 13:00-16:00"},
		{"later rule replaces the day", "Mo-Fr 08:00-16:00; We 10:00-12:00", "2026-04-29", "10:00-12:00"},
		{"additional rule adds", "Mo-Fr 08:00-12:00, We 13:00-16:00", "2026-04-29", "08:00-12:00, 13:00-16:00"},
		{"additional off closes", "Mo-Fr 08:00-16:00, We off", "2026-04-29", "closed"},
		{"public holiday off", "Mo-Fr 08:00-16:00; PH off", "2026-05-01", "closed"},
		{"holiday rule first is overridden", "PH off; Mo-Fr 08:00-16:00", "2026-05-01", "08:00-16:00"},
		{"day after a holiday", "PH +1 day 10:00-12:00", "2026-04-06", "10:00-12:00"}, // Annandag påsk is PH too, +1 of Påskdagen
		{"day before a holiday", "Mo-Fr 08:00-16:00; PH -1 day 08:00-12:00", "2026-04-30", "08:00-12:00"},
		{"holidays on weekdays", "PH Mo-Fr 10:00-12:00", "2026-04-06", "10:00-12:00"},
		{"holidays on weekdays, Sunday", "PH Mo-Fr 10:00-12:00", "2026-04-05", "closed"},
		{"day before a holiday on weekdays", "PH -1 day Mo-Fr 10:00-12:00", "2026-04-02", "10:00-12:00"},
		{"day before a holiday on Sunday", "PH -1 day Mo-Fr 10:00-12:00", "2026-04-05", "closed"},
		{"eve not a holiday", "Mo-Fr 08:00-16:00; PH off", "2026-12-24", "08:00-16:00"},
		{"a date", "Mo-Fr 08:00-16:00; Dec 24 off", "2026-12-24", "closed"},
		{"a date range", "Jun 30-Aug 24 10:00-14:00", "2026-07-15", "10:00-14:00"},
		{"a date range across the year end", "10:00-11:00; Dec 24-Jan 02 off", "2026-01-01", "closed"},
		{"a dated range", "2025 Jun 30-2025 Aug 24 10:00-14:00", "2026-07-15", "closed"},
		{"a dated range, its year", "2025 Jun 30-2025 Aug 24 10:00-14:00", "2025-07-15", "10:00-14:00"},
		{"a month", "Jul off; Mo-Fr 08:00-16:00", "2026-07-15", "08:00-16:00"},
		{"a month range", "Mo-Fr 08:00-16:00; Jun-Aug Mo-Fr 08:00-15:00", "2026-06-01", "08:00-15:00"},
		{"a month range across the year end", "Nov-Feb 10:00-12:00", "2026-01-15", "10:00-12:00"},
		{"year range with step", "2025-2029/2 10:00-12:00", "2027-03-03", "10:00-12:00"},
		{"year range with step, skipped year", "2025-2029/2 10:00-12:00", "2026-03-03", "closed"},
		{"odd weeks", "week 01-53/2 Sa 10:00-14:00", "2026-01-03", "10:00-14:00"}, // ISO week 1
		{"even week skipped", "week 01-53/2 Sa 10:00-14:00", "2026-01-10", "closed"},
		{"last friday", "Fr[-1] 10:00-12:00", "2026-04-24", "10:00-12:00"},
		{"not the last friday", "Fr[-1] 10:00-12:00", "2026-04-17", "closed"},
		{"first and third", "Sa[1,3] 10:00-12:00", "2026-04-18", "10:00-12:00"},
		{"easter", "easter -3 days 08:00-11:30", "2026-04-02", "08:00-11:30"},
		{"easter itself", "easter 12:00-13:00", "2026-04-05", "12:00-13:00"},
		{"whole day", "Mo-Fr", "2026-04-29", "00:00-24:00"},
		{"24/7", "24/7", "2026-04-26", "00:00-24:00"},
		{"past midnight", "Fr 22:00-02:00", "2026-05-01", "22:00-02:00"},
		{"extended hours", "Fr 22:00-26:00", "2026-05-01", "22:00-02:00"},
		{"colon after months", "Jun-Aug: Mo-Fr 08:00-15:00", "2026-06-01", "08:00-15:00"},
		{"comment", `Mo-Fr 08:00-16:00 open "vanliga tider"`, "2026-04-29", "08:00-16:00"},
		{"trailing semicolon", "Mo-Fr 08:00-16:00;", "2026-04-29", "08:00-16:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := fromRules(tt.expr)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.expr, err)
			}
			d, err := schedule.ParseDate(tt.date)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Day(d).Hours.String(); got != tt.want {
				t.Errorf("%q: Hours(%s) = %s, want %s", tt.expr, tt.date, got, tt.want)
			}
		})
	}
}

// TestParseErrors checks that what hoursd does not read is refused with
// the token, its position and why.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, expr string
		pos        int
		token      string
		reason     string // a part of the reason
	}{
		{"sunset", "Mo-Fr 10:00-sunset", 13, "sunset", "from the sun"},
		{"sunrise", "sunrise-18:00", 1, "sunrise", "from the sun"},
		{"school holidays", "SH off", 1, "SH", "school holidays"},
		{"fallback", "Mo-Fr 08:00-16:00 || PH off", 19, "|", "fallback"},
		{"open end", "Mo-Fr 18:00+", 12, "+", "open ends"},
		{"unknown", "Mo-Fr unknown", 7, "unknown", "unknown state"},
		{"lower case", "mo-fr 08:00-16:00", 1, "mo", "Mo, Tu"},
		{"month spelling", "jan off", 1, "jan", "Jan, Feb"},
		{"one digit hour", "Mo 8:00-16:00", 4, "8:00", "two digits"},
		{"no closing time", "Mo 08:00", 9, "", "closing time"},
		{"hour 25 opens", "Mo 25:00-26:00", 4, "25:00", "opening time"},
		{"more than a day", "Mo 08:00-33:00", 10, "33:00", "24 hours"},
		{"same open and close", "Mo 08:00-08:00", 10, "08:00", "same time"},
		{"impossible date", "Feb 30 off", 5, "30", "no day 30"},
		{"day offset of a date", "Dec 25 +1 day off", 8, "+", "easter and PH only"},
		{"range from easter", "easter-easter +1 day off", 7, "-", "easter"},
		{"one year only", "2026 Jan 30-Feb 02 off", 12, "-", "both ends"},
		{"PH two days", "PH +2 days off", 4, "+", "one day"},
		{"weekdays then PH and weekdays", "Sa,PH Mo off", 7, "Mo", "PH alone"},
		{"nth of a range", "Mo-Fr[1] off", 6, "[", "one weekday"},
		{"week step 1", "week 01-10/1 off", 12, "1", "from 2"},
		{"week 54", "week 54 off", 6, "54", "from 1 to 53"},
		{"open year", "2025+ off", 5, "+", "last year"},
		{"comment alone", `Mo "ring först"`, 4, `"ring först"`, "unknown"},
		{"unclosed comment", `Mo off "ring`, 8, `"ring`, "not closed"},
		{"empty", "", 1, "", "expected a rule"},
		{"only separators", ";", 1, ";", "expected a rule"},
		{"stray character", "Mo 08:00-16:00 & Tu", 16, "&", "not part of"},
		{"position counts characters", `Mo off "åäö"; sunrise`, 15, "sunrise", "from the sun"},
		{"additional rule at the end", "Mo off,", 8, "", "expected a rule"},
		{"range backwards", "2026 Aug 24-2026 Jun 30 off", 12, "-", "before it starts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.expr)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want an *Error", tt.expr, err)
			}
			if pe.Pos != tt.pos || pe.Token != tt.token || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("Parse(%q) = %v (position %d, token %q), want position %d, token %q, a reason with %q", tt.expr, err, pe.Pos, pe.Token, tt.pos, tt.token, tt.reason)
			}
		})
	}
}

// FuzzParse checks that no input makes the parser panic, that every error
// is an *Error whose position lies in the input, and that whatever parses
// gives a schedule that validates and evaluates.
func FuzzParse(f *testing.F) {
	for _, e := range handWritten {
		f.Add(e)
	}
	for _, e := range []string{"", ";", ",", "24/7", "Mo[", "2025", "week", "easter +", "PH +1", `"`, "Jan 31-Feb", "Mo 25:00", "Fr-Mo 22:00-26:00"} {
		f.Add(e)
	}
	d := schedule.Date{Year: 2026, Month: time.January, Day: 1}
	f.Fuzz(func(t *testing.T, expr string) {
		rules, err := Parse(expr)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, not an *Error", expr, err)
			}
			if n := utf8.RuneCountInString(expr); pe.Pos < 1 || pe.Pos > n+1 {
				t.Fatalf("Parse(%q): position %d is outside 1..%d", expr, pe.Pos, n+1)
			}
			return
		}
		s := &schedule.Schedule{ID: "fuzz", Rules: rules}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse(%q) gave rules that do not validate: %v", expr, err)
		}
		s.Changes(d, 400)
	})
}
