package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// TestStaleOutboxSnapshot hands the outbox a target whose pending message
// another goroutine has just sent, as a check that read the pending targets
// while the start-up send was finishing would: the message is not sent again.
func TestStaleOutboxSnapshot(t *testing.T) {
	sub := subscriber("anna", []int{1}, "mail:anna@example.com")
	s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t), sub), at(t, "2026-04-29 12:00"))
	s.box.setDown("anna@example.com", true)
	s.runUntil(at(t, "2026-04-29 18:30"), nil)
	targets, n, err := s.d.store.pendingTargets()
	if err != nil || n != 1 || len(targets) != 1 {
		t.Fatalf("pending after a failed send = %d messages to %q (%v), want 1", n, targets, err)
	}
	s.box.setDown("anna@example.com", false)
	send := func(ctx context.Context, dl Delivery) (Delivery, bool) { return s.d.sendRecovering(ctx, dl, -1) }
	s.d.outbox.serve(t.Context(), targets, send, func(Delivery) {}) // the start-up send
	s.d.outbox.serve(t.Context(), targets, send, func(Delivery) {}) // a check with the same, now stale, list
	diff(t, "one pending message handed to send twice", s.box.lines(), []string{
		"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
	})
}

// gateSender holds every send until the gate opens, then delivers it to the
// postbox: a channel slow enough that checks pile up behind it.
type gateSender struct {
	boxSender
	gate <-chan struct{}
}

func (g gateSender) Send(ctx context.Context, subject, body string) error {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.box.clock.Set(time.Now())
	return g.boxSender.Send(ctx, subject, body)
}

// TestOverlappingChecks runs the real loop with a check every two seconds and
// a channel that takes a minute to accept the message (within its timeout): thirty checks
// fire while it hangs, none blocks on it, and the target hears the change
// once. cron runs overlapping jobs of one spec (hoursd adds no Skip or Delay
// wrapper, which would hold every later check behind a send retried for
// days); planning under planMu and claiming each message make that safe.
func TestOverlappingChecks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The bubble starts on Saturday 1 January 2000; Sunday 2 January
		// opens as an exception.
		sunday := schedule.Exception{From: date(t, "2000-01-02"), To: date(t, "2000-01-02"), Hours: hours(t, "10:00-12:00")}
		sub := subscriber("anna", []int{1}, "mail:anna@example.com")
		sub.Check = "@every 2s"
		cfg := testConfig(t.TempDir(), kundcenter2026(t, sunday), sub)
		cfg.Channels[0].Timeout = 5 * time.Minute // one attempt hangs through the minute
		s := &sim{t: t, clock: &fakeClock{}}
		s.box = &postbox{clock: s.clock, down: map[string]bool{}}
		gate := make(chan struct{})
		var mu sync.Mutex
		calls := 0
		opts := s.options()
		opts.Now = time.Now
		opts.Watchdog = func() (time.Duration, error) { return 0, nil }
		opts.SenderFor = func(*config.Config, config.Target) (notifier.Sender, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			return gateSender{boxSender{s.box, "anna@example.com"}, gate}, nil
		}
		d, stop := running(t, cfg, opts)
		time.Sleep(time.Minute)
		st, err := d.Status()
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Pending) != 1 || st.Subscribers[0].LastCheck.Before(time.Now().Add(-2*time.Second)) {
			t.Errorf("after a minute of a hanging send: %d pending, last check %s (now %s), want 1 pending and checks going on",
				len(st.Pending), st.Subscribers[0].LastCheck, time.Now())
		}
		close(gate)
		time.Sleep(10 * time.Second)
		if err := stop(); err != nil {
			t.Fatalf("Run = %v", err)
		}
		diff(t, "checks every 2s behind a hanging send", s.box.lines(), []string{
			"anna@example.com 2000-01-01 | 2000-01-02 day new 10:00-12:00",
		})
		if calls != 1 {
			t.Errorf("the message was handed to its channel %d times, want 1", calls)
		}
	})
}

// brokenSender is a channel configured wrongly in a way that looks
// transient (a URL to a host that is down).
type brokenSender struct{ tries *atomic.Int32 }

func (b brokenSender) Send(context.Context, string, string) error {
	b.tries.Add(1)
	return notifier.Transient(errors.New("connection refused"), 0)
}

