package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// scriptedSender answers its attempts from a script, then accepts.
type scriptedSender struct {
	mu       sync.Mutex
	errs     []error
	subjects []string
	bodies   []string
}

func (s *scriptedSender) Send(_ context.Context, subject, body string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subjects, s.bodies = append(s.subjects, subject), append(s.bodies, body)
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return err
	}
	return nil
}

func TestTestSend(t *testing.T) {
	now := time.Date(2026, 4, 29, 18, 0, 0, 0, time.UTC)
	policy := notifier.Policy{
		Deadline: now.Add(time.Minute), Now: func() time.Time { return now }, Jitter: func() float64 { return 0 },
		Sleep: func(context.Context, time.Duration) error { return nil },
	}
	timeout := func(config.Target) time.Duration { return time.Second }
	tests := []struct {
		name      string
		senders   map[string]*scriptedSender
		buildErr  map[string]error
		wantLines []string
		wantErr   string
		once      bool // --wait 0: no deadline, one attempt
	}{
		{"all sent",
			map[string]*scriptedSender{"mail": {}, "push": {errs: []error{notifier.Transient(errors.New("pushover: http 500"), 0)}}},
			nil,
			[]string{"anna/mail/anna@example.com: sent (1 attempt)", "anna/push/user-3119f2b3: sent (2 attempts)"}, "", false},
		{"one permanent failure",
			map[string]*scriptedSender{"mail": {}, "push": {errs: []error{errors.New("pushover: send message: http 400: user identifier is invalid")}}},
			nil,
			[]string{"anna/mail/anna@example.com: sent (1 attempt)",
				"anna/push/user-3119f2b3: failed, permanently (1 attempt): pushover: send message: http 400: user identifier is invalid"},
			"test-send: 1 of 2 targets of anna failed", false},
		{"sender cannot be built",
			map[string]*scriptedSender{"mail": {}},
			map[string]error{"push": errors.New("build sender for channel push: pushover: token must be an application token of 30 letters and digits")},
			[]string{"anna/mail/anna@example.com: sent (1 attempt)",
				"anna/push/user-3119f2b3: failed, permanently (0 attempts): build sender for channel push: pushover: token must be an application token of 30 letters and digits"},
			"test-send: 1 of 2 targets of anna failed", false},
		{"gives up at the deadline",
			map[string]*scriptedSender{"mail": {errs: slicesRepeat(notifier.Transient(errors.New("email: 451 greylisted"), 0), 100)}, "push": {}},
			nil,
			[]string{"anna/mail/anna@example.com: failed (6 attempts, still failing when --wait ran out): email: 451 greylisted", "anna/push/user-3119f2b3: sent (1 attempt)"},
			"test-send: 1 of 2 targets of anna failed", false},
		{"one attempt with --wait 0",
			map[string]*scriptedSender{"mail": {errs: []error{notifier.Transient(errors.New("email: 451 greylisted"), 0)}}, "push": {}},
			nil,
			[]string{"anna/mail/anna@example.com: failed (1 attempt, not retried with --wait 0; may pass later): email: 451 greylisted", "anna/push/user-3119f2b3: sent (1 attempt)"},
			"test-send: 1 of 2 targets of anna failed", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := &config.Subscriber{ID: "anna", Language: "sv", Targets: []config.Target{
				{Channel: "mail", Address: "anna@example.com"}, {Channel: "push", User: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"}}}
			senderFor := func(t config.Target) (notifier.Sender, error) {
				if err := tt.buildErr[t.Channel]; err != nil {
					return nil, err
				}
				return tt.senders[t.Channel], nil
			}
			// Time in the policy only moves when Sleep says so; make each
			// sleep advance it so the deadline is reached.
			var mu sync.Mutex
			clock := now
			p := policy
			p.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
			p.Sleep = func(_ context.Context, d time.Duration) error {
				mu.Lock()
				clock = clock.Add(d)
				mu.Unlock()
				return nil
			}
			p.Backoff = 2 * time.Second
			if tt.once {
				p.Deadline = time.Time{}
			}

			var out bytes.Buffer
			err := testSend(t.Context(), &out, sub, senderFor, timeout, p)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("testSend() error = %q, want %q", gotErr, tt.wantErr)
			}
			if got := strings.Split(strings.TrimSpace(out.String()), "\n"); strings.Join(got, "\n") != strings.Join(tt.wantLines, "\n") {
				t.Errorf("testSend() printed\n%s\nwant\n%s", out.String(), strings.Join(tt.wantLines, "\n"))
			}
			if s := tt.senders["mail"]; s != nil && len(s.subjects) > 0 {
				if s.subjects[0] != "Testmeddelande från hoursd" || !strings.Contains(s.bodies[0], "till anna via mail") {
					t.Errorf("test message = %q / %q, want the Swedish test subject and a body naming anna and mail", s.subjects[0], s.bodies[0])
				}
			}
		})
	}
}

func slicesRepeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}

// TestTestSendCommand runs the command on a configuration file whose
// channels are local webhooks: one that accepts, one that refuses.
func TestTestSendCommand(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer ok.Close()
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no such hook", 404) }))
	defer gone.Close()
	cfg := fmt.Sprintf(`timezone: Europe/Stockholm
state_dir: %s
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
channels:
  - {id: good, type: webhook, url: "%s/hook/secret-token-1"}
  - {id: bad, type: webhook, url: "%s/hook/secret-token-2"}
subscribers:
  - id: team
    language: en
    schedules: [kundcenter]
    targets: [{channel: good}, {channel: bad}]
  - id: anna
    schedules: [kundcenter]
    targets: [{channel: good}]
`, t.TempDir(), ok.URL, gone.URL)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{"all sent", []string{"test-send", "--subscriber", "anna"}, 0, []string{"anna/good: sent (1 attempt)"}, ""},
		{"one refused", []string{"test-send", "--subscriber", "team", "--wait", "0"}, 1,
			[]string{"team/good: sent (1 attempt)", "team/bad: failed, permanently (1 attempt): webhook: post message: http 404 Not Found: no such hook"},
			"hoursd: test-send: 1 of 2 targets of team failed"},
		{"unknown subscriber", []string{"test-send", "--subscriber", "bob"}, 2, nil,
			`hoursd: test-send: unknown subscriber "bob" (the configuration has: team, anna)`},
		{"no subscriber", []string{"test-send"}, 2, nil, "hoursd: test-send: --subscriber is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append(tt.args, "--config", path), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("hoursd %v exited %d, want %d; stderr: %s", tt.args, code, tt.wantCode, stderr.String())
			}
			for _, l := range tt.wantStdout {
				if !strings.Contains(stdout.String(), l+"\n") {
					t.Errorf("stdout does not have %q:\n%s", l, stdout.String())
				}
			}
			if got := strings.TrimSpace(stderr.String()); got != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", got, tt.wantStderr)
			}
			if strings.Contains(stdout.String()+stderr.String(), "secret-token") {
				t.Errorf("output holds a webhook URL:\n%s%s", stdout.String(), stderr.String())
			}
		})
	}
}
