package main

import (
	"bytes"
	"os"
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
		{"stray argument to run", []string{"run", "now"}, `hoursd: run: unknown command "now" for "hoursd run"`},
		{"stray argument to check", []string{"check", "today"}, `hoursd: check: unknown command "today"`},
		{"stray argument to healthcheck", []string{"healthcheck", "x"}, `hoursd: healthcheck: unknown command "x"`},
		{"stray argument to status", []string{"status", "x"}, `hoursd: status: unknown command "x"`},
		{"stray argument to version", []string{"version", "x"}, `hoursd: version: unknown command "x"`},
		{"stray date to upcoming", []string{"upcoming", "2026-04-30"}, `upcoming takes no arguments, got ["2026-04-30"] (dates go in flags, e.g. --from 2026-04-30)`},
		{"stray date to day", []string{"day", "2026-04-30"}, `day takes no arguments, got ["2026-04-30"] (dates go in flags, e.g. --date 2026-04-30)`},
		{"stray argument to config show", []string{"config", "show", "x"}, `hoursd: config show takes no arguments`},
		{"help on a typo", []string{"help", "chek"}, `hoursd: help: unknown command "chek"; hoursd help lists the commands`},
		{"help on a typo of a subcommand", []string{"help", "config", "shwo"}, `hoursd: help: unknown command "config shwo"`},
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
			if strings.Contains(errOut.String(), "hoursd: hoursd") {
				t.Errorf("hoursd %s: stderr %q says hoursd twice", strings.Join(tt.args, " "), errOut.String())
			}
			if strings.Contains(errOut.String(), "strconv") {
				t.Errorf("hoursd %s: stderr %q shows strconv internals", strings.Join(tt.args, " "), errOut.String())
			}
		})
	}
}

// A bad configuration is reported once per problem, each on its own line
// with its key path, under one header, and exits 2.
func TestConfigProblemsListedOnce(t *testing.T) {
	path := t.TempDir() + "/bad.yaml"
	if err := os.WriteFile(path, []byte("timezone: Mars/Olympus\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"validate", "--config", path}, &out, &errOut)
	if code != 2 {
		t.Errorf("hoursd validate: exit %d, want 2", code)
	}
	got := errOut.String()
	if !strings.HasPrefix(got, "hoursd: invalid configuration "+path+": 2 problems\n") {
		t.Errorf("stderr %q does not start with the header naming the file and the count", got)
	}
	for _, p := range []string{"  timezone: unknown time zone \"Mars/Olympus\"\n", "  schedules: no schedule is configured\n"} {
		if n := strings.Count(got, strings.TrimSpace(p)); n != 1 {
			t.Errorf("stderr shows %q %d times, want once:\n%s", strings.TrimSpace(p), n, got)
		}
	}
}

// TestVersionAndHelp: --version prints what `hoursd version` prints, and
// help on a command that exists prints its help and succeeds.
func TestVersionAndHelp(t *testing.T) {
	var version, flag, errOut bytes.Buffer
	if code := run([]string{"version"}, &version, &errOut); code != 0 {
		t.Fatalf("hoursd version: exit %d\n%s", code, &errOut)
	}
	if code := run([]string{"--version"}, &flag, &errOut); code != 0 {
		t.Fatalf("hoursd --version: exit %d\n%s", code, &errOut)
	}
	if !strings.HasPrefix(flag.String(), "hoursd ") || flag.String() != version.String() {
		t.Errorf("hoursd --version = %q, want what hoursd version prints, %q", &flag, &version)
	}
	var help bytes.Buffer
	if code := run([]string{"help", "config", "show"}, &help, &errOut); code != 0 || !strings.Contains(help.String(), "hoursd config show") {
		t.Errorf("hoursd help config show: exit %d, stdout %q, want 0 and its usage", code, &help)
	}
}