// TestReloadDuringRetry fixes a channel's configuration while a message
// waits to be retried: the retries go on with the fixed channel at once,
// rather than with the broken one until the message's day begins.
func TestReloadDuringRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sunday := schedule.Exception{From: date(t, "2000-01-02"), To: date(t, "2000-01-02"), Hours: hours(t, "10:00-12:00")}
		sub := subscriber("anna", []int{1}, "mail:anna@example.com")
		broken := testConfig(t.TempDir(), kundcenter2026(t, sunday), sub)
		broken.Source = "broken"
		fixed := *broken
		fixed.Source = "fixed"
		s := &sim{t: t, clock: &fakeClock{}}
		s.box = &postbox{clock: s.clock, down: map[string]bool{}}
		var tries atomic.Int32
		opts := s.options()
		opts.Now = time.Now
		opts.Sleep = nil // real (bubble) time: the retries wait
		opts.Watchdog = func() (time.Duration, error) { return 0, nil }
		opts.SenderFor = func(c *config.Config, _ config.Target) (notifier.Sender, error) {
			if c.Source == "broken" {
				return brokenSender{&tries}, nil
			}
			s.clock.Set(time.Now())
			return boxSender{s.box, "anna@example.com"}, nil
		}
		d, stop := running(t, broken, opts)
		time.Sleep(until(t, "2000-01-01 18:30")) // the 18:00 check has been retrying for half an hour
		if n := tries.Load(); n < 2 {
			t.Fatalf("the broken channel was tried %d times by 18:30, want retries", n)
		}
		if err := d.Reload(func() (*config.Config, error) { return &fixed, nil }); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		diff(t, "a message retried after a reload fixed its channel", s.box.lines(), []string{
			"anna@example.com 2000-01-01 | 2000-01-02 day new 10:00-12:00",
		})
		if got := s.clock.Now(); !got.Equal(at(t, "2000-01-01 18:30")) {
			t.Errorf("the fixed channel got the message at %s, want 18:30, when the reload came", got)
		}
		if err := stop(); err != nil {
			t.Fatalf("Run = %v", err)
		}
		st, err := d.Status()
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Recent) != 1 || st.Recent[0].State != StateSent {
			t.Errorf("outbox after the reload = %+v, want the message sent", st.Recent)
		}
	})
}

// TestConcurrentChecksTellOnce runs two checks of one subscriber at the same
// instant at once, as a cron check that meets the start's catch-up does:
// whichever plans second finds what the first queued, and the target hears
// the change once.
func TestConcurrentChecksTellOnce(t *testing.T) {
	for range 50 { // the race, when there is one, shows in some of the runs
		sub := subscriber("anna", []int{1}, "mail:anna@example.com")
		s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t), sub), at(t, "2026-04-29 17:00"))
		s.clock.Set(at(t, "2026-04-29 18:00"))
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				s.d.check(t.Context(), s.cfg, subscribersOf(s.cfg, nil), at(t, "2026-04-29 18:00"), checkOptions{retryFor: -1})
			})
		}
		wg.Wait()
		diff(t, "two checks at once", s.box.lines(), []string{
			"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
		})
		s.d.Close()
		if t.Failed() {
			return
		}
	}
}

// A check hands the messages it queued to their senders in memory, and
// plans ahead of its sends by maxHeld messages at most: with three times as
// many targets, a tenth of them down since the check a week before (whose
// message stays pending, and the new one waits behind it), every target up
// hears the change once, the check ends, and nothing is left held.
func TestCheckHoldsBounded(t *testing.T) {
	n := 3*maxHeld + 17
	subs := make([]config.Subscriber, n)
	for i := range subs {
		subs[i] = subscriber(fmt.Sprintf("s%d", i), []int{7, 1}, fmt.Sprintf("mail:s%d@example.com", i))
	}
	s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t), subs...), at(t, "2026-04-23 17:00"))
	for i := 0; i < n; i += 10 {
		s.box.setDown(fmt.Sprintf("s%d@example.com", i), true)
	}
	down := (n + 9) / 10
	if rep := s.d.Check(t.Context(), at(t, "2026-04-23 18:00"), false, -1); rep.Unsent() != down {
		t.Fatalf("a week before: %d message(s) unsent, want %d", rep.Unsent(), down)
	}
	var most atomic.Int64
	send := s.d.opts.Send
	s.d.opts.Send = func(ctx context.Context, t notifier.Target, m notifier.Message, p notifier.Policy) notifier.Outcome {
		s.d.outbox.mu.Lock()
		if h := int64(s.d.outbox.nheld); h > most.Load() {
			most.Store(h)
		}
		s.d.outbox.mu.Unlock()
		return send(ctx, t, m, p)
	}
	s.box.mu.Lock()
	before := len(s.box.got)
	s.box.mu.Unlock()
	rep := s.d.Check(t.Context(), at(t, "2026-04-29 18:00"), false, -1)
	if len(rep.Errors) > 0 {
		t.Fatal(rep.Errors[0])
	}
	sent, pending := 0, 0
	for _, m := range rep.Messages {
		switch m.State {
		case StateSent:
			sent++
		case StatePending:
			pending++
		}
	}
	reached := map[string]bool{}
	s.box.mu.Lock()
	for _, g := range s.box.got[before:] {
		reached[g.target] = true
	}
	s.box.mu.Unlock()
	if sent != n-down || pending != down || len(reached) != n-down {
		t.Errorf("the eve: %d sent, %d pending; %d targets reached; want %d sent and reached, %d pending", sent, pending, len(reached), n-down, down)
	}
	if _, msgs, _ := s.d.store.pendingTargets(); msgs != 2*down {
		t.Errorf("%d message(s) pending in the state, want %d: the week's and the eve's of each target down", msgs, 2*down)
	}
	if m := most.Load(); m == 0 || m > maxHeld+planChunk {
		t.Errorf("at most %d messages held during the check, want some and at most %d", m, maxHeld+planChunk)
	}
	if s.d.outbox.nheld != 0 || len(s.d.outbox.held) != 0 {
		t.Errorf("after the check %d message(s) of %d target(s) are still held", s.d.outbox.nheld, len(s.d.outbox.held))
	}
	// What was sent from memory is what the state holds.
	for _, m := range rep.Messages[:50] {
		cur, err := s.d.store.get(m.ID)
		if err != nil || cur == nil || cur.State != m.State || cur.Target != m.Target || cur.Subject != m.Subject {
			t.Errorf("message %d in the state = %+v, %v; the report says %s to %s", m.ID, cur, err, m.State, m.Target)
		}
	}
}

