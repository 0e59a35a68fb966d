// Package daemon is hoursd's engine room: it runs each subscriber's check on
// cron in the config's time zone, tells every target about every change once
// (with corrections and cancellations when the hours are edited later),
// keeps an outbox so nothing is lost to a crash or a channel that is down,
// catches up checks missed while hoursd was not running, reloads its
// configuration on request, and reports its health to systemd and over HTTP.
//
// It logs through the *slog.Logger it is given and never builds a handler:
// that is the command line's business.
package daemon

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
	"github.com/robfig/cron/v3"
	"golang.org/x/net/netutil"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// Options wire a Daemon to the world; the zero value of each field is the
// production choice, and tests replace them.
type Options struct {
	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now

	// Render and Send default to notifier.Render and notifier.Send.
	Render func(notifier.Request, *notifier.Templates) (notifier.Message, error)
	Send   func(context.Context, notifier.Target, notifier.Message, notifier.Policy) notifier.Outcome
	// Sleep waits between retries of a send; nil: real time. Tests make it
	// return at once with an error, so a failing channel fails for the check.
	Sleep func(ctx context.Context, d time.Duration) error
	// SenderFor builds a target's sender; nil: (*config.Config).Sender.
	SenderFor func(*config.Config, config.Target) (notifier.Sender, error)

	// Notify sends a state to systemd; nil: go-systemd's SdNotify (a no-op
	// without $NOTIFY_SOCKET). Watchdog returns the watchdog interval (0:
	// off); nil: go-systemd's SdWatchdogEnabled.
	Notify   func(state string) error
	Watchdog func() (time.Duration, error)

	// Observer hears what hoursd does, for metrics; nil: nobody.
	Observer Observer

	// Listen opens the HTTP listener; nil: net.Listen. Tests hand it an
	// in-memory listener.
	Listen func(network, addr string) (net.Listener, error)

	// Handlers are mounted on the HTTP listener beside /healthz,
	// /status.json and /dry-run, by pattern (e.g. "/calendar/"). See also Handle.
	Handlers map[string]http.Handler

	// ShutdownGrace bounds how long sends in flight may finish after Run's
	// context ends; default 10s. Unfinished messages stay pending.
	ShutdownGrace time.Duration
	// RetryFor bounds how long a send is retried; 0: until the day it
	// announces begins.
	RetryFor time.Duration
	// LockTimeout is how long to wait for another hoursd to release the
	// state file; default 1s.
	LockTimeout time.Duration
	// ReadOnly opens the state without writing (dry runs, status).
	ReadOnly bool
	// NoSync skips fsync on every state commit; see StoreOptions.NoSync.
	NoSync bool
}

// Observer is told about checks, deliveries, the outbox and reloads: the
// status page's Prometheus metrics (web.Metrics) satisfy it.
type Observer interface {
	CheckRun(ok bool, at time.Time)
	Delivery(channel, result string) // result: sent, pending (will be retried), failed
	SetPending(n int)
	SetQuarantined(n int) // records of the state that could not be read, kept aside
	Reload(ok bool)
}

type noObserver struct{}

func (noObserver) CheckRun(bool, time.Time) {}
func (noObserver) Delivery(string, string)  {}
func (noObserver) SetPending(int)           {}
func (noObserver) SetQuarantined(int)       {}
func (noObserver) Reload(bool)              {}

// Daemon is one running hoursd: a configuration, its state, and its cron.
type Daemon struct {
	opts  Options
	log   *slog.Logger
	cfg   atomic.Pointer[config.Config]
	store backend // nil: a read-only look before the first start

	planMu  sync.Mutex // one plan-and-queue at a time: "once" needs it
	outbox  *outbox
	targets targetIndex

	cronMu  sync.Mutex
	cron    *cron.Cron
	entries []cron.EntryID

	background sync.WaitGroup

	// reloaded is closed, and replaced, by each successful Reload: sends
	// waiting to retry take it as their cue to use the new channels.
	reloadMu sync.Mutex
	reloaded chan struct{}

	// stopping is closed when Run is told to stop: a message waiting to be
	// retried stays pending for the next start instead of holding the stop
	// for the whole grace period, which is for attempts under way.
	stopping chan struct{}

	// stopMu orders closing stopping against starting background work:
	// a reload's catch-up started after Run began to wait for the
	// background would be a WaitGroup misuse.
	stopMu sync.Mutex

	pruneMu  sync.Mutex
	prunedOn schedule.Date // the day the state was last pruned

	healthMu sync.Mutex
	// checkErr is each subscriber's last check's error: one subscriber's
	// broken template stays visible after another's check went well.
	checkErr map[string]error
	stateErr error // the last failure to read or write the state; a good check clears it
	watchErr error // the state's last watch (watchState) failed: only the next good one clears it
	loadedAt time.Time

	mux *http.ServeMux
}

