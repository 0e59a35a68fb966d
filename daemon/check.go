package daemon

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// window is what one check of one subscriber stands for.
//
// A change on date D is announced with remind offset r at the first check
// whose date T satisfies Last < D−r ≤ T, where Last is the date of the
// subscriber's previous check (at most T−1), and only while D is still open
// (see open). With a check every day this is exactly "D − T = r"; when a
// check did not happen (hoursd was down, or cron skipped a time that a DST
// change removed), the next check announces what the missed one would have.
// A new subscriber starts with Last = T−1, so it hears only what is due
// today, not every change of the past week.
type window struct {
	At    time.Time     // the instant the check stands for
	Today schedule.Date // its date in the config's zone
	Last  schedule.Date // date of the previous check, < Today
	Ahead schedule.Date // only changes after this date are told (≥ Today)
}

func newWindow(at time.Time, loc *time.Location, last *run, now time.Time) window {
	today := schedule.DateOf(at.In(loc))
	w := window{At: at, Today: today, Last: today.AddDays(-1), Ahead: today}
	if last != nil {
		if l := schedule.DateOf(last.At.In(loc)); l.Before(w.Last) {
			w.Last = l
		}
	}
	if n := schedule.DateOf(now.In(loc)); n.After(w.Ahead) {
		w.Ahead = n
	}
	return w
}

// open reports whether a change on d may still be told (announced,
// corrected or cancelled) at this check. A change is open while its day has
// not begun; for a subscriber with 0 in remind (sameDay), who asked to hear
// of a change on the day itself, a change on the check's own date stays open
// while that day lasts. It is the check's own date only when the check is
// not a catch-up run the next day or later (Today = Ahead): a message
// rendered for yesterday's check would call today "tomorrow".
//
// The same rule holds for corrections: a subscriber told in the morning
// that today closes at 11:30 hears at a later check the same day that it
// closes at 13:00 after all; one who is only told the evening before does
// not hear of a correction once the day has begun.
func (w window) open(d schedule.Date, sameDay bool) bool {
	return d.After(w.Ahead) || (sameDay && d == w.Today && w.Today == w.Ahead)
}

// dueOf is the instant after which a message is no longer sent: the start
// of its earliest item's day, or, when that item is on the check's own date
// (a same-day message, see window.open), the start of the next day — a
// same-day message is worth sending until its day ends.
func dueOf(items []notifier.Item, today schedule.Date, loc *time.Location) time.Time {
	first := items[0].Change.Date
	for _, it := range items {
		if it.Change.Date.Before(first) {
			first = it.Change.Date
		}
	}
	if first == today {
		return first.AddDays(1).Time(loc)
	}
	return first.Time(loc)
}

// sameDayMessage reports whether a message announces a change on its
// check's own date, so that its deadline is the end of that day.
func sameDayMessage(dl Delivery) bool {
	return slices.ContainsFunc(dl.Items, func(it notifier.Item) bool { return it.Change.Date == dl.Today })
}

// outgoing is one message to one target, planned but not yet in the outbox,
// with what the target will then have been told.
type outgoing struct {
	Delivery
	target  config.Target
	updates map[annKey]*announcement
}

