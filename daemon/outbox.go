package daemon

import (
	"context"
	"slices"
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

	// held are messages a check has just queued, by target, kept until the
	// target's sender takes them (see hold). holdable: the backend reads
	// them (the state file; a replica's claims read the database).
	holdable bool
	held     map[string][]Delivery
	nheld    int
	room     chan struct{} // closed when nheld falls below maxHeld
}

// maxHeld bounds the messages held: a check plans ahead of its sends by
// this much at most (see waitRoom), which keeps them in memory and saves
// the sends reading back what was written a moment before. (A chunk is
// held whole: one that follows quiet chunks, and so is larger, may pass
// the bound until its targets are served.)
const maxHeld = 8 * planChunk

func newOutbox(st backend, inFlight int) *outbox {
	o := &outbox{store: st, slots: make(chan struct{}, inFlight), inflight: map[string]bool{}, held: map[string][]Delivery{}}
	_, o.holdable = st.(*Store)
	o.life, o.abandon = context.WithCancel(context.Background())
	return o
}

// hold keeps messages just queued in memory for their targets' senders,
// which would otherwise read each back from the state file. It is only a
// shortcut: the store's pending index still says which message of a target
// comes next, and a message not held is read from the store. What is held
// for a target is dropped as soon as its sender takes a message (a later
// one waits behind it, perhaps for hours of retries), when another sender
// has the target, and when the serve that was given the target ends (each
// hold is followed by a serve of its targets): only targets on their way
// to a slot hold room.
func (o *outbox) hold(msgs []Delivery) {
	if !o.holdable {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range msgs {
		o.held[m.Target] = append(o.held[m.Target], m)
		o.nheld++
	}
}

// heldFor is the target's lookup of held messages for nextPending: it
// takes the message with that id, if held.
func (o *outbox) heldFor(target string) func(uint64) *Delivery {
	if !o.holdable {
		return nil
	}
	return func(id uint64) *Delivery {
		o.mu.Lock()
		defer o.mu.Unlock()
		for i, m := range o.held[target] {
			if m.ID == id {
				o.dropLocked(target, i, i+1)
				return &m
			}
		}
		return nil
	}
}

// drop forgets what is held for targets.
func (o *outbox) drop(targets ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, t := range targets {
		o.dropLocked(t, 0, len(o.held[t]))
	}
}

func (o *outbox) dropLocked(target string, i, j int) {
	l := o.held[target]
	if j <= i {
		return
	}
	if l = slices.Delete(l, i, j); len(l) == 0 {
		delete(o.held, target)
	} else {
		o.held[target] = l
	}
	o.nheld -= j - i
	if o.nheld < maxHeld && o.room != nil {
		close(o.room)
		o.room = nil
	}
}

// waitRoom waits until fewer than maxHeld messages are held (or ctx ends):
// a check plans its next chunk then, so that planning stays a little ahead
// of the sends rather than holding a hundred thousand messages. Each held
// message's target is being served, or waits for a slot in a serve under
// way, and is dropped when that ends; the sends, not this, decide the pace.
func (o *outbox) waitRoom(ctx context.Context) {
	for {
		o.mu.Lock()
		if o.nheld < maxHeld {
			o.mu.Unlock()
			return
		}
		if o.room == nil {
			o.room = make(chan struct{})
		}
		room := o.room
		o.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return
		}
	}
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
	defer o.drop(targets...) // held for a target this serve left to another, or did not reach
	for _, target := range targets {
		if ctx.Err() != nil {
			break // what is left stays pending for the next start or check
		}
		if !o.claim(target) {
			o.drop(target) // its sender reads it from the store
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
				if next, err := o.store.nextPending(target, last, nil); err != nil || next == nil || !o.claim(target) {
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
		dl, err := o.store.nextPending(target, last, o.heldFor(target))
		// What else is held for the target waits behind dl, which may be
		// retried for hours: it is read from the store when its turn
		// comes, and meanwhile makes no check wait for room (waitRoom).
		o.drop(target)
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