// withDefaults fills in the production choice for every field left zero.
func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Render == nil {
		o.Render = notifier.Render
	}
	if o.Send == nil {
		o.Send = notifier.Send
	}
	if o.SenderFor == nil {
		o.SenderFor = (*config.Config).Sender
	}
	if o.Notify == nil {
		o.Notify = func(state string) error { _, err := sd.SdNotify(false, state); return err }
	}
	if o.Watchdog == nil {
		o.Watchdog = func() (time.Duration, error) { return sd.SdWatchdogEnabled(false) }
	}
	if o.Observer == nil {
		o.Observer = noObserver{}
	}
	if o.Listen == nil {
		o.Listen = net.Listen
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 10 * time.Second
	}
	return o
}

// New opens the state under cfg.StateDir and returns a Daemon ready to Run
// or Check. Close it when done.
func New(cfg *config.Config, opts Options) (*Daemon, error) {
	opts = opts.withDefaults()
	if err := checkSpecs(cfg); err != nil {
		return nil, err
	}
	d := &Daemon{opts: opts, log: opts.Logger, mux: http.NewServeMux(),
		reloaded: make(chan struct{}), stopping: make(chan struct{}), checkErr: map[string]error{}}
	if err := d.openState(cfg); err != nil {
		return nil, err
	}
	d.outbox = newOutbox(d.store, MaxInFlight)
	d.cfg.Store(cfg)
	d.loadedAt = opts.Now()
	d.mux.HandleFunc("GET /healthz", d.serveHealth)
	d.mux.HandleFunc("GET /status.json", d.serveStatus)
	d.mux.HandleFunc("GET /dry-run", d.serveDryRun)
	for p, h := range opts.Handlers {
		d.mux.Handle(p, h)
	}
	return d, nil
}

// openState opens the configured backend: the state file under state_dir,
// or PostgreSQL when the configuration names a database.
func (d *Daemon) openState(cfg *config.Config) error {
	if cfg.Postgres != nil {
		st, err := openPostgres(cfg.Postgres, pgOptions{ReadOnly: d.opts.ReadOnly, Now: d.opts.Now, Log: d.log})
		switch {
		case d.opts.ReadOnly && errors.Is(err, fs.ErrNotExist):
			return nil // no hoursd has written there yet: nothing was ever told
		case err != nil:
			return err
		}
		d.store = st
		return nil
	}
	st, err := OpenStore(cfg.StateDir, StoreOptions{ReadOnly: d.opts.ReadOnly, LockTimeout: d.opts.LockTimeout, Now: d.opts.Now, NoSync: d.opts.NoSync})
	switch {
	case d.opts.ReadOnly && errors.Is(err, fs.ErrNotExist):
		return nil // a dry run or status before the first start: nothing was ever told
	case err != nil:
		return err
	}
	d.store = st
	if st.MovedAside != "" {
		d.log.Error("the state file was damaged; it was moved aside and hoursd starts with a fresh one (messages may repeat)",
			"damage", st.Damage, "moved_to", st.MovedAside)
	}
	if st.Emptied {
		d.log.Error("the state file was empty; hoursd starts with a fresh one (messages may repeat)", "state", st.Path())
	}
	switch {
	case st.Migrated && st.CompactErr != nil:
		d.log.Warn("the state file was migrated to schema "+schemaVersion+"; copying it into a compact file failed, so it stays as large as it was", "state", st.Path(), "err", st.CompactErr)
	case st.Migrated:
		d.log.Info("the state file was migrated to schema "+schemaVersion, "state", st.Path())
	}
	return nil
}

