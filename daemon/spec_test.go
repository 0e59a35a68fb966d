package daemon

import (
	"strings"
	"testing"
	"time"
)

func TestParseSpecNext(t *testing.T) {
	tests := []struct {
		spec, from string
		want       []string // the next instants, Stockholm time
	}{
		{"0 18 * * *", "2026-04-29 12:00", []string{"2026-04-29 18:00 CEST", "2026-04-30 18:00 CEST"}},
		{"30 2 * * *", "2026-03-28 12:00", []string{"2026-03-29 03:30 CEST", "2026-03-30 02:30 CEST"}},
		{"30 2 * * *", "2026-10-24 12:00", []string{"2026-10-25 02:30 CET", "2026-10-26 02:30 CET"}},
		{"0 18 * * 1-5", "2026-05-01 19:00", []string{"2026-05-04 18:00 CEST", "2026-05-05 18:00 CEST"}},
		{"@daily", "2026-03-28 12:00", []string{"2026-03-29 00:00 CET", "2026-03-30 00:00 CEST"}},
		{"@every 6h", "2026-03-29 00:00", []string{"2026-03-29 07:00 CEST", "2026-03-29 13:00 CEST"}},
	}
	for _, tt := range tests {
		sch, err := ParseSpec(tt.spec, stockholm)
		if err != nil {
			t.Fatalf("ParseSpec(%q): %v", tt.spec, err)
		}
		n := at(t, tt.from)
		var got []string
		for range tt.want {
			n = sch.Next(n)
			got = append(got, n.In(stockholm).Format("2006-01-02 15:04 MST"))
		}
		if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
			t.Errorf("%q after %s: %s, want %s", tt.spec, tt.from, strings.Join(got, ", "), strings.Join(tt.want, ", "))
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, spec := range []string{"", "61 * * * *", "0 18 * *", "@fortnightly", "0 18 * * * *"} {
		if _, err := ParseSpec(spec, time.UTC); err == nil || !strings.HasPrefix(err.Error(), "check ") {
			t.Errorf("ParseSpec(%q) error = %v, want one naming the check", spec, err)
		}
	}
}
