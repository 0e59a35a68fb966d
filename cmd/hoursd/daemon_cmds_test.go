package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// eveAhead is 18:00 in Stockholm ten days from now, the evening the tests of
// `hoursd check --at` run at: what it announces is not too late to send, and
// no test needs a real evening or a skip near midnight. day(n) is the date n
// days after it, at(n, "18:30") that time on that date in RFC 3339.
func eveAhead(t *testing.T) (eve time.Time, day func(n int) string, at func(n int, hm string) string) {
	t.Helper()
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := time.Now().In(stockholm).Date()
	eve = time.Date(y, m, d+10, 18, 0, 0, 0, stockholm)
	day = func(n int) string { return eve.AddDate(0, 0, n).Format(time.DateOnly) }
	at = func(n int, hm string) string {
		return eve.AddDate(0, 0, n).Format("2006-01-02T") + hm + eve.AddDate(0, 0, n).Format(":00Z07:00")
	}
	return eve, day, at
}

// TestCheckAndStatus drives `hoursd check` and `hoursd status` in process
// against a webhook on a local server. The days it announces are set ten to
// twelve days from now, so that sending them is not too late.
func TestCheckAndStatus(t *testing.T) { testCheckAndStatus(t, "") }

// TestCheckAndStatusOnPostgres is the same with the state in PostgreSQL:
// the commands work against the database as against the file.
func TestCheckAndStatusOnPostgres(t *testing.T) {
	testCheckAndStatus(t, fmt.Sprintf("postgres: {dsn: %q, replica: cli}\n", cliSchema(t)))
}

func testCheckAndStatus(t *testing.T, postgres string) {
	eve, day, at := eveAhead(t)
	var mu sync.Mutex
	var posts []string
	failing := 0 // the HTTP status the hook answers with; 0: it takes the post
	fail := func(code int) func() { return func() { mu.Lock(); failing = code; mu.Unlock() } }
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if failing != 0 {
			http.Error(w, "the hook says no", failing)
			return
		}
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		posts = append(posts, b.String())
	}))
	defer hook.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, postgres+fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
http: {listen: ""}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-sun: ["08:00-16:00"]}
    named_days:
      - {day: valborgsmassoafton, hours: ["08:00-11:30"]}
    exceptions:
      - {date: %s, closed: true, name: Inventering}
      - {date: %s, closed: true, name: Flytt}
      - {date: %s, closed: true, name: Städning}
channels:
  - {id: hook, type: webhook, url: "%s"}
subscribers:
  - {id: team, language: sv, schedules: [kundcenter], targets: [{channel: hook}]}
`, filepath.Join(dir, "state"), day(1), day(2), day(3), hook.URL))

	tests := []struct {
		name   string
		args   []string
		before func()
		code   int
		stdout string // contained in stdout
		stderr string // contained in stderr
		posts  int    // webhook posts so far
		// same: the state dir is byte for byte what it was before (or
		// still absent).
		same bool
	}{
		{"dry run as if on the eve of Valborg 2026", []string{"check", "--dry-run", "--at", "2026-04-29T18:00:00+02:00"}, nil,
			0, "torsdag 30 april (", "", 0, true},
		{"dry run prints and sends nothing", []string{"check", "--dry-run", "--at", at(0, "18:00")}, nil,
			0, "── to team/hook (1 change(s))", "", 0, true},
		{"status before anything was sent", []string{"status"}, nil,
			0, "(no state file yet: nothing was sent)", "", 0, true},
		{"check sends", []string{"check", "--at", at(0, "18:00")}, nil,
			0, "team/hook: sent after 1 attempt(s)", "", 1, false},
		{"dry run beside a state records nothing", []string{"check", "--dry-run", "--at", at(1, "18:00")}, nil,
			0, "── to team/hook (1 change(s))", "", 1, true},
		{"check again sends nothing", []string{"check", "--at", at(0, "18:30")}, nil,
			0, "nothing to announce at " + at(0, "18:30"), "", 1, false},
		{"a failing channel leaves the message pending", []string{"check", "--at", at(1, "18:00"), "--retry-for", "0"},
			fail(http.StatusBadGateway),
			1, "team/hook: pending after 1 attempt(s)", "1 of 1 message(s) not sent; see hoursd status", 1, false},
		{"status shows it with its error", []string{"status"}, nil,
			0, "pending (1)\n  #2  pending, retried until " + time.Date(eve.Year(), eve.Month(), eve.Day()+2, 0, 0, 0, 0, eve.Location()).Format("2006-01-02 15:04 MST"), "", 1, true},
		{"status shows the error", []string{"status"}, nil,
			0, "502 Bad Gateway: the hook says no", "", 1, true},
		{"a later check sends what was left pending", []string{"check", "--at", at(1, "18:30")},
			fail(0),
			0, "team/hook: sent after 2 attempt(s)", "", 2, false},
		{"a refusing channel fails the message", []string{"check", "--at", at(2, "18:00")},
			fail(http.StatusUnauthorized),
			1, "team/hook: failed after 1 attempt(s): webhook: post message: http 401 Unauthorized: the hook says no", "1 of 1 message(s) not sent", 2, false},
		{"status shows the failure and why", []string{"status"}, nil,
			0, "failed (1)\n  #3  failed", "", 2, true},
		{"status shows why it failed", []string{"status"}, nil,
			0, "401 Unauthorized: the hook says no", "", 2, true},
		{"a failed message is not tried again", []string{"check", "--at", at(2, "18:30")},
			fail(0),
			0, "nothing to announce", "", 2, false},
		{"a bad --at", []string{"check", "--at", "tomorrow"}, nil,
			2, "", `--at: "tomorrow" is neither a date such as 2026-04-29 (each subscriber's check time that day) nor an RFC 3339 time`, 2, true},
		{"healthcheck without a listener", []string{"healthcheck"}, nil,
			1, "", "http.listen is off", 2, true},
	}
	for _, tt := range tests {
		if tt.before != nil {
			tt.before()
		}
		before := snapshot(t, filepath.Join(dir, "state"))
		var stdout, stderr bytes.Buffer
		code := run(append(tt.args, "--config", cfg), &stdout, &stderr)
		if after := snapshot(t, filepath.Join(dir, "state")); tt.same && !maps.Equal(before, after) {
			t.Errorf("%s: hoursd %s changed the state dir: %d files before, %d after (or their content)", tt.name, strings.Join(tt.args, " "), len(before), len(after))
		}
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) || n != tt.posts {
			t.Errorf("%s: hoursd %s = exit %d, %d posts\nstdout: %s\nstderr: %s\nwant exit %d, %d posts, stdout with %q, stderr with %q",
				tt.name, strings.Join(tt.args, " "), code, n, stdout.String(), stderr.String(), tt.code, tt.posts, tt.stdout, tt.stderr)
		}
	}
	if len(posts) == 2 && (!strings.Contains(posts[0], "Inventering") || !strings.Contains(posts[1], "Flytt")) {
		t.Errorf("the webhook got %q, want Inventering and then Flytt announced", posts)
	}
}