// NewReadOnly returns a Daemon over the state that writes nothing: for
// `hoursd check --dry-run` and `hoursd status`. A state dir with no state
// file yet is fine: nothing was ever told.
func NewReadOnly(cfg *config.Config, opts Options) (*Daemon, error) {
	opts.ReadOnly = true
	return New(cfg, opts)
}

func checkSpecs(cfg *config.Config) error {
	var errs []error
	for _, s := range cfg.Subscribers {
		if _, err := ParseSpec(specOf(cfg, &s), cfg.Location); err != nil {
			errs = append(errs, fmt.Errorf("subscriber %s: %w", s.ID, err))
		}
	}
	return errors.Join(errs...)
}

func specOf(cfg *config.Config, s *config.Subscriber) string {
	return cmp.Or(s.Check, cfg.Defaults.Check, config.DefaultCheck)
}

// Handle mounts h on the HTTP listener (call before Run): the status page and
// calendar feeds live in their own package and are wired in by the command.
func (d *Daemon) Handle(pattern string, h http.Handler) { d.mux.Handle(pattern, h) }

// Config is the configuration in force (it changes on Reload).
func (d *Daemon) Config() *config.Config { return d.cfg.Load() }

// LoadedAt is when the configuration in force was loaded.
func (d *Daemon) LoadedAt() time.Time {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	return d.loadedAt
}

// Close releases the state file. Call it after Run returned.
func (d *Daemon) Close() error {
	d.outbox.abandon()
	// A catch-up started by a reload may still run (Run waits for it, a
	// Daemon used without Run does not): the store must outlive it.
	d.background.Wait()
	if d.store == nil {
		return nil
	}
	return d.store.Close()
}

// Run runs hoursd until ctx ends: it sends what the outbox still holds,
// catches up a missed check, then checks on cron. It returns only after
// everything it started has stopped: cron, its jobs, the sends in flight
// (which get ShutdownGrace to finish before they are cancelled) and the HTTP
// listener.
func (d *Daemon) Run(ctx context.Context) error {
	cfg := d.Config()
	var srv *http.Server
	var srvDone chan error
	if cfg.HTTP.Listen != "" {
		ln, err := d.opts.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			return fmt.Errorf("listen for health checks: %w", err)
		}
		// At most MaxListenerConns connections at once (x/net's
		// LimitListener: the next waits to be accepted), so a client that
		// opens a thousand and leaves them idle holds a bounded number of
		// file descriptors and memory. Every phase of a request is bounded
		// and an idle keep-alive connection is closed after ListenerIdle,
		// which frees the places of a client that leaves its connections
		// idle; one that keeps reopening them can still hold them all,
		// which is why the listener is for loopback (docs/web.md). /dry-run
		// may take a while to plan (hoursd check allows it 30 s), so
		// writes get twice that.
		ln = netutil.LimitListener(ln, MaxListenerConns)
		srv = &http.Server{Handler: nosniff(d.mux), ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
			IdleTimeout: ListenerIdle, MaxHeaderBytes: 64 << 10}
		srvDone = make(chan error, 1)
		go func() { srvDone <- srv.Serve(ln) }()
		d.log.Info("serving health", "listen", ln.Addr().String())
	}

	d.cronMu.Lock()
	d.cron = cron.New(cron.WithLocation(cfg.Location), cron.WithParser(specParser),
		cron.WithLogger(cronLogger{d.log}), cron.WithChain(cron.Recover(cronLogger{d.log})))
	d.cronMu.Unlock()

	d.announce(cfg)
	d.startup()
	d.schedule()
	d.cron.Start()
	d.notify(sd.SdNotifyReady)
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	d.background.Go(func() { d.watchState(watchCtx) })

	var tick <-chan time.Time
	if iv, err := d.opts.Watchdog(); err != nil {
		d.log.Warn("reading the systemd watchdog setting failed", "err", err)
	} else if iv > 0 {
		t := time.NewTicker(iv / 2)
		defer t.Stop()
		tick = t.C
	}
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-tick:
			// The watchdog is fed from this loop, so a wedged loop stops it;
			// a broken state file stops it too, and systemd restarts
			// hoursd. A database that is away is not: a restart would not
			// bring it back, and hoursd waits for it (watchState).
			if _, shared := d.store.(replicated); shared || d.store.Ping() == nil {
				d.notify(sd.SdNotifyWatchdog)
			}
		}
	}

	d.notify(sd.SdNotifyStopping)
	d.log.Info("stopping", "grace", d.opts.ShutdownGrace.String())
	d.stopMu.Lock()
	close(d.stopping)
	d.stopMu.Unlock()
	stopped := d.cron.Stop()
	all := make(chan struct{})
	go func() { <-stopped.Done(); d.background.Wait(); close(all) }()
	grace := time.NewTimer(d.opts.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-all:
	case <-grace.C:
		d.log.Warn("sends still in flight after the grace period; cancelling them, they stay pending")
		d.outbox.abandon()
		<-all
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close()
		}
		if err := <-srvDone; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve health: %w", err)
		}
	}
	d.log.Info("stopped")
	return nil
}

