package config

import (
	"slices"
	"testing"

	"github.com/hoursd/hoursd/schedule"
)

// TestSkippedHours: hours in the hour that the clocks skip on the night
// they go forward (2027-03-28 in Stockholm) are warned of; the same hours
// on the night the clocks go back (2027-10-31, when 02:15 comes twice) and
// on any other Sunday are not.
func TestSkippedHours(t *testing.T) {
	file := writeFile(t, t.TempDir(), "config.yaml", `
schedules:
  - {id: natt, weekly: {sun: ["02:15-02:45"]}}
  - {id: sen, weekly: {sat: ["22:00-02:30"]}}
  - {id: dag, weekly: {sun: ["10:00-14:00"]}}
channels:
  - {id: out, type: console}
subscribers:
  - {id: anna, schedules: [natt, sen, dag], targets: [{channel: out}]}
`)
	cfg := mustLoad(t, testLoader(nil, nil), file)
	tests := []struct {
		name string
		from schedule.Date
		days int
		want []string
	}{
		{"spring forward", schedule.Date{Year: 2027, Month: 3, Day: 1}, 31, []string{
			"schedules[0] (natt): on 2027-03-28, 02:15-02:45 falls in the hour the clocks skip in Europe/Stockholm (they go forward that night), so it does not exist",
			"schedules[1] (sen): on 2027-03-27, 22:00-02:30 falls in the hour the clocks skip in Europe/Stockholm (they go forward that night), so it does not exist",
		}},
		{"fall back", schedule.Date{Year: 2027, Month: 10, Day: 1}, 31, nil},
		{"another month", schedule.Date{Year: 2027, Month: 5, Day: 1}, 31, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cfg.SkippedHours(tt.from, tt.days); !slices.Equal(got, tt.want) {
				t.Errorf("SkippedHours(%s, %d) = %q, want %q", tt.from, tt.days, got, tt.want)
			}
		})
	}
}
