package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// sendRecovering is sendOne with a panic in a channel recorded as a
// transient failure of the message; ok is false then.
func (d *Daemon) sendRecovering(ctx context.Context, dl Delivery, retryFor time.Duration) (out Delivery, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			d.finish(d.log, &dl, StatePending, fmt.Errorf("panic while sending: %v", r), 1)
			out, ok = dl, false
		}
	}()
	return d.sendOne(ctx, d.Config(), dl, retryFor), true
}

// sendOne sends one message to its target with the retries the policy
// allows, and records the outcome.
func (d *Daemon) sendOne(ctx context.Context, cfg *config.Config, dl Delivery, retryFor time.Duration) Delivery {
	log := d.log.With("subscriber", dl.Subscriber, "target", dl.Target, "message", dl.ID)
	now := d.opts.Now()
	if !now.Before(dl.Due) {
		why := "its day began before it could be sent"
		if sameDayMessage(dl) {
			why = "its day ended before it could be sent"
		}
		if dl.LastError == "" {
			why += " (no attempt was made)"
		} else {
			why += " (last error: " + dl.LastError + ")"
		}
		d.finish(log, &dl, StateFailed, errors.New(why), 0)
		return dl
	}
	deadline := dl.Due
	switch {
	case retryFor < 0:
		deadline = time.Time{} // one attempt
	case retryFor > 0 && now.Add(retryFor).Before(dl.Due):
		deadline = now.Add(retryFor)
	}
	attempts := 0
	for {
		// A reload while this message waits to be retried (the user fixed
		// the channel's URL or token) ends the wait, and the retries go on
		// with the channel as now configured; an attempt under way is let
		// finish, so that it is not made twice.
		reloaded := d.reloadSignal()
		sender, timeout, err := d.senderFor(cfg, dl)
		if err != nil {
			d.finish(log, &dl, StateFailed, err, attempts)
			return dl
		}
		p := notifier.Policy{Timeout: timeout, Deadline: deadline, Now: d.opts.Now, Sleep: d.sleeper(reloaded),
			Retrying: d.retrying(log, dl, attempts)}
		o := d.opts.Send(ctx, notifier.Target{ID: dl.Target, Channel: dl.Channel, Sender: sender},
			messageOf(cfg, dl), p) // output.go: the items beside the text, for the webhook
		attempts += o.Attempts
		switch {
		case o.Sent:
			d.finish(log, &dl, StateSent, nil, attempts)
		case o.Permanent:
			d.finish(log, &dl, StateFailed, o.Err, attempts)
		case closed(reloaded) && ctx.Err() == nil && d.opts.Now().Before(dl.Due):
			cfg = d.Config()
			dl.LastError = redact(o.Err)
			log.Info("configuration reloaded; retrying the message with it", "attempts", attempts, "err", dl.LastError)
			continue
		default:
			d.finish(log, &dl, StatePending, o.Err, attempts)
		}
		return dl
	}
}

// retrying records each failed attempt of a message that will be retried,
// as it happens: its count, its time and its error, so that status shows
// why nothing arrived while the retries go on (for hours, when a service is
// down). The writes join the group commit of the other sends' outcomes.
func (d *Daemon) retrying(log *slog.Logger, dl Delivery, before int) func(int, error, time.Duration) {
	return func(n int, err error, wait time.Duration) {
		now, msg := d.opts.Now(), redact(err)
		if rerr := d.store.record(dl.ID, dl.Target, false, deliveryStatus{
			State: StatePending, Attempts: dl.Attempts + before + n, LastError: msg, Updated: now,
		}); rerr != nil {
			log.Warn("recording an attempt failed", "err", rerr)
		}
		log.Info("send failed; retrying", "attempts", dl.Attempts+before+n, "wait", wait.Round(time.Second).String(), "err", msg)
	}
}

// errReloaded ends a wait between retries when the configuration changed.
var errReloaded = errors.New("the configuration was reloaded")

// errStopping ends a wait between retries when hoursd stops: the message
// stays pending and is sent after the next start.
var errStopping = errors.New("hoursd is stopping")

