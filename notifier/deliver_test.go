package notifier

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// script is a Sender that answers each attempt with the next error of its
// script (nil: accepted), repeating the last one.
type script struct {
	mu    sync.Mutex
	errs  []error
	calls int
}

func (s *script) Send(ctx context.Context, subject, body string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.errs) == 0 {
		return nil
	}
	err := s.errs[min(s.calls, len(s.errs))-1]
	return err
}

// fakeTime is a Policy clock: Sleep records the delay and advances Now.
type fakeTime struct {
	mu     sync.Mutex
	now    time.Time
	delays []time.Duration
}

func (f *fakeTime) policy(deadline time.Duration) Policy {
	f.now = time.Date(2026, 4, 29, 18, 0, 0, 0, time.UTC)
	p := Policy{
		Timeout: time.Second, Backoff: 2 * time.Second, MaxBackoff: time.Minute,
		Now:    func() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now },
		Jitter: func() float64 { return 0 },
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.delays = append(f.delays, d)
			f.now = f.now.Add(d)
			return nil
		},
	}
	if deadline != 0 {
		p.Deadline = f.now.Add(deadline)
	}
	return p
}

var (
	errBusy    = Transient(errors.New("http 503"), 0)
	errLimited = Transient(errors.New("http 429"), 7*time.Second)
	errBadUser = errors.New("pushover: user key is invalid")
)

func TestSendRetries(t *testing.T) {
	tests := []struct {
		name          string
		errs          []error
		deadline      time.Duration
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
	}{
		{"success", nil, time.Hour, true, 1, false, nil},
		{"transient then success", []error{errBusy, errBusy, nil}, time.Hour, true, 3, false,
			[]time.Duration{time.Second, 2 * time.Second}}, // backoff 2s, 4s with zero jitter: half of each
		{"retry-after honoured", []error{errLimited, nil}, time.Hour, true, 2, false, []time.Duration{7 * time.Second}},
		{"permanent not retried", []error{errBadUser}, time.Hour, false, 1, true, nil},
		{"no deadline: one attempt", []error{errBusy}, 0, false, 1, false, nil},
		{"gives up at the deadline", []error{errBusy}, 10 * time.Second, false, 4, false,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}}, // after 7s of waiting the next wait (8s) would end after 10s
		{"deadline already passed: no attempt", nil, -time.Minute, false, 0, false, nil},
		{"network error is transient", []error{&timeoutError{}, nil}, time.Hour, true, 2, false, []time.Duration{time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{errs: tt.errs}
			var ft fakeTime
			o := Send(t.Context(), Target{ID: "anna/mail/0", Sender: s}, Message{Subject: "s", Body: "b"}, ft.policy(tt.deadline))
			if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || o.Permanent != tt.wantPermanent {
				t.Errorf("Send() = sent %v, %d attempts, permanent %v (err %v), want sent %v, %d attempts, permanent %v",
					o.Sent, o.Attempts, o.Permanent, o.Err, tt.wantSent, tt.wantAttempts, tt.wantPermanent)
			}
			if tt.wantSent != (o.Err == nil) {
				t.Errorf("Send() err = %v with sent %v", o.Err, o.Sent)
			}
			if !slices.Equal(ft.delays, tt.wantDelays) {
				t.Errorf("Send() waited %v, want %v", ft.delays, tt.wantDelays)
			}
		})
	}
}

type timeoutError struct{}

func (*timeoutError) Error() string   { return "dial tcp: i/o timeout" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return true }

func TestSendBackoffJitter(t *testing.T) {
	p := Policy{Backoff: 2 * time.Second, MaxBackoff: 10 * time.Second, Jitter: func() float64 { return 0.999 }}.withDefaults()
	tests := []struct {
		failed   int
		min, max time.Duration
	}{
		{1, time.Second, 2 * time.Second},
		{2, 2 * time.Second, 4 * time.Second},
		{3, 4 * time.Second, 8 * time.Second},
		{4, 5 * time.Second, 10 * time.Second}, // capped
		{40, 5 * time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		if d := p.delay(tt.failed, 0); d < tt.min || d > tt.max {
			t.Errorf("delay after %d failures = %v, want within [%v, %v]", tt.failed, d, tt.min, tt.max)
		}
	}
}

// hang is a Sender that ignores its context and returns only when released,
// like a library with no timeout talking to a server that never answers.
type hang struct{ release chan struct{} }

func (h hang) Send(context.Context, string, string) error { <-h.release; return nil }

func TestSendTimeoutHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := hang{release: make(chan struct{})}
		defer close(h.release)
		start := time.Now()
		o := Send(t.Context(), Target{ID: "team/webhook/0", Sender: h}, Message{Subject: "s", Body: "b"}, Policy{Timeout: 30 * time.Second})
		if took := time.Since(start); took != 30*time.Second {
			t.Errorf("Send() to a hanging target took %v, want the 30s timeout", took)
		}
		if o.Sent || o.Permanent || o.Err == nil || o.Err.Error() != "send timed out after 30s" {
			t.Errorf("hanging target: %+v, want a transient timeout", o)
		}
		if retry, _ := IsTransient(o.Err); !retry {
			t.Errorf("timeout %v is not transient", o.Err)
		}
	})
}

func TestSendCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		h := hang{release: make(chan struct{})}
		defer close(h.release)
		time.AfterFunc(time.Second, cancel)
		o := Send(ctx, Target{ID: "a", Sender: h}, Message{}, Policy{Deadline: time.Now().Add(time.Hour)})
		if o.Sent || o.Attempts != 1 || !errors.Is(o.Err, context.Canceled) {
			t.Errorf("Send() after cancel = %+v, want one attempt ending in context.Canceled", o)
		}
	})
}

type panicky struct{}

func (panicky) Send(context.Context, string, string) error { panic("nil map") }

func TestSendBadTargets(t *testing.T) {
	for _, tg := range []Target{{ID: "nil"}, {ID: "panic", Sender: panicky{}}} {
		if o := Send(t.Context(), tg, Message{}, Policy{}); o.Sent || !o.Permanent || o.Err == nil {
			t.Errorf("Send(%s) = %+v, want a permanent failure", o.Target, o)
		}
	}
}

func TestRedact(t *testing.T) {
	const hook = "https://discord.com/api/webhooks/123/s3cr3t-t0ken"
	base := fmt.Errorf("post %q: %w", hook, context.DeadlineExceeded)
	tests := []struct {
		name      string
		err       error
		transient bool
		after     time.Duration
	}{
		{"plain", errors.New("bad request to " + hook), false, 0},
		{"transient keeps retry-after", Transient(fmt.Errorf("429 from %s", hook), 3*time.Second), true, 3 * time.Second},
		{"deadline", base, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Redact(tt.err, hook, "s3cr3t-t0ken")
			if got := r.Error(); containsAny(got, hook, "s3cr3t") {
				t.Errorf("Redact() = %q, still holds the secret", got)
			}
			retry, after := IsTransient(r)
			if retry != tt.transient || after != tt.after {
				t.Errorf("IsTransient(Redact()) = %v, %v, want %v, %v", retry, after, tt.transient, tt.after)
			}
			for e := errors.Unwrap(r); e != nil; e = errors.Unwrap(e) {
				if containsAny(e.Error(), "s3cr3t") {
					t.Errorf("unwrapped error %q holds the secret", e)
				}
			}
		})
	}
	if !errors.Is(Redact(base, hook), context.DeadlineExceeded) {
		t.Errorf("Redact() lost context.DeadlineExceeded")
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// late is a Sender that ignores its context and accepts the message only
// after a while, like a library without a timeout talking to a slow server.
type late struct {
	after          time.Duration
	calls, running atomic.Int64
}

func (l *late) Send(context.Context, string, string) error {
	l.calls.Add(1)
	l.running.Add(1)
	defer l.running.Add(-1)
	time.Sleep(l.after) // simulated time: the tests run it in a synctest bubble
	return nil
}

// honest hangs until its context ends, as every channel package does.
type honest struct{ calls, running atomic.Int64 }

func (h *honest) Send(ctx context.Context, _, _ string) error {
	h.calls.Add(1)
	h.running.Add(1)
	defer h.running.Add(-1)
	<-ctx.Done()
	return ctx.Err()
}

// TestDeliverSendThatOutlivesItsTimeout checks that a target never has two
// sends at once and what is left running when Deliver returns. The bubble
// is also a leak check: synctest.Test fails if any goroutine Deliver started
// is still blocked when the test function ends.
func TestSendSendThatOutlivesItsTimeout(t *testing.T) {
	tests := []struct {
		name         string
		sender       Sender
		wantSent     bool
		wantAttempts int
		wantCalls    int64
		wantLeft     int64 // sends still running when Deliver has returned
	}{
		// Times out at 30s, is waited for again after the 1s backoff and
		// gets through at 45s: sent once, never a second copy beside it.
		{"late success is not sent twice", &late{after: 45 * time.Second}, true, 1, 1, 0},
		// Never returns within the 10 minutes: still one send, one goroutine.
		{"hung send is not started again", &late{after: time.Hour}, false, 1, 1, 1},
		// Honours its context: a fresh attempt every 31s (30s timeout, 1s
		// backoff) until the 10 minutes are up, nothing left over.
		{"honest sender retried until the deadline", &honest{}, false, 20, 20, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := Policy{Timeout: 30 * time.Second, Deadline: time.Now().Add(10 * time.Minute),
					Backoff: 2 * time.Second, MaxBackoff: 2 * time.Second, Jitter: func() float64 { return 0 }}
				o := Send(t.Context(), Target{ID: "anna/mail/0", Sender: tt.sender}, Message{}, p)
				// Every goroutine of the bubble that can still finish
				// does so before Wait returns; what is left is stuck.
				synctest.Wait()
				var calls, left int64
				switch s := tt.sender.(type) {
				case *late:
					calls, left = s.calls.Load(), s.running.Load()
				case *honest:
					calls, left = s.calls.Load(), s.running.Load()
				}
				if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || calls != tt.wantCalls {
					t.Errorf("Send() = sent %v, %d attempts, %d sends (err %v), want sent %v, %d attempts, %d sends",
						o.Sent, o.Attempts, calls, o.Err, tt.wantSent, tt.wantAttempts, tt.wantCalls)
				}
				if left != tt.wantLeft {
					t.Errorf("sends left running after Send = %d, want %d", left, tt.wantLeft)
				}
				time.Sleep(time.Hour) // let a hung send end inside the bubble
			})
		})
	}
}