// startup sends what the outbox holds from before and catches up checks
// missed while hoursd was down.
func (d *Daemon) startup() {
	cfg := d.Config()
	now := d.opts.Now()
	d.prune(cfg, now)
	if targets, n, err := d.store.pendingTargets(); err != nil {
		d.noteError(err)
		d.log.Error("reading the outbox failed", "err", err)
	} else {
		d.opts.Observer.SetPending(n)
		if n > 0 {
			d.log.Info("sending messages left in the outbox", "count", n, "targets", len(targets))
			send := func(ctx context.Context, dl Delivery) (Delivery, bool) {
				return d.sendRecovering(ctx, dl, d.opts.RetryFor)
			}
			d.background.Go(func() { d.outbox.serve(d.outbox.life, targets, send, func(Delivery) {}); d.countPending() })
		}
	}
	d.catchUp(cfg, now, false)
	d.settleBad()
	d.opts.Observer.SetQuarantined(d.store.quarantined())
}

// settleBad moves the state's records found unreadable into its quarantine
// and says so, once for each: a damaged record is kept, raw, for a bug
// report, and blocks nothing (see badRecords).
func (d *Daemon) settleBad() {
	if d.store == nil {
		return
	}
	moved, err := d.store.quarantine()
	if err != nil {
		d.noteError(err)
		d.log.Error("moving unreadable state records to the quarantine failed", "err", err)
		return
	}
	for _, r := range moved {
		d.log.Error("a state record could not be read; it was moved to the quarantine and is ignored",
			"bucket", r.Bucket, "key", r.KeyText(), "err", r.Err)
	}
	if len(moved) > 0 {
		d.opts.Observer.SetQuarantined(d.store.quarantined())
	}
}

// catchUp runs, in the background, the check each subscriber missed (see
// missed): a channel that is down must not hold back READY=1 (systemd
// would give up on the start), a reload, nor the cron checks. After a
// reload only subscribers checked before are caught up (checkedOnly): one
// added by the reload starts at its next check.
func (d *Daemon) catchUp(cfg *config.Config, now time.Time, checkedOnly bool) {
	missed := d.missed(cfg, now, checkedOnly)
	if len(missed) == 0 {
		return
	}
	d.background.Go(func() {
		for at, subs := range missed {
			d.log.Info("catching up a missed check", "at", at.Format(time.RFC3339), "subscribers", len(subs))
			d.check(d.outbox.life, cfg, subs, at, checkOptions{retryFor: d.opts.RetryFor})
		}
	})
}

// keepDays is how long announcements and finished messages are kept after
// their day: long enough for status, and past any remind offset.
const keepDays = 60

// prune forgets what is older than keepDays, at start and then at the
// first check of each day, so a daemon that runs for years keeps a small
// state.
func (d *Daemon) prune(cfg *config.Config, now time.Time) {
	today := schedule.DateOf(now.In(cfg.Location))
	d.pruneMu.Lock()
	defer d.pruneMu.Unlock()
	if d.prunedOn == today {
		return
	}
	if err := d.store.prune(today.AddDays(-keepDays), cfg.Location); err != nil {
		d.log.Warn("pruning old state failed", "err", err)
		return
	}
	d.prunedOn = today
}