// sleeper is the wait between retries of a send: Options.Sleep (real time
// by default), cut short by a reload or by hoursd stopping.
func (d *Daemon) sleeper(reloaded <-chan struct{}) func(context.Context, time.Duration) error {
	return func(ctx context.Context, wait time.Duration) error {
		switch {
		case closed(d.stopping):
			return errStopping
		case closed(reloaded):
			return errReloaded
		}
		// The outbox's slot is given back while waiting, so that targets
		// whose channel is down do not keep all others waiting for a day.
		return d.outbox.idle(func() error {
			if d.opts.Sleep != nil {
				return d.opts.Sleep(ctx, wait)
			}
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-reloaded:
				return errReloaded
			case <-d.stopping:
				return errStopping
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// senderFor builds the target's sender from the current configuration; a
// target removed since the message was queued has nowhere to go.
func (d *Daemon) senderFor(cfg *config.Config, dl Delivery) (notifier.Sender, time.Duration, error) {
	t, ok := d.targets.of(cfg)[dl.Target]
	if !ok {
		return nil, 0, fmt.Errorf("target %s is no longer in the configuration", dl.Target)
	}
	s, err := d.opts.SenderFor(cfg, *t)
	if err != nil {
		return nil, 0, fmt.Errorf("prepare channel %s: %w", t.Channel, err)
	}
	var timeout time.Duration
	if ch := channelByID(cfg, t.Channel); ch != nil {
		timeout = ch.Timeout
	}
	return s, timeout, nil
}

// targetIndex finds the targets of the configuration in force by their id,
// so that each of a hundred thousand sends does not search the subscribers.
// It is built once per configuration, by the first send that needs it.
type targetIndex struct {
	mu  sync.Mutex
	cfg *config.Config
	by  map[string]*config.Target // into cfg.Subscribers
}

func (x *targetIndex) of(cfg *config.Config) map[string]*config.Target {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cfg != cfg {
		x.cfg, x.by = cfg, map[string]*config.Target{}
		for i := range cfg.Subscribers {
			sub := &cfg.Subscribers[i]
			for j := range sub.Targets {
				x.by[sub.Targets[j].ID(sub.ID)] = &sub.Targets[j]
			}
		}
	}
	return x.by
}

func (d *Daemon) finish(log *slog.Logger, dl *Delivery, st State, err error, attempts int) {
	now := d.opts.Now()
	dl.State, dl.Updated = st, now
	dl.Attempts += attempts
	if err != nil {
		dl.LastError = redact(err)
	}
	if st == StateSent {
		dl.SentAt = now
	}
	if rerr := d.store.record(dl.ID, dl.Target, true, deliveryStatus{
		State: dl.State, Updated: dl.Updated, Attempts: dl.Attempts, LastError: dl.LastError, SentAt: dl.SentAt,
	}); rerr != nil {
		d.noteError(rerr)
		log.Warn("recording a delivery failed", "err", rerr)
	}
	d.opts.Observer.Delivery(dl.Channel, string(st))
	switch st {
	case StateSent:
		log.Info("message sent", "attempts", dl.Attempts)
	case StateFailed:
		log.Warn("message failed", "attempts", dl.Attempts, "err", dl.LastError)
	default:
		log.Warn("message still pending", "attempts", dl.Attempts, "err", dl.LastError)
	}
}

var urlPattern = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"']+`)

// redact makes an error safe to keep and show: channels ought to keep
// secrets out of their errors, but Go's HTTP client puts the whole URL (a
// Discord webhook URL is a secret) into its errors, so every URL is cut to
// its scheme and host.
func redact(err error) string {
	return urlPattern.ReplaceAllStringFunc(err.Error(), func(s string) string {
		u, perr := url.Parse(s)
		if perr != nil || u.Host == "" {
			return "<url>"
		}
		return u.Scheme + "://" + notifier.MaskHost(u.Host) + "/…"
	})
}

func channelByID(cfg *config.Config, id string) *config.Channel {
	for i := range cfg.Channels {
		if cfg.Channels[i].ID == id {
			return &cfg.Channels[i]
		}
	}
	return nil
}
