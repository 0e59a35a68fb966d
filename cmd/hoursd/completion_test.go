package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCompletion asks cobra's completion entry point what the shell
// scripts of `hoursd completion` ask, and checks the values hoursd offers.
func TestCompletion(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	writeFile(t, cfg, `
schedules:
  - {id: kundcenter, weekly: {mon-fri: ["08:00-16:00"]}}
  - {id: kontoret, weekly: {mon-fri: ["09:00-15:00"]}}
  - {id: bibliotek, weekly: {mon-fri: ["10:00-19:00"]}}
channels:
  - {id: out, type: console}
subscribers:
  - {id: anna, schedules: [kundcenter], targets: [{channel: out}]}
  - {id: bo, schedules: [kontoret], targets: [{channel: out}]}
`)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"schedule ids", []string{"day", "--config", cfg, "--schedule", "k"}, []string{"kundcenter", "kontoret"}},
		{"schedule ids of ics", []string{"ics", "--config", cfg, "--schedule", ""}, []string{"kundcenter", "kontoret", "bibliotek"}},
		{"subscriber ids", []string{"test-send", "--config", cfg, "--subscriber", ""}, []string{"anna", "bo"}},
		{"formats", []string{"upcoming", "--format", ""}, []string{"text", "json"}},
		{"languages", []string{"ics", "--lang", ""}, []string{"sv", "en"}},
		{"a configuration that does not load", []string{"day", "--config", filepath.Join(t.TempDir(), "none.yaml"), "--schedule", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(append([]string{"__complete"}, tt.args...), &out, &errOut); code != 0 {
				t.Fatalf("hoursd __complete %s: exit %d\n%s", strings.Join(tt.args, " "), code, &errOut)
			}
			var got []string
			for l := range strings.Lines(out.String()) {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, ":") {
					got = append(got, l)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("completion of hoursd %s = %q, want %q", strings.Join(tt.args, " "), got, tt.want)
			}
		})
	}
}