// missed finds, per subscriber, the last scheduled check that did not run
// since its last recorded one, grouped by that instant. For a subscriber
// never checked before, that is a check earlier today: someone who installs
// hoursd at 19:00 on the eve of a holiday hears about it that evening rather
// than never. A last check recorded after now was made by a clock that ran
// ahead and has since been set right: it says nothing of when hoursd last
// checked, and the subscriber is treated as one checked earlier today.
func (d *Daemon) missed(cfg *config.Config, now time.Time, checkedOnly bool) map[time.Time][]*config.Subscriber {
	out := map[time.Time][]*config.Subscriber{}
	// Subscribers mostly share a spec and the instant of their last check:
	// each spec is parsed, and each (spec, last check, remind) searched,
	// once.
	type query struct {
		spec   string
		from   time.Time
		remind int
	}
	type answer struct {
		at time.Time
		ok bool
	}
	specs := map[string]cron.Schedule{}
	answers := map[query]answer{}
	start := schedule.DateOf(now.In(cfg.Location)).Time(cfg.Location).Add(-time.Nanosecond)
	subs := subscribersOf(cfg, nil)
	ids := make([]string, len(subs))
	for i, sub := range subs {
		ids[i] = sub.ID
	}
	runs, err := d.store.lastRuns(ids)
	if err != nil {
		d.noteError(err)
		d.log.Error("reading the last checks failed; no check is caught up", "err", err)
		return out
	}
	{
		for _, sub := range subs {
			last := runs[sub.ID]
			if checkedOnly && last == nil {
				continue
			}
			q := query{spec: specOf(cfg, sub), from: start, remind: slices.Max(remindOf(cfg, sub))}
			if last != nil && !last.At.IsZero() && !last.At.After(now) {
				q.from = last.At.UTC() // one zone for all, so equal instants are one key
			}
			a, ok := answers[q]
			if !ok {
				sch, ok := specs[q.spec]
				if !ok {
					var err error
					if sch, err = ParseSpec(q.spec, cfg.Location); err != nil {
						sch = nil
					}
					specs[q.spec] = sch
				}
				if sch != nil {
					a.at, a.ok = lastMissed(sch, q.from.In(cfg.Location), now.In(cfg.Location), q.remind)
				}
				answers[q] = a
			}
			if a.ok {
				out[a.at] = append(out[a.at], sub)
			}
		}
	}
	return out
}

// lastMissed is the latest instant of sch after last and not after now. Only
// the last few days matter (what an earlier check would announce has begun),
// so the search starts at most remind+2 days back, which keeps an "@every 2s"
// spec after a month's downtime cheap.
func lastMissed(sch cron.Schedule, last, now time.Time, remind int) (time.Time, bool) {
	from := last
	if horizon := now.AddDate(0, 0, -(remind + 2)); horizon.After(from) {
		from = horizon
	}
	n := sch.Next(from)
	if n.IsZero() || n.After(now) {
		return time.Time{}, false
	}
	for {
		next := sch.Next(n)
		if next.IsZero() || next.After(now) {
			return n, true
		}
		n = next
	}
}

// remindOf is the subscriber's remind offsets: its own, the defaults', or
// config.DefaultRemind (a loaded configuration fills them in; one built in
// code may not).
func remindOf(cfg *config.Config, sub *config.Subscriber) []int {
	switch {
	case len(sub.Remind) > 0:
		return sub.Remind
	case len(cfg.Defaults.Remind) > 0:
		return cfg.Defaults.Remind
	}
	return config.DefaultRemind
}

// schedule puts one cron entry per distinct check spec of the configuration
// in force; the job checks the subscribers with that spec in the
// configuration in force when it fires. It reads the configuration under
// cronMu, so that of a start and a reload racing each other (a SIGHUP while
// hoursd starts), the last to schedule uses the newest file.
func (d *Daemon) schedule() {
	d.cronMu.Lock()
	defer d.cronMu.Unlock()
	cfg := d.Config()
	for _, id := range d.entries {
		d.cron.Remove(id)
	}
	d.entries = d.entries[:0]
	var specs []string
	for _, s := range cfg.Subscribers {
		if sp := specOf(cfg, &s); !slices.Contains(specs, sp) {
			specs = append(specs, sp)
		}
	}
	for _, spec := range specs {
		sch, err := ParseSpec(spec, cfg.Location)
		if err != nil {
			d.log.Error("check spec refused", "check", spec, "err", err) // New and Reload validated it
			continue
		}
		d.entries = append(d.entries, d.cron.Schedule(sch, cron.FuncJob(func() { d.runSpec(spec) })))
	}
}

