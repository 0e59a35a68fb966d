package main

import (
	"bytes"
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