// On the state file, chunks grow while they queue nothing (a check with
// nothing new commits a few dozen times for a hundred thousand
// subscribers) and shrink back at the first that queues a message.
func TestChunksGrowWhenQuiet(t *testing.T) {
	s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com")), at(t, "2026-04-29 17:00"))
	subs := make([]*config.Subscriber, 100_000)
	loud := map[int]bool{5: true, 6: true} // the chunks that queue messages
	var sizes []int
	total, quiet := 0, false
	for chunk := range s.d.chunksOf(subs, &quiet) {
		quiet = !loud[len(sizes)]
		sizes = append(sizes, len(chunk))
		total += len(chunk)
	}
	if total != len(subs) {
		t.Fatalf("the chunks hold %d subscribers, want %d", total, len(subs))
	}
	want := []int{256, 512, 1024, 2048, 4096, 4096, 256, 256, 512, 1024, 2048, 4096, 4096}
	if len(sizes) < len(want) || !slices.Equal(sizes[:len(want)], want) {
		t.Errorf("chunk sizes %v, want them to begin %v", sizes, want)
	}
	if len(sizes) > 35 {
		t.Errorf("%d chunks for 100,000 subscribers with two that queue, want a few dozen", len(sizes))
	}
}

// Messages held for targets whose channel is down behind an older pending
// message never make a check wait: with more such targets than maxHeld,
// retried for two hours, the targets that are up (last in the list) hear
// the change at once.
func TestHeldNeverStallsPlanning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		down, up := maxHeld+100, 300
		var subs []config.Subscriber
		for i := range down + up {
			subs = append(subs, subscriber(fmt.Sprintf("s%d", i), []int{7, 1}, fmt.Sprintf("mail:s%d@example.com", i)))
		}
		cfg := testConfig(t.TempDir(), kundcenter2026(t), subs...)
		s := &sim{t: t, clock: &fakeClock{}}
		s.box = &postbox{clock: s.clock, down: map[string]bool{}}
		for i := range down {
			s.box.setDown(fmt.Sprintf("s%d@example.com", i), true)
		}
		opts := s.options()
		opts.Now = time.Now // the bubble's clock, in 2000: the days of 2026 lie ahead
		opts.Sleep = func(ctx context.Context, d time.Duration) error {
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		var mu sync.Mutex
		arrived := map[string]time.Time{}
		opts.SenderFor = func(_ *config.Config, tg config.Target) (notifier.Sender, error) {
			return senderFunc(func(ctx context.Context, subject, body string) error {
				if err := (boxSender{s.box, tg.Address}).Send(ctx, subject, body); err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				arrived[tg.Address] = time.Now()
				return nil
			}), nil
		}
		d, err := New(cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if rep := d.Check(t.Context(), at(t, "2026-04-23 18:00"), false, -1); rep.Unsent() != down {
			t.Fatalf("a week before: %d unsent, want %d", rep.Unsent(), down)
		}
		clear(arrived)
		start := time.Now()
		rep := d.Check(t.Context(), at(t, "2026-04-29 18:00"), false, 2*time.Hour)
		if len(rep.Errors) > 0 {
			t.Fatal(rep.Errors[0])
		}
		for i := down; i < down+up; i++ {
			a := fmt.Sprintf("s%d@example.com", i)
			if w, ok := arrived[a]; !ok || w.Sub(start) > time.Minute {
				t.Fatalf("%s heard the eve's change %v after the check began (arrived: %v), want at once: the check waited for targets that were down", a, w.Sub(start), ok)
			}
		}
	})
}

// senderFunc is a notifier.Sender of a function.
type senderFunc func(ctx context.Context, subject, body string) error

func (f senderFunc) Send(ctx context.Context, subject, body string) error {
	return f(ctx, subject, body)
}
