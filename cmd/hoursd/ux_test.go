package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

// What a user reads when nothing runs yet: healthcheck says no hoursd
// answers (not a raw dial error), status says no daemon ran on the state.
func TestNothingRunningYet(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a port where nothing listens

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string
		stderr   string
		notInAny string
	}{
		{"healthcheck", []string{"healthcheck", "--url", "http://" + addr + "/healthz"}, 1, "",
			"hoursd: unhealthy: no hoursd answers at " + addr, "connection refused"},
		// Docker reserves exit status 2 of a health check: a config that
		// does not load is a failure (1) there, not a usage error.
		{"healthcheck with a bad config", []string{"healthcheck", "--config", "/nonexistent/hoursd.yaml"}, 1, "",
			"hoursd: unhealthy: cannot tell where hoursd listens: invalid configuration", "problem"},
		// A check "as if" on an evening long past: its message cannot be sent
		// any more, and the reason says so without an empty "last error".
		{"check in the past", []string{"check", "--at", "2026-04-29T18:00:00+02:00"}, 1,
			"console/console: failed: its day began before it could be sent (no attempt was made)", "", "last error"},
		{"status", []string{"status"}, 0, "(no state file yet: nothing was sent)  no daemon has run on it", "", "healthy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			useBuiltInDefault(t) // the console channel; not a /etc/hoursd/config.yaml of the machine
			t.Setenv("HOURSD_STATE_DIR", t.TempDir())
			var out, errOut bytes.Buffer
			code := run(tt.args, &out, &errOut)
			if code != tt.code {
				t.Errorf("hoursd %s: exit %d, want %d (stderr %q)", tt.name, code, tt.code, errOut.String())
			}
			if !strings.Contains(out.String(), tt.stdout) {
				t.Errorf("hoursd %s: stdout %q, want it to contain %q", tt.name, out.String(), tt.stdout)
			}
			if !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("hoursd %s: stderr %q, want it to contain %q", tt.name, errOut.String(), tt.stderr)
			}
			if all := out.String() + errOut.String(); strings.Contains(all, tt.notInAny) {
				t.Errorf("hoursd %s: output %q contains %q", tt.name, all, tt.notInAny)
			}
		})
	}
}
