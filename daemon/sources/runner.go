package sources

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/hoursd/hoursd/config"
)

// Observer hears how each refresh went, for metrics; web.Metrics
// satisfies it.
type Observer interface {
	// SourceRefreshed reports a refresh of a schedule's source; lastSuccess
	// is the kept reading's last good refresh (zero: never).
	SourceRefreshed(schedule string, ok bool, lastSuccess time.Time)
}

// Runner refreshes each source of the configuration in force at start and
// then on its refresh cron, in the configuration's time zone. After a
// refresh that changed what a schedule says it calls Changed, which the
// daemon answers with a reload: the next check then announces, corrects or
// cancels as if the configuration had been edited. Told of a reload
// (Reloaded), it follows the configuration then in force: a new source is
// read at once and then on its cron, a changed refresh spec or time zone
// takes effect, a removed source is no longer read.
type Runner struct {
	// Refresher does each refresh; its Location is set from the
	// configuration at each refresh.
	Refresher Refresher
	// Config is the configuration in force (the daemon's, which changes
	// on reload). Each refresh takes its source's URL and format from it;
	// the sources and their refresh specs are taken at Run and again at
	// each Reloaded.
	Config   func() *config.Config
	Logger   *slog.Logger // nil: discard
	Observer Observer     // nil: nobody
	Changed  func()       // nil: nothing

	mu sync.Mutex // one refresh at a time: they share the state directory and the reload

	reloadOnce sync.Once
	reloads    chan struct{} // one pending reload is enough: Run reads the configuration in force then
}

// Reloaded tells the runner that the configuration in force changed. It
// never blocks (the daemon calls it from its reload, which a refresh may
// have started), and reloads told before Run are taken by Run's start.
func (r *Runner) Reloaded() {
	select {
	case r.reloaded() <- struct{}{}:
	default: // one is pending already
	}
}

func (r *Runner) reloaded() chan struct{} {
	r.reloadOnce.Do(func() { r.reloads = make(chan struct{}, 1) })
	return r.reloads
}

// Run refreshes every source once, then on cron until ctx ends, following
// each reload it is told of. It returns only after every refresh it
// started has finished.
func (r *Runner) Run(ctx context.Context) error {
	log := r.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := r.Config()
	r.refreshAll(ctx, log, cfg.Sources)
	c, plan := r.schedule(ctx, log, cfg), cronPlan(cfg)
	for {
		select {
		case <-ctx.Done():
			<-c.Stop().Done()
			return nil
		case <-r.reloaded():
		}
		next := r.Config()
		if p := cronPlan(next); p != plan {
			<-c.Stop().Done() // a refresh under way finishes first
			c, plan = r.schedule(ctx, log, next), p
			log.Info("source refreshes follow the reloaded configuration", "sources", len(next.Sources))
		}
		// A source new to this configuration, or read from another
		// address or in another format, is read at once, as at start.
		var fresh []config.Source
		for _, src := range next.Sources {
			if old := cfg.SourceOf(src.Schedule); old == nil || old.URL != src.URL || old.Format != src.Format {
				fresh = append(fresh, src)
			}
		}
		cfg = next
		r.refreshAll(ctx, log, fresh)
	}
}

// schedule starts a cron with each source of cfg on its refresh spec.
func (r *Runner) schedule(ctx context.Context, log *slog.Logger, cfg *config.Config) *cron.Cron {
	c := cron.New(cron.WithLocation(cfg.Location))
	for _, src := range cfg.Sources {
		sch, err := config.ParseCheck(src.Refresh)
		if err != nil {
			// config validated it; a spec refused here is a bug, and
			// the source is still read at every start.
			log.Error("source refresh spec refused", "schedule", src.Schedule, "refresh", src.Refresh, "err", err)
			continue
		}
		id := src.Schedule
		c.Schedule(sch, cron.FuncJob(func() {
			if cur := r.Config().SourceOf(id); cur != nil {
				r.refreshAll(ctx, log, []config.Source{*cur})
			}
		}))
	}
	c.Start()
	return c
}

// cronPlan is what the cron entries of cfg depend on: the time zone and
// each source's refresh spec. Equal plans need no new cron.
func cronPlan(cfg *config.Config) string {
	var b strings.Builder
	if cfg.Location != nil {
		b.WriteString(cfg.Location.String())
	}
	for _, src := range cfg.Sources {
		fmt.Fprintf(&b, "\n%s\t%s", src.Schedule, src.Refresh)
	}
	return b.String()
}

// refreshAll refreshes srcs one after the other and reloads once if any
// reading changed.
func (r *Runner) refreshAll(ctx context.Context, log *slog.Logger, srcs []config.Source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, src := range srcs {
		if ctx.Err() != nil {
			return
		}
		res := r.refreshOne(ctx, log, src)
		changed = changed || (res != nil && res.Err == nil && res.Changed())
	}
	if changed && r.Changed != nil {
		r.Changed()
	}
}

// refreshOne refreshes one source, logs how it went and tells the
// observer. It returns nil when the state directory could not be written.
func (r *Runner) refreshOne(ctx context.Context, log *slog.Logger, src config.Source) *Result {
	cfg := r.Config()
	rf := r.Refresher
	rf.Location = cfg.Location
	res, err := rf.Refresh(ctx, src)
	if err != nil {
		log.Error("source refresh: the reading could not be kept", "schedule", src.Schedule, "err", err)
		r.observe(src.Schedule, false, res)
		return nil
	}
	switch {
	case res.Err != nil:
		args := []any{"schedule", src.Schedule, "url", src.URL, "err", res.Err}
		if res.Kept != nil {
			args = append(args, "kept_from", res.Kept.FetchedAt, "failures", res.Kept.Failures)
			log.Warn("source refresh failed; the last good reading is kept", args...)
		} else {
			log.Warn("source refresh failed; there is no reading yet", args...)
		}
	case res.NotModified:
		log.Debug("source not modified", "schedule", src.Schedule, "url", src.URL)
	default:
		log.Info("source read", "schedule", src.Schedule, "url", src.URL,
			"exceptions", len(res.Kept.Exceptions), "periods", len(res.Kept.Periods),
			"warnings", len(res.Kept.Warnings), "changes", len(res.Changes))
		for _, w := range res.Kept.Warnings {
			log.Warn("source: a line not used", "schedule", src.Schedule, "text", w.Text, "why", w.Message)
		}
		for _, s := range cfg.Schedules {
			if s.ID == src.Schedule {
				if msg, ok := WeeklyDiffers(s, res.Kept); ok {
					log.Warn("source: regular week differs", "schedule", src.Schedule, "msg", msg)
				}
			}
		}
	}
	r.observe(src.Schedule, res.Err == nil, res)
	return res
}

func (r *Runner) observe(schedule string, ok bool, res *Result) {
	if r.Observer == nil {
		return
	}
	var last time.Time
	if res != nil && res.Kept != nil {
		last = res.Kept.CheckedAt
	}
	r.Observer.SourceRefreshed(schedule, ok, last)
}
