package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckAtDate: `check --at DATE` checks each subscriber at its own
// check time that day, earliest first, and names a subscriber whose check
// does not come that day.
func TestCheckAtDate(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("a dry run posted a message")
	}))
	defer hook.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
http: {listen: ""}
schedules:
  - id: kundcenter
    weekly: {mon-sun: ["08:00-16:00"]}
    exceptions: [{date: 2027-04-30, closed: true, name: Inventering}]
channels:
  - {id: hook, type: webhook, url: "%s"}
subscribers:
  - {id: anna, check: "0 18 * * *", schedules: [kundcenter], targets: [{channel: hook}]}
  - {id: bo, check: "30 7 * * *", schedules: [kundcenter], targets: [{channel: hook}]}
  - {id: cia, check: "0 18 * * mon", schedules: [kundcenter], targets: [{channel: hook}]}
`, filepath.Join(dir, "state"), hook.URL))

	tests := []struct {
		name       string
		at         string
		wantCode   int
		wantStdout []string // in this order
		wantStderr string
	}{
		{"a date", "2027-04-29", 0, []string{
			"══ check at 2027-04-29T07:30:00+02:00: bo\n", "── to bo/hook",
			"══ check at 2027-04-29T18:00:00+02:00: anna\n", "── to anna/hook",
		}, "hoursd: cia: no check on 2027-04-29\n"},
		{"an instant", "2027-04-29T12:00:00+02:00", 0, []string{"── to anna/hook", "── to bo/hook", "── to cia/hook"}, ""},
		{"neither", "2027-04-29 18:00", 2, nil, `hoursd: --at: "2027-04-29 18:00" is neither a date such as 2026-04-29`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"check", "--dry-run", "--at", tt.at, "--config", cfg}, &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("check --at %s: exit %d, want %d\n%s%s", tt.at, code, tt.wantCode, &stdout, &stderr)
			}
			out := stdout.String()
			for _, w := range tt.wantStdout {
				i := strings.Index(out, w)
				if i < 0 {
					t.Fatalf("check --at %s: stdout lacks %q (or has it too early):\n%s", tt.at, w, &stdout)
				}
				out = out[i+len(w):]
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("check --at %s: stderr = %q, want %q", tt.at, &stderr, tt.wantStderr)
			}
		})
	}
}
