package osm_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
	"github.com/hoursd/hoursd/schedule/osm"
)

// TestShippedSchedulesRoundTrip loads the built-in default configuration
// (config/default.yaml) and the examples of deploy/examples, writes each
// schedule as `hoursd osm` does, and has opening_hours.js evaluate the
// expressions: each must give the schedule's hours on every day of the ten
// years it is written for. The schedules of deploy/examples/opening-hours.yaml
// come back as written, so for them this is a differential test of the
// example itself.
func TestShippedSchedulesRoundTrip(t *testing.T) {
	// deploy/examples/forsakringskassan.{yaml,toml} hold the schedule of
	// config/default.yaml beside channels whose secrets they read from the
	// environment and credential files, which this test does not have.
	files := []string{"../../config/default.yaml", "../../deploy/examples/minimal.yaml", "../../deploy/examples/opening-hours.yaml"}
	from := schedule.Date{Year: 2025, Month: 1, Day: 1}
	const years = 10
	days := schedule.Date{Year: from.Year + years, Month: 1, Day: 1}.Sub(from)
	var scheds []*schedule.Schedule
	var exprs, names []string
	for _, f := range files {
		t.Setenv("HOURSD_CONFIG", "")
		cfg, err := config.Load(f)
		if err != nil {
			t.Fatalf("loading %s: %v", f, err)
		}
		for _, s := range cfg.Schedules {
			scheds = append(scheds, s)
			exprs = append(exprs, osm.Format(s, from, years))
			names = append(names, filepath.Base(f)+": "+s.ID)
		}
	}
	if len(scheds) < 4 || !strings.Contains(strings.Join(names, " "), "opening-hours.yaml") {
		t.Fatalf("found only %v", names)
	}
	for i, res := range osm.OHJS(t, exprs, from, days) {
		t.Run(names[i], func(t *testing.T) {
			osm.AssertSameDays(t, scheds[i], exprs[i], res, from, days)
		})
	}
}

// TestExampleAnnouncesAsDefault checks that the customer centre of
// deploy/examples/opening-hours.yaml announces, change by change for ten
// years, what the one of config/default.yaml announces.
func TestExampleAnnouncesAsDefault(t *testing.T) {
	t.Setenv("HOURSD_CONFIG", "")
	load := func(f string) *schedule.Schedule {
		cfg, err := config.Load(f)
		if err != nil {
			t.Fatalf("loading %s: %v", f, err)
		}
		return cfg.Schedule("kundcenter")
	}
	built, written := load("../../config/default.yaml"), load("../../deploy/examples/opening-hours.yaml")
	if len(written.Rules) == 0 {
		t.Fatal("the example's kundcenter is not written as opening_hours")
	}
	from := schedule.Date{Year: 2025, Month: 1, Day: 1}
	got, want := written.Changes(from, 3652), built.Changes(from, 3652)
	for i := range max(len(got), len(want)) {
		if i >= len(got) || i >= len(want) {
			t.Fatalf("%d changes, want %d", len(got), len(want))
		}
		g, w := got[i], want[i]
		if g.Date != w.Date || g.Kind != w.Kind || g.Name != w.Name || !g.Hours.Equal(w.Hours) || !g.Regular.Equal(w.Regular) || g.Until != w.Until {
			t.Fatalf("change %d = %s %s %q %s (regular %s), want %s %s %q %s (regular %s)", i,
				g.Date, g.Kind, g.Name.SV, g.Hours, g.Regular, w.Date, w.Kind, w.Name.SV, w.Hours, w.Regular)
		}
	}
}
