package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSource checks what a schedule's source becomes: its keys, the default
// refresh (also in `config show`), and no source for a schedule without one.
func TestSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	err := os.WriteFile(path, []byte(`schedules:
  - id: kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
    source: {url: "https://www.forsakringskassan.se/ring-kundcenter", format: page}
  - id: bibliotek
    weekly: {mon-fri: ["10:00-19:00"]}
  - id: lokal
    weekly: {mon-fri: ["10:00-19:00"]}
    source: {url: "http://127.0.0.1:8080/hours.ics", format: ics, refresh: "@weekly"}
channels:
  - {id: out, type: console}
subscribers:
  - {id: s, schedules: [kundcenter, bibliotek, lokal], targets: [{channel: out}]}
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mustLoad(t, testLoader(nil, nil), path)
	tests := []struct {
		schedule string
		want     *Source
	}{
		{"kundcenter", &Source{Schedule: "kundcenter", URL: "https://www.forsakringskassan.se/ring-kundcenter", Format: "page", Refresh: DefaultRefresh}},
		{"bibliotek", nil},
		{"lokal", &Source{Schedule: "lokal", URL: "http://127.0.0.1:8080/hours.ics", Format: "ics", Refresh: "@weekly"}},
	}
	for _, tt := range tests {
		got := cfg.SourceOf(tt.schedule)
		if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("SourceOf(%s) = %+v, want %+v", tt.schedule, got, tt.want)
		}
	}
	if len(cfg.Sources) != 2 {
		t.Errorf("Sources = %+v, want the two given", cfg.Sources)
	}
	if s := show(t, cfg); !strings.Contains(s, `refresh: 0 6 * * *`) {
		t.Errorf("config show lacks the default refresh:\n%s", s)
	}
}