func scheduleByID(cfg *config.Config, id string) *schedule.Schedule {
	for _, s := range cfg.Schedules {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func channelByID(cfg *config.Config, id string) *config.Channel {
	for i := range cfg.Channels {
		if cfg.Channels[i].ID == id {
			return &cfg.Channels[i]
		}
	}
	return nil
}

type changeKey struct {
	Schedule string
	Date     schedule.Date
	Kind     schedule.Kind
}

// sameContent reports whether a subscriber would read the same news in a and
// b: the hours, the period's end and its weekly hours. A renamed day is not
// worth a correction.
func sameContent(a, b *schedule.Change) bool {
	if !a.Hours.Equal(b.Hours) || a.Until != b.Until {
		return false
	}
	for i := range a.Weekly {
		if !a.Weekly[i].Equal(b.Weekly[i]) {
			return false
		}
	}
	return true
}

// plan works out one subscriber's messages for a check: per target, the
// changes due and the corrections and cancellations of what it was told. It
// reads the store (tx may be nil: nothing was ever told) and writes nothing.
func (d *Daemon) plan(tx *bolt.Tx, cfg *config.Config, sub *config.Subscriber, w window) ([]outgoing, error) {
	remind := remindOf(cfg, sub)
	sameDay := slices.Contains(remind, 0)
	told := make([]map[annKey]*announcement, len(sub.Targets))
	span := slices.Max(remind)
	for i, t := range sub.Targets {
		told[i] = map[annKey]*announcement{}
		if tx == nil {
			continue
		}
		a, err := announcementsOf(tx, sub.ID, t.ID(sub.ID))
		if err != nil {
			return nil, err
		}
		told[i] = a
		for k := range a {
			span = max(span, k.Date.Sub(w.Today))
		}
	}

	// The changes ahead, once for all targets.
	current := map[changeKey]*schedule.Change{}
	type due struct {
		change  *schedule.Change
		offsets []int
	}
	var dues []due
	places := map[string]notifier.Place{}
	for _, id := range sub.Schedules {
		s := scheduleByID(cfg, id)
		if s == nil {
			return nil, fmt.Errorf("subscriber %s: schedule %q is not configured", sub.ID, id)
		}
		places[id] = notifier.Place{ID: s.ID, Title: s.Title, Phone: s.Phone, URL: s.URL}
		// From the check's own date: a same-day change may be open.
		for _, c := range s.Changes(w.Today, span+1) {
			if !w.open(c.Date, sameDay) {
				continue
			}
			current[changeKey{id, c.Date, c.Kind}] = &c
			var offs []int
			for _, r := range remind {
				if at := c.Date.AddDays(-r); at.After(w.Last) && !at.After(w.Today) {
					offs = append(offs, r)
				}
			}
			if len(offs) > 0 {
				dues = append(dues, due{&c, offs})
			}
		}
	}

	var out []outgoing
	for i, t := range sub.Targets {
		tid := t.ID(sub.ID)
		updates := map[annKey]*announcement{}
		var items []notifier.Item
		for _, du := range dues {
			k := annKey{sub.ID, tid, du.change.Schedule, du.change.Date, du.change.Kind}
			prev := told[i][k]
			if prev != nil && prev.Current != nil && sameContent(prev.Current, du.change) && containsAll(prev.Offsets, du.offsets) {
				continue
			}
			next := &announcement{Current: du.change}
			item := notifier.Item{Change: *du.change, Status: notifier.StatusNew}
			if prev != nil {
				next.Offsets = slices.Clone(prev.Offsets)
				if prev.Current != nil && !sameContent(prev.Current, du.change) {
					item.Status, item.Previous = notifier.StatusCorrection, prev.Current
				}
			}
			next.Offsets = union(next.Offsets, du.offsets)
			updates[k] = next
			items = append(items, item)
		}
		items = flipKinds(told[i], updates, items, current, sub, tid, w, sameDay)
		for k, prev := range told[i] {
			if _, done := updates[k]; done || !w.open(k.Date, sameDay) || !slices.Contains(sub.Schedules, k.Schedule) {
				continue
			}
			now := current[changeKey{k.Schedule, k.Date, k.Kind}]
			var item notifier.Item
			switch {
			case now == nil && prev.Current != nil:
				item = notifier.Item{Change: *prev.Current, Status: notifier.StatusCancellation, Previous: prev.Current}
			case now != nil && prev.Current == nil:
				item = notifier.Item{Change: *now, Status: notifier.StatusNew}
			case now != nil && !sameContent(prev.Current, now):
				item = notifier.Item{Change: *now, Status: notifier.StatusCorrection, Previous: prev.Current}
			default:
				continue
			}
			updates[k] = &announcement{Offsets: slices.Clone(prev.Offsets), Current: now}
			items = append(items, item)
		}
		if len(items) == 0 {
			continue
		}
		order := func(id string) int { return slices.Index(sub.Schedules, id) }
		slices.SortFunc(items, func(a, b notifier.Item) int {
			return cmp.Or(cmp.Compare(order(a.Change.Schedule), order(b.Change.Schedule)),
				a.Change.Date.Compare(b.Change.Date), cmp.Compare(a.Change.Kind, b.Change.Kind))
		})
		out = append(out, outgoing{
			Delivery: Delivery{
				Subscriber: sub.ID, Target: tid, Channel: t.Channel,
				CheckedAt: w.At, Today: w.Today, Due: dueOf(items, w.Today, cfg.Location), Items: items,
				State: StatePending,
			},
			target:  t,
			updates: updates,
		})
	}
	if err := d.render(cfg, sub, w.Today, places, out); err != nil {
		return nil, err
	}
	return out, nil
}

// kinds are the kinds of change, in the order a message lists them.
var kinds = []schedule.Kind{schedule.KindDay, schedule.KindPeriodStart, schedule.KindPeriodEnd}

// flipKinds handles a date told as one kind of change that now holds
// another: a closed Monday that became the first day of the summer hours.
// Taken one key at a time, the old change would be cancelled ("regular
// hours after all", which is wrong) and the new one would wait for its next
// remind offset, which may never come. Instead the target hears one
// correction: the date's new change, with what it was told before. This
// runs before the other corrections and cancellations, which then skip
// both keys.
func flipKinds(told, updates map[annKey]*announcement, items []notifier.Item, current map[changeKey]*schedule.Change,
	sub *config.Subscriber, tid string, w window, sameDay bool) []notifier.Item {
	var keys []annKey // in a fixed order: the map's would make two runs differ
	for k, prev := range told {
		if prev.Current != nil && w.open(k.Date, sameDay) && slices.Contains(sub.Schedules, k.Schedule) &&
			current[changeKey{k.Schedule, k.Date, k.Kind}] == nil && updates[k] == nil {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b annKey) int {
		return cmp.Or(cmp.Compare(a.Schedule, b.Schedule), a.Date.Compare(b.Date), cmp.Compare(a.Kind, b.Kind))
	})
	for _, k := range keys {
		prev := told[k]
		for _, kind := range kinds {
			c := current[changeKey{k.Schedule, k.Date, kind}]
			if kind == k.Kind || c == nil {
				continue
			}
			k2 := annKey{sub.ID, tid, k.Schedule, k.Date, kind}
			fixed := false
			if u := updates[k2]; u != nil {
				// Announced in this very message: a new announcement
				// becomes the correction; a correction already says what
				// was told of it, and the old change is cancelled as usual.
				i := slices.IndexFunc(items, func(it notifier.Item) bool {
					return it.Change.Schedule == k.Schedule && it.Change.Date == k.Date && it.Change.Kind == kind
				})
				if i >= 0 && items[i].Status == notifier.StatusNew {
					items[i].Status, items[i].Previous = notifier.StatusCorrection, prev.Current
					fixed = true
				}
			} else if p2 := told[k2]; p2 == nil || p2.Current == nil {
				var offs []int
				if p2 != nil {
					offs = slices.Clone(p2.Offsets)
				}
				updates[k2] = &announcement{Offsets: union(offs, prev.Offsets), Current: c}
				items = append(items, notifier.Item{Change: *c, Status: notifier.StatusCorrection, Previous: prev.Current})
				fixed = true
			}
			if fixed {
				updates[k] = &announcement{Offsets: slices.Clone(prev.Offsets)}
				break
			}
		}
	}
	return items
}

// render fills in subject and body, rendering once for targets that are told
// the same (the usual case: every target of a subscriber hears the same news).
func (d *Daemon) render(cfg *config.Config, sub *config.Subscriber, today schedule.Date, places map[string]notifier.Place, out []outgoing) error {
	lang := cmp.Or(sub.Language, cfg.Defaults.Language, config.DefaultLanguage)
	done := map[string]notifier.Message{}
	for i := range out {
		key, err := json.Marshal(out[i].Items)
		if err != nil {
			return fmt.Errorf("render message for %s: %w", out[i].Target, err)
		}
		msg, ok := done[string(key)]
		if !ok {
			msg, err = d.opts.Render(notifier.Request{
				Language: lang, Today: today, Subscriber: sub.ID, Places: places, Items: out[i].Items,
			}, sub.Templates)
			if err != nil {
				return fmt.Errorf("render message for %s: %w", sub.ID, err)
			}
			done[string(key)] = msg
		}
		out[i].Subject, out[i].Body = msg.Subject, msg.Body
	}
	return nil
}

func containsAll(have, want []int) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func union(a, b []int) []int {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	slices.Sort(a)
	return a
}

// enqueue writes planned messages to the outbox and what their targets will
// have been told to the announcements, in one transaction with the run, so a
// crash leaves either all of it or none. Announcements are recorded when the
// message is queued, not when it is sent: the message is then this change's
// one announcement, and a later check does not queue it a second time while
// the first still waits for its channel.
func (s *Store) enqueue(subscriber string, at time.Time, out []outgoing, now time.Time) ([]Delivery, error) {
	var queued []Delivery
	err := s.db.Update(func(tx *bolt.Tx) error {
		queued = queued[:0]
		ob, ab := tx.Bucket(bucketOutbox), tx.Bucket(bucketAnnouncements)
		for _, o := range out {
			id, err := ob.NextSequence()
			if err != nil {
				return err
			}
			dl := o.Delivery
			dl.ID, dl.Created, dl.Updated = id, now, now
			if err := putJSON(ob, idKey(id), dl); err != nil {
				return err
			}
			for k, a := range o.updates {
				a.Message = id
				if err := putJSON(ab, k.bytes(), a); err != nil {
					return err
				}
			}
			queued = append(queued, dl)
		}
		return putRun(tx, subscriber, at, now, len(queued), nil)
	})
	if err != nil {
		return nil, fmt.Errorf("record check of %s: %w", subscriber, err)
	}
	return queued, nil
}

// putRun records a subscriber's check; a run that stands for an earlier
// instant (hoursd check --at in the past) does not move the record back,
// unless the record lies after now: it was made by a clock that ran ahead,
// and kept, it would hide every missed check until that date.
func putRun(tx *bolt.Tx, subscriber string, at, now time.Time, messages int, checkErr error) error {
	b := tx.Bucket(bucketRuns)
	prev, err := getJSON[run](b, []byte(subscriber))
	if err != nil {
		return err
	}
	r := run{At: at, Ran: now, Messages: messages}
	if checkErr != nil {
		r.Err = checkErr.Error()
	}
	if prev != nil && prev.At.After(at) && !prev.At.After(now) {
		r.At = prev.At
	}
	return putJSON(b, []byte(subscriber), r)
}

// failRun records a check that could not be planned, for status and /healthz.
func (s *Store) failRun(subscriber string, at, now time.Time, checkErr error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRuns)
		prev, err := getJSON[run](b, []byte(subscriber))
		if err != nil {
			return err
		}
		r := run{Ran: now, Err: checkErr.Error()}
		if prev != nil {
			r.At = prev.At // the check did not happen: catch-up may still redo it
		}
		return putJSON(b, []byte(subscriber), r)
	})
}

