package main

import (
	"bytes"
	"strings"
	"testing"
)

// A bad flag value is a usage error (exit 2) worded for people, without the
// strconv internals pflag passes on.
func TestFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"out of range", []string{"upcoming", "--days", "99999999999999999999"}, `invalid argument "99999999999999999999" for "--days" flag: out of range`},
		{"not a number", []string{"upcoming", "--days", "abc"}, `invalid argument "abc" for "--days" flag: not a number`},
		{"unknown flag", []string{"upcoming", "--bogus"}, "unknown flag: --bogus"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tt.args, &out, &errOut)
			if code != 2 {
				t.Errorf("hoursd %s: exit %d, want 2", strings.Join(tt.args, " "), code)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("hoursd %s: stderr %q, want it to contain %q", strings.Join(tt.args, " "), errOut.String(), tt.want)
			}
			if strings.Contains(errOut.String(), "strconv") {
				t.Errorf("hoursd %s: stderr %q shows strconv internals", strings.Join(tt.args, " "), errOut.String())
			}
		})
	}
}
