package daemon

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// countPending tells the observer how many messages wait in the outbox.
func (d *Daemon) countPending() {
	if _, n, err := d.store.pendingTargets(); err == nil {
		d.opts.Observer.SetPending(n)
	}
}

// Report is what one check produced.
type Report struct {
	At time.Time
	// Messages are the messages of this check, per target: planned (a dry
	// check), or queued and then sent or not, with the messages left
	// pending by earlier checks that were retried with them. A real check
	// leaves out their bodies and items, which are in the outbox: the
	// report of a check of a hundred thousand targets is their outcomes.
	Messages []Delivery
	Errors   []error // subscribers whose check failed
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

// planChunk is how many subscribers are planned in one read of the state
// and queued in one write: few enough that sends waiting to record their
// outcome never wait long for the writer, enough that a check of a hundred
// thousand subscribers commits a few hundred times, not once per subscriber.
const planChunk = 256

// quietChunk is how large a chunk grows while the chunks before it queued
// nothing (see chunksOf): a check with nothing new to say for a hundred
// thousand subscribers commits a few dozen times, not four hundred.
const quietChunk = 16 * planChunk

// check runs one check at `at` for each of subs: plan, queue, send. It is the
// job cron runs, the catch-up at start, and `hoursd check`. Subscribers are
// planned and queued a chunk at a time, and each chunk's targets are served
// while the next is planned; the messages of earlier checks still pending
// ride along at the end, so a channel that was down gets its backlog at the
// next check, the daemon's or hoursd check's (which may be all there is, run
// from a system timer).
func (d *Daemon) check(ctx context.Context, cfg *config.Config, subs []*config.Subscriber, at time.Time, opt checkOptions) Report {
	rep := Report{At: at}
	now := d.opts.Now()
	ref := now
	if opt.asOf {
		ref = at // judge what lies ahead from the check's instant
	}
	var (
		changes changeCache
		cache   = &renderCache{}
		res     = newResults(at.Location())
		sends   sync.WaitGroup
		served  = map[string]bool{}
	)
	send := func(ctx context.Context, dl Delivery) (Delivery, bool) {
		return d.sendRecovering(ctx, dl, opt.retryFor)
	}
	quiet := false // the chunk before queued nothing, and failed nowhere
	for chunk := range d.chunksOf(subs, &quiet) {
		plan := func(v stateView, subs []*config.Subscriber) []planned {
			return d.planChunk(v, cfg, subs, at, ref, &changes, cache)
		}
		if opt.dry {
			for _, c := range d.dryChunk(chunk, plan) {
				rep.Errors = d.noteFailed(rep.Errors, c)
				for _, o := range c.out {
					rep.Messages = append(rep.Messages, o.Delivery)
				}
			}
			continue
		}
		d.outbox.waitRoom(ctx)
		// Planning and queueing a chunk hold planMu together, so that two
		// checks (a cron check and a catch-up, or a check that overlaps
		// the next) never both plan from a state that neither has written
		// yet, and queue the same announcement twice; between replicas,
		// the backend's chunk is exclusive in the database.
		d.planMu.Lock()
		checks, queued, err := d.queue(at, now, chunk, plan)
		d.planMu.Unlock()
		d.settleBad()
		for _, c := range checks {
			rep.Errors = d.noteFailed(rep.Errors, c)
		}
		if err != nil {
			rep.Errors = append(rep.Errors, err)
			continue
		}
		quiet = len(queued) == 0 && !slices.ContainsFunc(checks, func(c planned) bool { return c.err != nil })
		d.outbox.hold(queued)
		var targets []string
		for _, m := range queued {
			d.log.Info("message queued", "subscriber", m.Subscriber, "target", m.Target, "message", m.ID, "today", m.Today.String(), "changes", describeItems(m.Items))
			res.add(m)
			if !served[m.Target] {
				served[m.Target] = true
				targets = append(targets, m.Target)
			}
		}
		sends.Go(func() { d.outbox.serve(ctx, targets, send, res.done) })
	}
	if opt.dry {
		return rep
	}
	if targets, _, err := d.store.pendingTargets(); err == nil {
		targets = slices.DeleteFunc(targets, func(t string) bool { return served[t] })
		sends.Go(func() { d.outbox.serve(ctx, targets, send, res.addDone) })
	}
	sends.Wait()
	rep.Messages = res.list(d.store)
	d.countPending()
	return rep
}

// chunksOf cuts subs into chunks of planChunk. On the state file, a chunk
// after one that queued nothing (*quiet, which the caller sets after each)
// is twice as large, up to quietChunk: most checks have nothing new for
// most subscribers, and each chunk is a commit; a chunk that queues
// messages brings the size back, so that sends start early and a write
// never holds up the sends' outcomes for long. Replicas sharing a
// database keep to planChunk, and start at different chunks (by their
// name), so that each plans its own while the other plans another,
// instead of both waiting for the first chunk's locks and then skipping
// what the other has done.
func (d *Daemon) chunksOf(subs []*config.Subscriber, quiet *bool) iter.Seq[[]*config.Subscriber] {
	if pg, ok := d.store.(*pgStore); ok {
		chunks := slices.Collect(slices.Chunk(subs, planChunk))
		if len(chunks) >= 2 {
			h := fnv.New32a()
			h.Write([]byte(pg.name))
			off := int(h.Sum32() % uint32(len(chunks)))
			chunks = append(chunks[off:], chunks[:off]...)
		}
		return slices.Values(chunks)
	}
	return func(yield func([]*config.Subscriber) bool) {
		size := planChunk
		for len(subs) > 0 {
			n := min(size, len(subs))
			if !yield(subs[:n]) {
				return
			}
			subs = subs[n:]
			if size = planChunk; *quiet {
				size = min(2*n, quietChunk)
			}
		}
	}
}

// queue plans and writes a chunk's checks, and tells health and metrics
// how each went.
func (d *Daemon) queue(at, now time.Time, subs []*config.Subscriber, plan func(stateView, []*config.Subscriber) []planned) ([]planned, []Delivery, error) {
	checks, queued, err := d.store.chunk(at, now, subs, plan)
	if err != nil && len(checks) == 0 { // not even planned: each subscriber's check failed
		for _, sub := range subs {
			checks = append(checks, planned{subscriber: sub.ID, err: fmt.Errorf("check %s: %w", sub.ID, err)})
		}
	}
	for _, c := range checks {
		cerr := c.err
		if cerr == nil {
			cerr = err
		}
		d.opts.Observer.CheckRun(cerr == nil, at)
		d.noteCheck(c.subscriber, cerr)
	}
	if err != nil {
		d.noteError(err)
		d.log.Error("recording a check failed", "subscribers", len(checks), "err", err)
		return checks, nil, err
	}
	return checks, queued, nil
}

// noteFailed adds a subscriber's failed check to errs, and logs it.
func (d *Daemon) noteFailed(errs []error, c planned) []error {
	if c.err == nil {
		return errs
	}
	d.log.Error("check failed", "subscriber", c.subscriber, "err", c.err)
	return append(errs, c.err)
}

// dryChunk plans a chunk from one read of the state, writing nothing.
func (d *Daemon) dryChunk(subs []*config.Subscriber, plan func(stateView, []*config.Subscriber) []planned) []planned {
	if d.store == nil {
		return plan(noState{}, subs) // a dry run before the first start: nothing was ever told
	}
	var out []planned
	if err := d.store.view(subs, func(v stateView) { out = plan(v, subs) }); err != nil {
		out = make([]planned, len(subs))
		for i, sub := range subs {
			out[i] = planned{subscriber: sub.ID, err: fmt.Errorf("check %s: %w", sub.ID, err)}
		}
	}
	return out
}

// planChunk plans the check of each of subs from one consistent read of the
// state (v).
func (d *Daemon) planChunk(v stateView, cfg *config.Config, subs []*config.Subscriber, at, ref time.Time, changes *changeCache, cache *renderCache) []planned {
	out := make([]planned, len(subs))
	for i, sub := range subs {
		out[i] = planned{subscriber: sub.ID, last: v.lastRun(sub.ID)}
		out[i].out, out[i].err = d.planOne(v, cfg, sub, out[i].last, at, ref, changes, cache)
		if out[i].err != nil {
			out[i].err = fmt.Errorf("check %s: %w", sub.ID, out[i].err)
		}
	}
	return out
}

// planOne reads what a subscriber's targets were told, and with its last
// check (last, nil: never), plans its check and renders its messages. A panic (a bad custom
// template, a bug) fails this subscriber's check like an error: recorded,
// reported by /healthz, and the next check announces what this one would
// have.
func (d *Daemon) planOne(v stateView, cfg *config.Config, sub *config.Subscriber, last *run, at, ref time.Time, changes *changeCache, cache *renderCache) (out []outgoing, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	told := make([]map[annKey]*announcement, len(sub.Targets))
	for i, t := range sub.Targets {
		told[i] = v.announcementsOf(sub.ID, t.ID(sub.ID))
	}
	w := newWindow(at, cfg.Location, last, ref)
	if out, err = plan(cfg, sub, w, told, changes); err != nil {
		return nil, err
	}
	if err := d.render(cfg, sub, w.Today, out, cache); err != nil {
		return nil, err
	}
	return out, nil
}

// renderCache keeps the messages rendered during one check, by what they
// say (language, date, places and items): the subscribers of one place with
// the built-in texts mostly hear the same news, rendered once. The parts of
// a chunk planned side by side share it.
type renderCache struct {
	mu sync.Mutex
	m  map[string]notifier.Message
}

func (c *renderCache) get(key string) (notifier.Message, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.m[key]
	return m, ok
}

func (c *renderCache) put(key string, msg notifier.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]notifier.Message{}
	}
	c.m[key] = msg
}