// send delivers queued messages and records every outcome. Targets are
// served concurrently, at most len(d.slots) at once (one target's trouble
// never delays another's: a target waiting to retry gives its slot back), but
// each target gets its messages one at a time, oldest first, from one
// sender: a correction must not overtake the announcement it corrects while
// that one waits to be retried. A target another goroutine is already
// serving is left to it — it takes every message pending for the target,
// those of ds included, before it lets go. ds is the caller's view; what the
// store says, read after the claim, decides what is sent.
func (d *Daemon) send(ctx context.Context, cfg *config.Config, ds []Delivery, retryFor time.Duration) []Delivery {
	res := slices.Clone(ds)
	at := make(map[uint64]int, len(res)) // index in res by message id
	var targets []string
	seen := map[string]bool{}
	for i, dl := range res {
		at[dl.ID] = i
		if !seen[dl.Target] {
			seen[dl.Target] = true
			targets = append(targets, dl.Target)
		}
	}
	var mu sync.Mutex // guards res
	done := func(dl Delivery) {
		mu.Lock()
		defer mu.Unlock()
		if i, ok := at[dl.ID]; ok {
			res[i] = dl
		}
	}
	var wg sync.WaitGroup
	for _, target := range targets {
		if !d.claim(target) {
			continue
		}
		wg.Go(func() {
			d.slots <- struct{}{}
			defer func() { <-d.slots }()
			for {
				last, stuck := d.drain(ctx, cfg, target, retryFor, done)
				d.release(target)
				// A message queued just as this target was let go, whose
				// own send found it taken, would otherwise wait for the
				// next check. Behind a message that stays pending, the
				// later ones wait for the next check in any case.
				if stuck {
					return
				}
				if next, err := d.store.nextPending(target, last); err != nil || next == nil || !d.claim(target) {
					return
				}
			}
		})
	}
	wg.Wait()
	// Messages served elsewhere, or no longer pending: as the store has them.
	for i := range res {
		if res[i].State == StatePending {
			if cur, err := d.store.get(res[i].ID); err == nil && cur != nil {
				res[i] = *cur
			}
		}
	}
	return res
}

