package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/daemon"
)

// TestDryRunBesideTheDaemon runs `hoursd check --dry-run` while a daemon,
// started in this process, holds the state: the command asks the daemon
// over http.listen and prints what it prints beside a stopped daemon. The
// days it announces are ten to twelve days from now, as in
// TestCheckAndStatus, so that the real check before it sends them.
func TestDryRunBesideTheDaemon(t *testing.T) {
	_, day, at := eveAhead(t)
	var posts atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { posts.Add(1) }))
	defer hook.Close()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	configFile := func(name, listen string) string {
		path := filepath.Join(dir, name)
		// The daemon's own check is a year away: during the test only the
		// commands touch the state.
		writeFile(t, path, fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
http: {listen: "%s"}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-sun: ["08:00-16:00"]}
    exceptions:
      - {date: %s, closed: true, name: Inventering}
      - {date: %s, closed: true, name: Flytt}
channels:
  - {id: hook, type: webhook, url: "%s"}
subscribers:
  - {id: team, language: sv, check: "@every 8760h", schedules: [kundcenter], targets: [{channel: hook}]}
`, state, listen, day(1), day(2), hook.URL))
		return path
	}
	listen := freeAddr(t)
	withListener, without := configFile("listen.yaml", listen), configFile("nolisten.yaml", "")
	hoursd := func(cfg string, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(append(args, "--config", cfg), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	// The state before the daemon starts: Inventering was announced.
	if code, out, errOut := hoursd(withListener, "check", "--at", at(0, "18:00")); code != 0 || posts.Load() != 1 {
		t.Fatalf("hoursd check = exit %d, %d post(s)\n%s%s\nwant Inventering sent", code, posts.Load(), out, errOut)
	}
	type result struct {
		code   int
		stdout string
	}
	alone := map[string]result{}
	instants := []string{at(0, "18:30"), at(1, "18:00")}
	for _, tm := range instants {
		code, out, errOut := hoursd(withListener, "check", "--dry-run", "--at", tm)
		if code != 0 || errOut != "" {
			t.Fatalf("hoursd check --dry-run --at %s beside no daemon = exit %d\n%s%s", tm, code, out, errOut)
		}
		alone[tm] = result{code, out}
	}

	cfg, err := config.Load(withListener)
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	dmn, err := daemon.New(cfg, daemon.Options{
		Notify: func(s string) error {
			if s == "READY=1" {
				close(ready)
			}
			return nil
		},
		Watchdog: func() (time.Duration, error) { return 0, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer dmn.Close()
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan error, 1)
	go func() { stopped <- dmn.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Errorf("the daemon stopped with %v", err)
		}
	}()
	select {
	case <-ready:
	case err := <-stopped:
		t.Fatalf("the daemon stopped before it was ready: %v", err)
	}

	asked := fmt.Sprintf("hoursd: the state is held by the running daemon (pid %d); asking it for the dry run at http://%s/dry-run\n", os.Getpid(), listen)
	inUse := fmt.Sprintf("is in use by another hoursd (pid %d)", os.Getpid())
	tests := []struct {
		name   string
		config string
		args   []string
		code   int
		stdout string // all of stdout; for a dry run, what it printed alone
		stderr string // contained in stderr
	}{
		{"Inventering was told already", withListener, []string{"check", "--dry-run", "--at", instants[0]},
			0, alone[instants[0]].stdout, asked},
		{"the eve of the Flytt", withListener, []string{"check", "--dry-run", "--at", instants[1]},
			0, alone[instants[1]].stdout, asked},
		{"a real check is refused", withListener, []string{"check", "--at", instants[1]},
			1, "", inUse},
		{"a dry run without a listener", without, []string{"check", "--dry-run", "--at", instants[1]},
			1, "", inUse + "; stop it first, or give this one its own state_dir (with http.listen set, hoursd check --dry-run asks the running daemon instead)"},
	}
	for _, tt := range tests {
		before := snapshot(t, state)
		code, out, errOut := hoursd(tt.config, tt.args...)
		if code != tt.code || out != tt.stdout || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("%s: hoursd %s = exit %d\nstdout: %s\nstderr: %s\nwant exit %d, stdout %q, stderr with %q",
				tt.name, strings.Join(tt.args, " "), code, out, errOut, tt.code, tt.stdout, tt.stderr)
		}
		if after := snapshot(t, state); !maps.Equal(before, after) {
			t.Errorf("%s: hoursd %s changed the state", tt.name, strings.Join(tt.args, " "))
		}
	}
	if !strings.Contains(alone[instants[1]].stdout, "── to team/hook (1 change(s))") || !strings.Contains(alone[instants[1]].stdout, "Flytt") {
		t.Errorf("hoursd check --dry-run --at %s printed %q, want the Flytt announced to team/hook", instants[1], alone[instants[1]].stdout)
	}
	if !strings.HasPrefix(alone[instants[0]].stdout, "nothing to announce at "+instants[0]) {
		t.Errorf("hoursd check --dry-run --at %s printed %q, want nothing to announce", instants[0], alone[instants[0]].stdout)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("the webhook got %d posts, want only the real check's one", n)
	}
}
