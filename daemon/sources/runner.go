package sources

import (
	"context"
	"log/slog"
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
// cancels as if the configuration had been edited.
type Runner struct {
	// Refresher does each refresh; its Location is set from the
	// configuration at each refresh.
	Refresher Refresher
	// Config is the configuration in force (the daemon's, which changes
	// on reload). The sources and their refresh specs are taken at Run;
	// a changed URL or format is used from the next refresh on, a new
	// source or refresh spec from the next start.
	Config   func() *config.Config
	Logger   *slog.Logger // nil: discard
	Observer Observer     // nil: nobody
	Changed  func()       // nil: nothing

	mu sync.Mutex // one refresh at a time: they share the state directory and the reload
}

// Run refreshes every source once, then on cron until ctx ends. It returns
// only after every refresh it started has finished.
func (r *Runner) Run(ctx context.Context) error {
	log := r.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := r.Config()
	if len(cfg.Sources) == 0 {
		return nil
	}
	r.refreshAll(ctx, log, cfg.Sources)

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
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
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