// drain sends the target's pending messages in the order they were
// queued, until none is left or one stays pending (its channel is still
// down: the later ones wait behind it, for the next check or start; stuck
// says so). last is the last message it took.
func (d *Daemon) drain(ctx context.Context, cfg *config.Config, target string, retryFor time.Duration, done func(Delivery)) (last uint64, stuck bool) {
	for {
		// From after the last one: each message once per drain, even if
		// recording its outcome failed.
		dl, err := d.store.nextPending(target, last)
		if err != nil {
			return last, true
		}
		if dl == nil {
			return last, false
		}
		last = dl.ID
		out, ok := d.sendRecovering(ctx, cfg, *dl, retryFor)
		done(out)
		if !ok || out.State == StatePending {
			return last, true
		}
	}
}

// sendRecovering is sendOne with a panic in a channel recorded as a
// transient failure of the message; ok is false then.
func (d *Daemon) sendRecovering(ctx context.Context, cfg *config.Config, dl Delivery, retryFor time.Duration) (out Delivery, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			d.finish(d.log, &dl, StatePending, fmt.Errorf("panic while sending: %v", r), 1)
			out, ok = dl, false
		}
	}()
	return d.sendOne(ctx, cfg, dl, retryFor), true
}

// claim makes this goroutine the one sender of a target's messages.
func (d *Daemon) claim(target string) bool {
	d.inflightMu.Lock()
	defer d.inflightMu.Unlock()
	if _, busy := d.inflight[target]; busy {
		return false
	}
	d.inflight[target] = struct{}{}
	return true
}

