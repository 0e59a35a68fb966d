package notifier

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Defaults of a Policy's zero fields.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultBackoff    = 2 * time.Second
	DefaultMaxBackoff = 10 * time.Minute
)

// sleep waits for d or until ctx ends; it is Policy.Sleep's real default.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p Policy) withDefaults() Policy {
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.Backoff <= 0 {
		p.Backoff = DefaultBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	return p
}

// delay is how long to wait before attempt number n+1 after n failed ones:
// exponential backoff with "equal jitter" — half fixed, half random — so that
// hundreds of targets failing together do not come back together, and never
// sooner than the service asked for (Retry-After and the like). A service
// that keeps answering "retry in 5 s" (Pushover's 5xx) is thus asked less
// and less often, not every 5 s for a day.
func (p Policy) delay(n int, retryAfter time.Duration) time.Duration {
	return max(retryAfter, p.backoff(n))
}

// backoff is the jittered exponential wait after n failed attempts.
func (p Policy) backoff(n int) time.Duration {
	d := p.Backoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	return d/2 + time.Duration(p.Jitter()*float64(d/2))
}

// Send sends msg to one target, retrying transient failures until
// Policy.Deadline, and returns its outcome. It starts no other send: how many
// targets are served at once is the caller's business (the daemon's outbox
// bounds it), and the caller's Policy.Sleep is where a caller that holds a
// slot gives it back while the target waits to retry.
//
// Every attempt is bounded by Policy.Timeout even if the Sender ignores its
// context: the send runs in its own goroutine and Send stops waiting at the
// timeout (the channel packages set their own network timeouts, so such a
// goroutine ends soon after). A send that outlives its timeout is never
// started again beside itself: the retry waits for it instead, so a target
// has at most one send in flight and a late success is not sent twice.
// Permanent failures are not retried.
func Send(ctx context.Context, t Target, msg Message, p Policy) Outcome {
	p = p.withDefaults()
	o := Outcome{Target: t.ID}
	if t.Sender == nil {
		o.Err, o.Permanent = fmt.Errorf("deliver to %s: no sender", t.ID), true
		return o
	}
	if err := ctx.Err(); err != nil {
		o.Err = fmt.Errorf("deliver to %s: %w", t.ID, err)
		return o
	}
	if !p.Deadline.IsZero() && p.Now().After(p.Deadline) {
		// The message is about a day that has begun: too late to tell anyone.
		o.Err = fmt.Errorf("deliver to %s: the delivery deadline %s has passed", t.ID, p.Deadline.Format(time.RFC3339))
		return o
	}
	var pending <-chan error // an attempt that timed out and has not returned yet
	for {
		var err error
		if pending != nil {
			// A send that ignored its timeout is still running. Starting
			// another beside it could deliver the message twice (the first
			// may yet get through) and would pile up goroutines, so wait
			// for that one again instead, as long as an attempt may take.
			pending, err = await(ctx, pending, p.Timeout)
			if pending == nil && err == nil {
				o.Sent, o.Err = true, nil
				return o
			}
		}
		if pending == nil {
			o.Attempts++
			if pending, err = attempt(ctx, t.Sender, msg, p.Timeout); err == nil {
				o.Sent, o.Err = true, nil
				return o
			}
		}
		o.Err = err
		if ctx.Err() != nil {
			return o
		}
		retry, after := IsTransient(err)
		if !retry {
			o.Permanent = true
			return o
		}
		d := p.delay(o.Attempts, after)
		if p.Deadline.IsZero() || p.Now().Add(d).After(p.Deadline) {
			return o
		}
		if p.Retrying != nil {
			p.Retrying(o.Attempts, err, d)
		}
		if p.Sleep(ctx, d) != nil || p.Now().After(p.Deadline) {
			return o
		}
	}
}

// attempt is one send bounded by timeout, whether or not s honours ctx.
// When the timeout ends the wait but not the send, the send's result
// channel is returned as pending, so that the caller neither forgets it nor
// starts a second send beside it.
func attempt(ctx context.Context, s Sender, msg Message, timeout time.Duration) (pending <-chan error, err error) {
	actx, cancel := context.WithTimeout(ctx, timeout)
	done := make(chan error, 1) // buffered: an abandoned send must not block forever
	go func() {
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("sender panicked: %v", r)
			}
		}()
		if ms, ok := s.(MessageSender); ok {
			done <- ms.SendMessage(actx, msg)
			return
		}
		done <- s.Send(actx, msg.Subject, msg.Body)
	}()
	return await(ctx, done, timeout)
}

// await waits up to timeout for a send's result. A send still running at
// the end is returned as pending, with a transient timeout error.
func await(ctx context.Context, done <-chan error, timeout time.Duration) (pending <-chan error, err error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, Transient(fmt.Errorf("send timed out after %s: %w", timeout, err), 0)
		}
		return nil, err
	case <-ctx.Done():
		return done, ctx.Err()
	case <-t.C:
		return done, Transient(fmt.Errorf("send timed out after %s", timeout), 0)
	}
}
