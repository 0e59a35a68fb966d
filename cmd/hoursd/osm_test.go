package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOSMCommand checks what `hoursd osm` prints for the built-in default:
// the customer centre written least specific rule first, the 2025 summer
// left out of a window from 2026, the named days as dates, easter offsets
// and a week of dates with a weekday. (The expression's meaning is checked
// against opening_hours.js in schedule/osm.)
func TestOSMCommand(t *testing.T) {
	want := "Mo-Fr 08:00-16:00; PH off; Oct 30-Nov 05 Fr 08:00-11:30; Apr 30 Mo-Fr 08:00-11:30; " +
		"easter -3 days Mo-Fr 08:00-11:30; Dec 31 off; Dec 24 off; Jun 19-25 Fr off\n"
	code, out, errOut := runHoursd(t, "osm", "--schedule", "kundcenter", "--from", "2026-01-01")
	if code != 0 || out != want {
		t.Errorf("hoursd osm --from 2026-01-01 exited %d with\n%s%s\nwant\n%s", code, out, errOut, want)
	}

	code, out, errOut = runHoursd(t, "osm", "--from", "2025-01-01", "--format", "json")
	if code != 0 {
		t.Fatalf("hoursd osm --format json exited %d: %s", code, errOut)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("hoursd osm --format json printed %q: %v", out, err)
	}
	if len(got) != 1 || got[0]["schedule"] != "kundcenter" || got[0]["from"] != "2025-01-01" || got[0]["to"] != "2034-12-31" ||
		!strings.Contains(got[0]["opening_hours"], `2025 Jun 30-2025 Aug 24 Mo-Fr 08:00-15:00 "Sommaröppettider"`) {
		t.Errorf("hoursd osm --format json = %s, want kundcenter from 2025-01-01 to 2034-12-31 with the 2025 summer", out)
	}
}

func TestOSMCommandBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown format", []string{"osm", "--format", "xml"}, `osm: --format "xml" is not text or json`},
		{"impossible date", []string{"osm", "--from", "2026-02-30"}, `osm: --from: date "2026-02-30": February 2026 has no day 30`},
		{"unknown schedule", []string{"osm", "--schedule", "nope"}, `osm: --schedule "nope": no such schedule`},
		{"too late", []string{"osm", "--from", "9995-01-01"}, "osm: --from 9995-01-01: ten years from it go past 9999-12-31"},
		{"an argument", []string{"osm", "kundcenter"}, `osm takes no arguments`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runHoursd(t, tt.args...)
			if code != 2 || out != "" || !strings.Contains(errOut, tt.want) {
				t.Errorf("hoursd %s exited %d, printed %q and %q; want 2, nothing and %q", strings.Join(tt.args, " "), code, out, errOut, tt.want)
			}
		})
	}
}