// snapshot maps each file under dir to its content; an absent dir is empty.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = string(b)
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func TestHealthcheck(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   int
		out    string
	}{
		{"healthy", 200, "ok\n", 0, "ok"},
		{"unhealthy", 503, "unhealthy: last check: check anna: boom\n", 1, "hoursd: unhealthy: last check: check anna: boom (HTTP 503)"},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tt.status)
			fmt.Fprint(w, tt.body)
		}))
		var stdout, stderr bytes.Buffer
		code := run([]string{"healthcheck", "--url", srv.URL + "/healthz"}, &stdout, &stderr)
		srv.Close()
		if got := strings.TrimSpace(stdout.String() + stderr.String()); code != tt.code || got != tt.out {
			t.Errorf("%s: hoursd healthcheck = exit %d %q, want exit %d %q", tt.name, code, got, tt.code, tt.out)
		}
	}
}

// TestSecretsStayOut runs a check at log level debug against channels whose
// URLs carry secrets and that fail: one answers 503 and echoes the path it
// was asked for, one refuses connections (Go's errors then quote the whole
// URL). Neither the log, nor the output, nor status, nor the state file
// holds a secret.
func TestSecretsStayOut(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no route for POST "+r.URL.String(), http.StatusServiceUnavailable)
	}))
	defer echo.Close()
	refused := freeAddr(t) // nothing listens there any more
	// The check runs --at an evening ten days ahead, as TestCheckAndStatus
	// does: the test needs no real evening and no skip near midnight.
	eve, day, _ := eveAhead(t)
	tomorrow := day(1)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
log: {level: debug}
http: {listen: ""}
schedules:
  - id: desk
    weekly: {mon-sun: ["08:00-16:00"]}
    exceptions: [{date: %s, closed: true}]
channels:
  - {id: hook, type: webhook, url: "%s/hook/SECRETPATH?token=SECRETTOKEN"}
  - {id: team, type: discord, webhook_url: "http://%s/api/webhooks/123/SECRETDISCORD"}
subscribers:
  - {id: team, schedules: [desk], targets: [{channel: hook}, {channel: team}]}
`, filepath.Join(dir, "state"), tomorrow, echo.URL, refused))

	var out bytes.Buffer
	if code := run([]string{"check", "--at", eve.Format(time.RFC3339), "--retry-for", "0", "--config", cfg}, &out, &out); code != 1 {
		t.Errorf("hoursd check with two failing channels = exit %d, want 1\n%s", code, out.String())
	}
	if code := run([]string{"status", "--config", cfg}, &out, &out); code != 0 {
		t.Errorf("hoursd status = exit %d, want 0\n%s", code, out.String())
	}
	for path, content := range snapshot(t, filepath.Join(dir, "state")) {
		out.WriteString(path + ":\n" + content)
	}
	if !strings.Contains(out.String(), "503 Service Unavailable") || !strings.Contains(out.String(), "connection refused") {
		t.Errorf("the output lacks the two failures:\n%s", out.String())
	}
	for _, secret := range []string{"SECRETPATH", "SECRETTOKEN", "SECRETDISCORD", "webhooks/123"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("%s appears in the log, output or state:\n%s", secret, out.String())
		}
	}
}
