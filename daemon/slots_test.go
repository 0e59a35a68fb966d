package daemon

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// gate is a channel that holds every send until it is opened, counting the
// sends under way.
type gate struct {
	mu       sync.Mutex
	inFlight int
	open     chan struct{}
}

func (g *gate) Send(ctx context.Context, _, _ string) error {
	g.mu.Lock()
	g.inFlight++
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.inFlight--; g.mu.Unlock() }()
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A check for many targets serves at most MaxInFlight of
// them at once, and every one is sent in the end.
func TestSendsAreBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 3 * MaxInFlight
		var targets []string
		for i := range n {
			targets = append(targets, fmt.Sprintf("mail:t%d@example.com", i))
		}
		cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, targets...))
		s := &sim{t: t, clock: &fakeClock{}}
		opts := s.options()
		opts.Now = time.Now
		opts.Watchdog = func() (time.Duration, error) { return 0, nil }
		g := &gate{open: make(chan struct{})}
		opts.SenderFor = func(*config.Config, config.Target) (notifier.Sender, error) { return g, nil }
		d, stop := running(t, cfg, opts)
		time.Sleep(until(t, "2000-01-05 18:00") + time.Second) // Trettondedag jul's eve
		synctest.Wait()
		g.mu.Lock()
		got := g.inFlight
		g.mu.Unlock()
		if got != MaxInFlight {
			t.Errorf("%d sends under way at once, want %d", got, MaxInFlight)
		}
		close(g.open)
		synctest.Wait()
		st, err := d.Status()
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Pending) != 0 {
			t.Errorf("%d messages still pending after the gate opened, want none", len(st.Pending))
		}
		if err := stop(); err != nil {
			t.Fatalf("Run = %v", err)
		}
	})
}
