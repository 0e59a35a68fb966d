package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/config"
)

func TestNewLogger(t *testing.T) {
	tests := []struct {
		name    string
		log     config.Log
		want    string // in the output of an info and a debug line
		notWant string
		err     string
	}{
		{"default text at info", config.Log{}, `level=INFO msg=checked subscriber=anna`, "level=DEBUG", ""},
		{"json", config.Log{Format: "json", Level: "info"}, `"msg":"checked","subscriber":"anna"`, "DEBUG", ""},
		{"debug", config.Log{Level: "debug"}, "level=DEBUG msg=detail", "", ""},
		{"warn hides info", config.Log{Level: "WARN"}, "", "checked", ""},
		{"bad level", config.Log{Level: "loud"}, "", "", `log.level: "loud" is not debug, info, warn or error`},
		{"bad format", config.Log{Format: "xml"}, "", "", `log.format: "xml" is not text or json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			log, err := newLogger(&b, tt.log)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("newLogger(%+v) error = %v, want %q", tt.log, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			log.Info("checked", "subscriber", "anna")
			log.Debug("detail")
			if !strings.Contains(b.String(), tt.want) || (tt.notWant != "" && strings.Contains(b.String(), tt.notWant)) {
				t.Errorf("newLogger(%+v) wrote %q, want %q and not %q", tt.log, b.String(), tt.want, tt.notWant)
			}
		})
	}
}

func TestLocalAddr(t *testing.T) {
	tests := []struct{ listen, want string }{
		{"127.0.0.1:9470", "127.0.0.1:9470"},
		{":9470", "127.0.0.1:9470"},
		{"0.0.0.0:9470", "127.0.0.1:9470"},
		{"[::]:9470", "[::1]:9470"},
		{"hoursd.lan:9470", "hoursd.lan:9470"},
	}
	for _, tt := range tests {
		if got := localAddr(tt.listen); got != tt.want {
			t.Errorf("localAddr(%q) = %q, want %q", tt.listen, got, tt.want)
		}
	}
}

// TestProblemsAreBounded: a refused reload of a file with thousands of
// problems logs the first ones and how many more there are, not one line
// of megabytes.
func TestProblemsAreBounded(t *testing.T) {
	mk := func(n int) error {
		ve := &config.ValidationError{Source: "config.yaml"}
		for i := range n {
			ve.Problems = append(ve.Problems, config.Problem{Path: fmt.Sprintf("subscribers[%d].id", i), Message: "missing"})
		}
		return fmt.Errorf("reload: %w", ve)
	}
	tests := []struct {
		name     string
		n        int
		wantLen  int
		wantLast string
	}{
		{"a few", 3, 3, "subscribers[2].id: missing"},
		{"exactly the bound", 10, 10, "subscribers[9].id: missing"},
		{"thousands", 5000, 11, "… and 4990 more (hoursd validate lists them all)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(mk(tt.n))
			if len(got) != tt.wantLen || got[len(got)-1] != tt.wantLast {
				t.Errorf("problems(%d problems) = %d lines ending %q, want %d ending %q", tt.n, len(got), got[len(got)-1], tt.wantLen, tt.wantLast)
			}
		})
	}
}