// runSpec is the cron job of one check spec.
func (d *Daemon) runSpec(spec string) {
	cfg := d.Config()
	subs := subscribersOf(cfg, func(s *config.Subscriber) bool { return specOf(cfg, s) == spec })
	if len(subs) == 0 {
		return
	}
	start := d.opts.Now()
	// The check stands for the instant cron scheduled, not the moment the
	// job happened to start: replicas sharing a database agree on it, and
	// each (subscriber, instant) is checked by one of them.
	at := start
	if sch, err := ParseSpec(spec, cfg.Location); err == nil {
		at = scheduledAt(sch, start)
	}
	d.prune(cfg, start)
	rep := d.check(d.outbox.life, cfg, subs, at, checkOptions{retryFor: d.opts.RetryFor})
	d.log.Info("check done", "check", spec, "subscribers", len(subs), "messages", len(rep.Messages), "unsent", rep.Unsent(),
		"took", d.opts.Now().Sub(start).Round(time.Millisecond).String())
}

// scheduledAt is the instant of sch that a job started at now stands for:
// the latest one not after now, when it lies within the last hour (cron
// starts its jobs a moment after their instant; a job that starts later
// than that, after a suspend, stands for now).
func scheduledAt(sch cron.Schedule, now time.Time) time.Time {
	n := sch.Next(now.Add(-time.Hour))
	if n.IsZero() || n.After(now) {
		return now
	}
	for {
		next := sch.Next(n)
		if next.IsZero() || next.After(now) {
			return n
		}
		n = next
	}
}

// Reload swaps in a new configuration: new cron entries, the new subscribers
// and schedules for every check from now on. A configuration that load
// rejects leaves the old one in force. The listener, log setup and state
// directory need a restart; Reload says so when they changed. A new
// timezone applies from the next check on (specs are evaluated in it).
func (d *Daemon) Reload(load func() (*config.Config, error)) error {
	d.notify(sd.SdNotifyReloading + "\n" + sd.SdNotifyMonotonicUsec())
	defer d.notify(sd.SdNotifyReady)
	cfg, err := load()
	if err == nil {
		err = checkSpecs(cfg)
	}
	d.opts.Observer.Reload(err == nil)
	if err != nil {
		return fmt.Errorf("reload: keeping the configuration in force: %w", err)
	}
	old := d.Config()
	if cfg.StateDir != old.StateDir || cfg.HTTP.Listen != old.HTTP.Listen || cfg.Log != old.Log || !samePostgres(cfg.Postgres, old.Postgres) {
		d.log.Warn("state_dir, postgres, http.listen and log take effect at the next restart")
		cfg.StateDir, cfg.HTTP, cfg.Log, cfg.Postgres = old.StateDir, old.HTTP, old.Log, old.Postgres
	}
	d.cfg.Store(cfg)
	d.healthMu.Lock()
	d.loadedAt = d.opts.Now()
	d.healthMu.Unlock()
	d.reloadMu.Lock()
	close(d.reloaded)
	d.reloaded = make(chan struct{})
	d.reloadMu.Unlock()
	d.cronMu.Lock()
	running := d.cron != nil
	d.cronMu.Unlock()
	if running {
		d.schedule()
	}
	d.announce(cfg)
	// A check the new configuration says was due since a subscriber's last
	// one — its check moved to an hour already past today, or the last
	// check failed and this reload fixes why — would otherwise wait for
	// the next scheduled one, which may be the day of the change.
	if d.store != nil && !d.opts.ReadOnly {
		d.stopMu.Lock()
		if !closed(d.stopping) {
			d.catchUp(cfg, d.opts.Now(), true)
		}
		d.stopMu.Unlock()
	}
	return nil
}

func samePostgres(a, b *config.Postgres) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// reloadSignal is closed by the next successful Reload.
func (d *Daemon) reloadSignal() <-chan struct{} {
	d.reloadMu.Lock()
	defer d.reloadMu.Unlock()
	return d.reloaded
}