// render fills in subject and body, rendering once for targets that are told
// the same (the usual case: every target of a subscriber hears the same
// news), and once for subscribers with the built-in texts that are told the
// same. A subscriber's own templates may name the subscriber, so its
// messages are its own.
func (d *Daemon) render(cfg *config.Config, sub *config.Subscriber, today schedule.Date, out []outgoing, cache *renderCache) error {
	if len(out) == 0 {
		return nil
	}
	lang := cmp.Or(sub.Language, cfg.Defaults.Language, config.DefaultLanguage)
	places := map[string]notifier.Place{}
	for _, id := range sub.Schedules {
		if s := scheduleByID(cfg, id); s != nil {
			places[id] = notifier.Place{ID: s.ID, Title: s.Title, Phone: s.Phone, URL: s.URL}
		}
	}
	done := cache
	if sub.Templates != nil {
		done = &renderCache{}
	}
	for i := range out {
		items, err := json.Marshal(out[i].Items)
		if err != nil {
			return fmt.Errorf("render message for %s: %w", out[i].Target, err)
		}
		key := lang + keySep + today.String() + keySep + strings.Join(sub.Schedules, ",") + keySep + string(items)
		msg, ok := done.get(key)
		if !ok {
			msg, err = d.opts.Render(notifier.Request{
				Language: lang, Today: today, Subscriber: sub.ID, Places: places, Items: out[i].Items,
			}, sub.Templates)
			if err != nil {
				return fmt.Errorf("render message for %s: %w", sub.ID, err)
			}
			done.put(key, msg)
		}
		out[i].Subject, out[i].Body = msg.Subject, msg.Body
	}
	return nil
}