func (d *Daemon) release(target string) {
	d.inflightMu.Lock()
	defer d.inflightMu.Unlock()
	delete(d.inflight, target)
}

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
		p := notifier.Policy{Timeout: timeout, Deadline: deadline, Now: d.opts.Now, Sleep: d.sleeper(reloaded)}
		out := d.opts.Deliver(ctx, []notifier.Target{{ID: dl.Target, Channel: dl.Channel, Sender: sender}},
			notifier.Message{Subject: dl.Subject, Body: dl.Body}, p)
		o := notifier.Outcome{Target: dl.Target, Err: errors.New("no outcome from delivery")}
		if len(out) == 1 {
			o = out[0]
		}
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
		// The slot of send() is given back while waiting, so that targets
		// whose channel is down do not keep all others waiting for a day.
		<-d.slots
		defer func() { d.slots <- struct{}{} }()
		if d.opts.Sleep != nil {
			return d.opts.Sleep(ctx, wait)
		}
		select {
		case <-time.After(wait): // collected when unreferenced, even if not fired
			return nil
		case <-reloaded:
			return errReloaded
		case <-d.stopping:
			return errStopping
		case <-ctx.Done():
			return ctx.Err()
		}
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
	for _, sub := range cfg.Subscribers {
		if sub.ID != dl.Subscriber {
			continue
		}
		for _, t := range sub.Targets {
			if t.ID(sub.ID) != dl.Target {
				continue
			}
			s, err := d.opts.SenderFor(cfg, t)
			if err != nil {
				return nil, 0, fmt.Errorf("prepare channel %s: %w", t.Channel, err)
			}
			var timeout time.Duration
			if ch := channelByID(cfg, t.Channel); ch != nil {
				timeout = ch.Timeout
			}
			return s, timeout, nil
		}
	}
	return nil, 0, fmt.Errorf("target %s is no longer in the configuration", dl.Target)
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
	if rerr := d.store.record(dl.ID, func(x *Delivery) {
		x.State, x.Updated, x.Attempts, x.LastError, x.SentAt = dl.State, dl.Updated, dl.Attempts, dl.LastError, dl.SentAt
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
		return u.Scheme + "://" + u.Host + "/…"
	})
}

// countPending tells the observer how many messages wait in the outbox.
func (d *Daemon) countPending() {
	if p, err := d.store.pending(); err == nil {
		d.opts.Observer.SetPending(len(p))
	}
}

// Report is what one check produced.
type Report struct {
	At       time.Time
	Messages []Delivery // queued (and, unless dry, sent or not) this check, per target
	Errors   []error    // subscribers whose check failed
}

// Unsent counts the messages left pending or failed.
func (r Report) Unsent() int {
	n := 0
	for _, m := range r.Messages {
		if m.State != StateSent {
			n++
		}
	}
	return n
}

