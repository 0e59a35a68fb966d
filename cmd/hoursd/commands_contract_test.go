package main

import (
	"io"
	"strings"
	"testing"
)

// TestCommandTable checks that every command the documentation names
// (README.md, docs/operating.md, docs/schedule.md) exists with the flags
// it shows, and that every command takes --config.
func TestCommandTable(t *testing.T) {
	tests := []struct {
		command string
		flags   []string
	}{
		{"run", nil},
		{"check", []string{"at", "dry-run", "format"}},
		{"upcoming", []string{"from", "days", "schedule", "format"}},
		{"day", []string{"date", "schedule", "format"}},
		{"validate", []string{"format"}},
		{"config show", nil},
		{"test-send", []string{"subscriber"}},
		{"status", []string{"format"}},
		{"source fetch", []string{"schedule", "format"}},
		{"source show", []string{"schedule", "format"}},
		{"osm", []string{"schedule", "from", "format"}},
		{"version", nil},
		{"healthcheck", nil}, // the HEALTHCHECK of deploy/docker/Dockerfile
	}
	root := newRootCmd(io.Discard, io.Discard)
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			cmd, rest, err := root.Find(strings.Fields(tt.command))
			if err != nil || len(rest) != 0 || cmd.CommandPath() != "hoursd "+tt.command {
				t.Fatalf("hoursd %s: not a command (found %q, rest %v, err %v)", tt.command, cmd.CommandPath(), rest, err)
			}
			for _, f := range append([]string{"config"}, tt.flags...) {
				if cmd.Flags().Lookup(f) == nil && cmd.InheritedFlags().Lookup(f) == nil {
					t.Errorf("hoursd %s has no --%s flag", tt.command, f)
				}
			}
		})
	}
}

// TestCommandFlagDefaults checks the defaults the documentation states: upcoming
// shows 30 days as text, check is not a dry run.
func TestCommandFlagDefaults(t *testing.T) {
	tests := []struct {
		command, flag, want string
	}{
		{"upcoming", "days", "30"},
		{"upcoming", "format", "text"},
		{"check", "dry-run", "false"},
	}
	root := newRootCmd(io.Discard, io.Discard)
	for _, tt := range tests {
		t.Run(tt.command+" --"+tt.flag, func(t *testing.T) {
			cmd, _, err := root.Find([]string{tt.command})
			if err != nil {
				t.Fatalf("hoursd %s: %v", tt.command, err)
			}
			f := cmd.Flags().Lookup(tt.flag)
			if f == nil {
				t.Fatalf("hoursd %s has no --%s flag", tt.command, tt.flag)
			}
			if f.DefValue != tt.want {
				t.Errorf("hoursd %s --%s defaults to %q, want %q", tt.command, tt.flag, f.DefValue, tt.want)
			}
		})
	}
}