// The listener's bounds: connections open at once, and how long an idle
// keep-alive connection is kept. The status page, /metrics scrapes and
// health checks need a few; a client that opens more waits its turn.
const (
	MaxListenerConns = 64
	ListenerIdle     = 30 * time.Second
)

// announceSubscribers is how many subscribers the start's log names one by
// one; a file of thousands gets a count for the rest.
const announceSubscribers = 20

// announce logs what is loaded, each subscriber's next check and the next
// changes: a new user sees at once that hoursd understood the file.
func (d *Daemon) announce(cfg *config.Config) {
	now := d.opts.Now().In(cfg.Location)
	d.log.Info("configuration loaded", "source", cfg.Source, "timezone", cfg.Timezone,
		"schedules", len(cfg.Schedules), "subscribers", len(cfg.Subscribers), "state", d.store.Path())
	for i, s := range subscribersOf(cfg, nil) {
		if i == announceSubscribers {
			d.log.Info("and more subscribers", "count", len(cfg.Subscribers)-i)
			break
		}
		sch, _ := ParseSpec(specOf(cfg, s), cfg.Location)
		d.log.Info("subscriber", "subscriber", s.ID, "check", specOf(cfg, s),
			"next_check", sch.Next(now).Format(time.RFC3339), "remind", fmt.Sprint(s.Remind), "targets", len(s.Targets))
	}
	today := schedule.DateOf(now)
	for _, s := range cfg.Schedules {
		ch := s.Changes(today.AddDays(1), 60)
		if len(ch) == 0 {
			d.log.Info("no changes in the next 60 days", "schedule", s.ID)
		}
		for i, c := range ch {
			if i == 3 {
				break
			}
			d.log.Info("next change", "schedule", s.ID, "date", c.Date.String(), "kind", string(c.Kind),
				"name", cmp.Or(c.Name.SV, c.Name.EN), "hours", c.Hours.String())
		}
	}
}

func (d *Daemon) notify(state string) {
	if err := d.opts.Notify(state); err != nil {
		d.log.Warn("notifying systemd failed", "state", state, "err", err)
	}
}

// noteCheck records how a subscriber's check went, for Health.
func (d *Daemon) noteCheck(subscriber string, err error) {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	if err != nil {
		d.checkErr[subscriber] = err
		return
	}
	delete(d.checkErr, subscriber)
	d.stateErr = nil
}

// noteError records a failure to read or write the state outside a check.
func (d *Daemon) noteError(err error) {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	d.stateErr = err
}

// Health is /healthz's answer: fine while the store answers and the last
// check of every subscriber ran without error. A channel that is down does
// not make hoursd unhealthy (restarting would not help); it shows in status
// as pending.
func (d *Daemon) Health() error {
	if err := d.store.Ping(); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	cfg := d.Config()
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	if d.watchErr != nil {
		return fmt.Errorf("state: %s", redact(d.watchErr))
	}
	if d.stateErr != nil {
		return fmt.Errorf("state: %s", redact(d.stateErr))
	}
	for _, s := range cfg.Subscribers { // a subscriber removed by a reload is no longer a problem
		if err := d.checkErr[s.ID]; err != nil {
			return fmt.Errorf("last check: %s", redact(err))
		}
	}
	return nil
}

// cronLogger hands cron's messages to slog. Its panic stack traces go to
// debug: the error line says what happened, the stack is for developers.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	l.log.Debug("cron: "+msg, stripStack(kv)...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	if msg == "panic" {
		l.log.Error("a check panicked; hoursd goes on", "err", err)
		l.log.Debug("panic stack", kv...)
		return
	}
	l.log.Error("cron: "+msg, append(stripStack(kv), "err", err)...)
}

func stripStack(kv []any) []any {
	var out []any
	for i := 0; i+1 < len(kv); i += 2 {
		if k, _ := kv[i].(string); k != "stack" {
			out = append(out, kv[i], kv[i+1])
		}
	}
	return out
}

var _ cron.Logger = cronLogger{}

// nosniff keeps browsers from reading the listener's text and JSON answers
// as anything else (an error that echoes a request as HTML, say).
func nosniff(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}