// results gathers the outcome of each message a check sends, for its
// report: bodies and items left out (see Report). A check of a hundred
// thousand targets keeps a hundred thousand of these until its report is
// made, so each is kept lean (see outcome).
type results struct {
	mu  sync.Mutex
	loc *time.Location // the report's times are in the check's location
	out []outcome      // in the order queued
	at  map[uint64]int // index in out, by message id
}

func newResults(loc *time.Location) *results { return &results{loc: loc, at: map[uint64]int{}} }

// outcome is one message of a check as its report shows it: its strings
// shared with the message as queued, its instants as Unix nanoseconds (0:
// none), its date packed. It takes 152 bytes where a Delivery takes 344.
type outcome struct {
	id                                            uint64
	subscriber, target, channel, subject, lastErr string
	state                                         State
	attempts                                      int32
	today                                         int32 // yyyymmdd
	checkedAt, due, created, updated, sentAt      int64
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func (r *results) instant(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).In(r.loc)
}

func outcomeOf(dl Delivery) outcome {
	o := outcome{
		id: dl.ID, subscriber: dl.Subscriber, target: dl.Target, channel: dl.Channel, subject: dl.Subject,
		today:     packDate(dl.Today),
		checkedAt: nanos(dl.CheckedAt), due: nanos(dl.Due), created: nanos(dl.Created),
	}
	o.setStatus(dl)
	return o
}

// setStatus takes where the message stands from dl.
func (o *outcome) setStatus(dl Delivery) {
	o.state, o.attempts, o.lastErr, o.updated, o.sentAt = dl.State, int32(dl.Attempts), dl.LastError, nanos(dl.Updated), nanos(dl.SentAt)
}

func (r *results) delivery(o outcome) Delivery {
	today, _ := unpackDate(o.today) // packed from a date
	return Delivery{
		ID: o.id, Subscriber: o.subscriber, Target: o.target, Channel: o.channel, Subject: o.subject,
		Today:     today,
		CheckedAt: r.instant(o.checkedAt), Due: r.instant(o.due), Created: r.instant(o.created),
		State: o.state, Attempts: int(o.attempts), LastError: o.lastErr, Updated: r.instant(o.updated), SentAt: r.instant(o.sentAt),
	}
}

// add notes a message queued by this check.
func (r *results) add(dl Delivery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at[dl.ID] = len(r.out)
	r.out = append(r.out, outcomeOf(dl))
}

// done notes the outcome of one of the check's own messages.
func (r *results) done(dl Delivery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.at[dl.ID]; ok {
		r.out[i].setStatus(dl)
	}
}

// addDone notes the outcome of an earlier check's message sent with this one.
func (r *results) addDone(dl Delivery) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.at[dl.ID]; ok {
		r.out[i].setStatus(dl)
		return
	}
	r.at[dl.ID] = len(r.out)
	r.out = append(r.out, outcomeOf(dl))
}

// list is the outcomes in the order the messages were queued. A message
// that another sender (the daemon's own, beside hoursd check) still
// served is as the store has it now.
func (r *results) list(st backend) []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Delivery, len(r.out))
	for i, o := range r.out {
		if o.state == StatePending {
			if cur, err := st.get(o.id); err == nil && cur != nil {
				o.setStatus(*cur)
			}
		}
		out[i] = r.delivery(o)
	}
	r.out, r.at = nil, nil
	return out
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
