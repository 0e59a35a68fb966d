package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"
)

// icsConfig is the customer centre of config/default.yaml in a file of its own, so
// these tests do not move when the examples do.
const icsConfig = `timezone: Europe/Stockholm
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    phone: "0771-524 524"
    weekly: {mon-fri: ["08:00-16:00"]}
    holidays: {calendar: se, closed: true}
    named_days:
      - {day: skartorsdagen, hours: ["08:00-11:30"]}
      - {day: valborgsmassoafton, hours: ["08:00-11:30"]}
      - {day: midsommarafton, closed: true}
channels:
  - {id: out, type: console}
subscribers:
  - {id: me, schedules: [kundcenter], targets: [{channel: out}]}
`

// runICS runs `hoursd ics` with args against icsConfig.
func runICS(t *testing.T, args ...string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(icsConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := newICSCmd(&app{stdout: &stdout, stderr: &stderr, configPath: path})
	cmd.SetArgs(args)
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return stdout.String(), err
}

func TestICSCommand(t *testing.T) {
	out, err := runICS(t, "--schedule", "kundcenter", "--lang", "en", "--from", "2026-04-01")
	if err != nil {
		t.Fatalf("hoursd ics: %v", err)
	}
	cal, err := goical.NewDecoder(strings.NewReader(out)).Decode()
	if err != nil {
		t.Fatalf("decode the output of hoursd ics: %v\n%s", err, out)
	}
	starts := map[string]goical.Event{}
	for _, e := range cal.Events() {
		starts[e.Props.Get(goical.PropDateTimeStart).Value] = e
	}
	// From 2026-04-01 the window is 2026-03-02 … 2027-05-06.
	tests := []struct {
		name, dtstart string
		want          bool
		summary       string
	}{
		{"new year's day is too long ago", "20260101", false, ""},
		{"valborg, timed, local time", "20260430T080000", true, "Försäkringskassan kundcenter: open 08:00–11:30 (Walpurgis Night)"},
		{"midsummer eve, all day", "20260619", true, "Försäkringskassan kundcenter: closed (Midsummer Eve)"},
		{"maundy thursday 2027", "20270325T080000", true, ""},
		{"midsummer eve 2027 is too far ahead", "20270625", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := starts[tt.dtstart]
			if ok != tt.want {
				t.Fatalf("event starting %s in the output = %v, want %v", tt.dtstart, ok, tt.want)
			}
			if !ok || tt.summary == "" {
				return
			}
			if got, _ := e.Props.Text(goical.PropSummary); got != tt.summary {
				t.Errorf("SUMMARY = %q, want %q", got, tt.summary)
			}
		})
	}
}

func TestICSCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the error
	}{
		{"no schedule", nil, "--schedule is required"},
		{"unknown schedule", []string{"--schedule", "nowhere"}, `"nowhere": no such schedule`},
		{"unknown language", []string{"--schedule", "kundcenter", "--lang", "de"}, `unknown language "de"`},
		{"bad date", []string{"--schedule", "kundcenter", "--from", "2026-02-30"}, "--from"},
		{"an argument", []string{"kundcenter"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runICS(t, tt.args...)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 {
				t.Fatalf("hoursd ics %v: error %v, want a usage error (exit status 2)", tt.args, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("hoursd ics %v: error %q, want it to say %q", tt.args, err, tt.want)
			}
			if out != "" {
				t.Errorf("hoursd ics %v wrote %q to stdout on a usage error", tt.args, out)
			}
		})
	}
}
