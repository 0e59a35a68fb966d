package daemon

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// downSender is a channel that is down: every attempt fails transiently and
// is counted.
type downSender struct{ attempts chan<- struct{} }

func (s downSender) Send(context.Context, string, string) error {
	s.attempts <- struct{}{}
	return notifier.Transient(errors.New("503 service unavailable"), 0)
}

// TestStopWhileWaitingToRetry stops hoursd while a message waits between
// retries of a channel that is down: the stop does not wait out the grace
// period (that is for attempts under way), no attempt is made after the
// stop, and the message stays pending for the next start.
func TestStopWhileWaitingToRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com"))
		s := &sim{t: t, clock: &fakeClock{}}
		opts := s.options()
		opts.Now = time.Now
		opts.Sleep = nil // the daemon's own wait, in the bubble's fake time
		opts.Watchdog = func() (time.Duration, error) { return 0, nil }
		opts.ShutdownGrace = 10 * time.Second
		attempts := make(chan struct{}, 100)
		opts.SenderFor = func(*config.Config, config.Target) (notifier.Sender, error) { return downSender{attempts}, nil }
		d, stop := running(t, cfg, opts)
		<-attempts // 5 January 2000, 18:00: Trettondedag jul's eve, the first attempt fails
		synctest.Wait()
		t0 := time.Now()
		if err := stop(); err != nil {
			t.Fatalf("Run = %v", err)
		}
		if waited := time.Since(t0); waited != 0 {
			t.Errorf("Run returned %s after the stop, want at once: nothing was under way", waited)
		}
		if n := len(attempts); n != 0 {
			t.Errorf("%d attempts after the stop, want none", n)
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