// check runs one check at `at` for each of subs: plan, queue, send. It is the
// job cron runs, the catch-up at start, and `hoursd check`.
func (d *Daemon) check(ctx context.Context, cfg *config.Config, subs []*config.Subscriber, at time.Time, opt checkOptions) Report {
	rep := Report{At: at}
	var queued []Delivery
	now := d.opts.Now()
	for _, sub := range subs {
		msgs, err := d.checkOne(cfg, sub, at, now, opt)
		if !opt.dry {
			d.opts.Observer.CheckRun(err == nil, at)
			d.noteCheck(sub.ID, err)
		}
		if err != nil {
			rep.Errors = append(rep.Errors, err)
			d.log.Error("check failed", "subscriber", sub.ID, "err", err)
			continue
		}
		queued = append(queued, msgs...)
	}
	if opt.dry {
		rep.Messages = queued
		return rep
	}
	for _, m := range queued {
		d.log.Info("message queued", "subscriber", m.Subscriber, "target", m.Target, "message", m.ID, "today", m.Today.String(), "changes", describeItems(m.Items))
	}
	// Earlier messages still pending ride along: a channel that was down
	// gets its backlog at the next check, the daemon's or hoursd check's
	// (which may be all there is, run from a system timer).
	if old, err := d.store.pending(); err == nil {
		for _, p := range old {
			if !slices.ContainsFunc(queued, func(q Delivery) bool { return q.ID == p.ID }) {
				queued = append(queued, p)
			}
		}
	}
	rep.Messages = d.send(ctx, cfg, queued, opt.retryFor)
	d.countPending()
	return rep
}

// Check runs one check for every subscriber as if at `at`, with the same
// once-only rules as the daemon's checks. What lies ahead is judged from
// `at`; a message whose day has begun by the real clock is not sent but
// recorded as failed. Transient failures are retried for retryFor at most
// (0: one attempt); what still failed stays pending for the daemon or the
// next check, and messages left pending by earlier checks are retried with
// this one's. dry plans and renders but writes and sends nothing.
func (d *Daemon) Check(ctx context.Context, at time.Time, dry bool, retryFor time.Duration) Report {
	cfg := d.Config()
	if retryFor <= 0 {
		retryFor = -1 // one attempt: the daemon's 0 would retry until the day begins
	}
	return d.check(ctx, cfg, subscribersOf(cfg, nil), at, checkOptions{asOf: true, dry: dry || d.opts.ReadOnly, retryFor: retryFor})
}

type checkOptions struct {
	// asOf judges what "still lies ahead" from the check's instant rather
	// than the clock: hoursd check --at shows what a check then would send.
	asOf     bool
	dry      bool
	retryFor time.Duration // 0: until each message's day begins; < 0: one attempt
}

func (d *Daemon) checkOne(cfg *config.Config, sub *config.Subscriber, at, now time.Time, opt checkOptions) ([]Delivery, error) {
	d.planMu.Lock()
	defer d.planMu.Unlock()
	var out []outgoing
	plan := func(tx *bolt.Tx) (err error) {
		// A panic (a bad custom template, a bug) fails this subscriber's
		// check like an error: recorded, reported by /healthz, and the
		// next check announces what this one would have.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		var last *run
		if tx != nil {
			if last, err = lastRun(tx, sub.ID); err != nil {
				return err
			}
		}
		ref := now
		if opt.asOf {
			ref = at
		}
		out, err = d.plan(tx, cfg, sub, newWindow(at, cfg.Location, last, ref))
		return err
	}
	var err error
	if d.store == nil {
		err = plan(nil)
	} else {
		err = d.store.db.View(plan)
	}
	if err != nil {
		if d.store != nil && !opt.dry {
			if ferr := d.store.failRun(sub.ID, at, now, err); ferr != nil {
				err = errors.Join(err, ferr)
			}
		}
		return nil, fmt.Errorf("check %s: %w", sub.ID, err)
	}
	if opt.dry {
		ds := make([]Delivery, len(out))
		for i, o := range out {
			ds[i] = o.Delivery
		}
		return ds, nil
	}
	return d.store.enqueue(sub.ID, at, out, now)
}

// subscribersOf lists the configured subscribers as pointers into cfg.
func subscribersOf(cfg *config.Config, keep func(*config.Subscriber) bool) []*config.Subscriber {
	var out []*config.Subscriber
	for i := range cfg.Subscribers {
		if keep == nil || keep(&cfg.Subscribers[i]) {
			out = append(out, &cfg.Subscribers[i])
		}
	}
	return out
}

// describeItems is a short form of a message's items for logs and status.
func describeItems(items []notifier.Item) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s %s", it.Change.Date, it.Change.Kind, it.Status)
	}
	return b.String()
}
