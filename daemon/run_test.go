package daemon

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// notes records what hoursd told systemd.
type notes struct {
	mu  sync.Mutex
	got []string
}

func (n *notes) notify(s string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, strings.SplitN(s, "\n", 2)[0])
	return nil
}

func (n *notes) list() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.got)
}

// TestRun runs the real loop — cron, its jobs, the watchdog — in a synctest
// bubble, where time is fake and moves only when everything waits. The
// bubble's clock starts at midnight UTC on 1 January 2000.
func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{2, 1}, "mail:anna@example.com"))
		s := &sim{t: t, clock: &fakeClock{}}
		s.box = &postbox{clock: s.clock, down: map[string]bool{}}
		var n notes
		opts := s.options()
		opts.Now = time.Now
		opts.Notify = n.notify
		opts.Watchdog = func() (time.Duration, error) { return 2 * time.Hour, nil }
		var panicked sync.Once
		opts.Render = func(r notifier.Request, tp *notifier.Templates) (notifier.Message, error) {
			s.clock.Set(time.Now())
			panicked.Do(func() { panic("a bug in a template") })
			return testRender(r, tp)
		}
		d, stop := running(t, cfg, opts)
		synctest.Wait()
		if got := n.list(); !slices.Equal(got, []string{"READY=1"}) {
			t.Fatalf("systemd heard %q after start, want READY=1", got)
		}

		// 2000: 5 January 18:00 announces Trettondedag jul (the first
		// check's render panics: 4 January has nothing to render, so
		// make sure the panic is in the 5 January check instead).
		// Trettondedag jul 2000 is a Thursday. The check of Tuesday 4
		// January panics in a template; the next evening's check tells
		// what it would have told. The bubble's time.Sleep is fake time.
		time.Sleep(until(t, "2000-01-04 18:01"))
		if err := d.Health(); err == nil || !strings.Contains(err.Error(), "a bug in a template") {
			t.Errorf("Health() after a check panicked = %v, want the panic reported", err)
		}
		if err := d.Reload(func() (*config.Config, error) { return nil, errors.New("schedules[0]: broken") }); err == nil {
			t.Error("Reload with a broken configuration succeeded")
		}
		time.Sleep(until(t, "2000-01-07 12:00"))
		if err := d.Health(); err != nil {
			t.Errorf("Health() after a good check = %v, want fine", err)
		}
		if err := stop(); err != nil {
			t.Fatalf("Run = %v", err)
		}
		diff(t, "checks of the real loop", s.box.lines(), []string{"anna@example.com 2000-01-05 | 2000-01-06 day new closed"})
		got := n.list()
		if got[0] != "READY=1" || got[len(got)-1] != "STOPPING=1" || !slices.Contains(got, "RELOADING=1") || !slices.Contains(got, "WATCHDOG=1") {
			t.Errorf("systemd heard %q, want READY=1, RELOADING=1, WATCHDOG=1, ..., STOPPING=1", got)
		}
	})
}

// until is how long from the bubble's now to a Stockholm wall time.
func until(t *testing.T, s string) time.Duration {
	t.Helper()
	return time.Until(at(t, s))
}

// hangingSender accepts nothing until its send is cancelled.
type hangingSender struct{ started chan struct{} }

func (h hangingSender) Send(ctx context.Context, _, _ string) error {
	close(h.started)
	<-ctx.Done()
	return ctx.Err()
}

// TestStopWithSendInFlight stops hoursd while a send hangs: Run waits the
// grace period, cancels the send, and returns; the message stays pending for
// the next start.
func TestStopWithSendInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com"))
		s := &sim{t: t, clock: &fakeClock{}}
		opts := s.options()
		opts.Now = time.Now
		opts.Watchdog = func() (time.Duration, error) { return 0, nil }
		opts.ShutdownGrace = 10 * time.Second
		started := make(chan struct{})
		opts.SenderFor = func(*config.Config, config.Target) (notifier.Sender, error) { return hangingSender{started}, nil }
		d, stop := running(t, cfg, opts)
		<-started // 5 January 2000, 18:00: Trettondedag jul's eve
		t0 := time.Now()
		if err := stop(); err != nil {
			t.Fatalf("Run = %v", err)
		}
		if waited := time.Since(t0); waited != 10*time.Second {
			t.Errorf("Run returned %s after the stop, want the 10s grace", waited)
		}
		st, err := d.Status()
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Pending) != 1 || st.Pending[0].Today.String() != "2000-01-05" {
			t.Errorf("pending after the stop = %+v, want the message of 5 January", st.Pending)
		}
	})
}
