package daemon

import (
	"context"
	"sync"
)

// MaxInFlight bounds the targets hoursd sends to at once: a check for a
// hundred thousand targets holds that many connections, not a hundred
// thousand. It is the one bound on sends in hoursd (notifier.Send serves one
// target and starts nothing beside it).
const MaxInFlight = 64

// outbox sends what the state's outbox holds. It owns the bound on sends in
// flight (slots) and the rule that each target has one sender at a time,
// which sends the target's pending messages oldest first: a correction must
// never overtake the announcement it corrects while that one waits to be
// retried. The messages themselves, and which are pending for whom, are in
// the store's outbox and its index.
type outbox struct {
	store backend
	slots chan struct{}

	// life is the lifetime of the daemon's own sends (the start's, cron's
	// checks', a reload's catch-up): it outlives Run's context by the
	// shutdown grace, so that sends under way can finish, and abandon ends
	// it. It is kept here rather than passed down because a reload, which
	// comes from outside Run, starts sends in it too. hoursd check's sends
	// run in the command's own context instead.
	life    context.Context
	abandon context.CancelFunc

	mu sync.Mutex
	// inflight are the targets being served, each by one goroutine; true
	// once another serve found the target taken (it had messages for it).
	inflight map[string]bool
}

func newOutbox(st backend, inFlight int) *outbox {
	o := &outbox{store: st, slots: make(chan struct{}, inFlight), inflight: map[string]bool{}}
	o.life, o.abandon = context.WithCancel(context.Background())
	return o
}

// sendFunc sends one message with its retries and records the outcome; ok
// is false when it could not (a panic), and the target is then left for
// later like one whose message stays pending.
type sendFunc func(ctx context.Context, dl Delivery) (out Delivery, ok bool)

// serve sends the pending messages of targets and returns when each has
// been served: drained, or left with a message that stays pending (its
// channel is down: the later ones wait behind it, for the next check or
// start). A target another goroutine already serves is left to it — that
// one takes every message pending for the target before it lets go. done
// hears every message sent, failed or left pending.
//
// At most cap(slots) targets are served at once; a goroutine is started
// only once its slot is free, so a hundred thousand targets do not make a
// hundred thousand goroutines. A target waiting to retry gives its slot back
// meanwhile (see idle), so targets whose channel is down do not hold up the
// others for a day.
func (o *outbox) serve(ctx context.Context, targets []string, send sendFunc, done func(Delivery)) {
	var wg sync.WaitGroup
	for _, target := range targets {
		if ctx.Err() != nil {
			break // what is left stays pending for the next start or check
		}
		if !o.claim(target) {
			continue
		}
		select {
		case o.slots <- struct{}{}:
		case <-ctx.Done():
			o.release(target)
			continue // its messages stay pending for the next start
		}
		wg.Go(func() {
			defer func() { <-o.slots }()
			var last uint64
			for {
				var stuck bool
				last, stuck = o.drain(ctx, target, last, send, done)
				asked := o.release(target)
				// A message queued just as this target was let go, whose
				// own serve found it taken, would otherwise wait for the
				// next check; when no serve asked for the target
				// meanwhile, there is none, and no look is needed. Behind
				// a message that stays pending, the later ones wait for
				// the next check in any case.
				if stuck || !asked || ctx.Err() != nil {
					return
				}
				if next, err := o.store.nextPending(target, last); err != nil || next == nil || !o.claim(target) {
					return
				}
			}
		})
	}
	wg.Wait()
}

// drain sends the target's pending messages after the one with id last, in
// the order they were queued, until none is left or one stays pending
// (stuck). It returns the last message it took: each message once per
// drain, even if recording its outcome failed.
func (o *outbox) drain(ctx context.Context, target string, last uint64, send sendFunc, done func(Delivery)) (uint64, bool) {
	for {
		dl, err := o.store.nextPending(target, last)
		if err != nil {
			return last, true
		}
		if dl == nil {
			return last, false
		}
		if ctx.Err() != nil {
			return last, true // not sent, and its last error left as it was
		}
		last = dl.ID
		out, ok := send(ctx, *dl)
		done(out)
		if !ok || out.State == StatePending || ctx.Err() != nil {
			return last, true
		}
		if dl.lastOfTarget {
			return last, false
		}
	}
}

// idle runs wait (a pause between retries) without holding a slot: the
// caller holds one, gives it back while it waits, and takes one again
// before it goes on (also when ctx ended: serve's deferred release gives
// it back, and every other holder is on its way out then too).
func (o *outbox) idle(wait func() error) error {
	<-o.slots
	defer func() { o.slots <- struct{}{} }()
	return wait()
}

// claim makes the caller the one sender of a target's messages.
func (o *outbox) claim(target string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, busy := o.inflight[target]; busy {
		o.inflight[target] = true
		return false
	}
	o.inflight[target] = false
	return true
}

// release lets the target go, and says whether another serve asked for it
// while it was held.
func (o *outbox) release(target string) (asked bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	asked = o.inflight[target]
	delete(o.inflight, target)
	return asked
}

// serving lists the targets being served now.
func (o *outbox) serving() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.inflight))
	for t := range o.inflight {
		out = append(out, t)
	}
	return out
}
