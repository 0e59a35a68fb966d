package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/daemon"
	"github.com/hoursd/hoursd/schedule"
)

// checkAt is what `hoursd check --at` names: an instant (RFC 3339), at
// which every subscriber is checked, or a date, on which each subscriber
// is checked at its own check time that day, as the daemon would.
type checkAt struct {
	instant time.Time
	date    schedule.Date // not zero: a date
}

// parseCheckAt reads --at; "" is now.
func parseCheckAt(s string, now time.Time) (checkAt, error) {
	if s == "" {
		return checkAt{instant: now}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return checkAt{instant: t}, nil
	}
	if d, err := schedule.ParseDate(s); err == nil {
		return checkAt{date: d}, nil
	}
	return checkAt{}, usageError("--at: %q is neither a date such as 2026-04-29 (each subscriber's check time that day) nor an RFC 3339 time such as 2026-04-29T18:00:00+02:00", s)
}

// checkRun is one check of some subscribers at one instant.
type checkRun struct {
	at  time.Time
	cfg *config.Config // only the subscribers checked at `at`
}

// runs are the checks --at asks for: one of every subscriber at an
// instant, or for a date one per distinct check time of that day, each of
// the subscribers whose check spec fires then (their first time that day,
// for a spec that fires more often). skipped lists the subscribers whose
// check does not fire on the date at all (a weekly check, say).
func (c checkAt) runs(cfg *config.Config) (runs []checkRun, skipped []string, err error) {
	if c.date.IsZero() {
		return []checkRun{{at: c.instant, cfg: cfg}}, nil, nil
	}
	start, end := c.date.Time(cfg.Location), c.date.AddDays(1).Time(cfg.Location)
	groups := map[time.Time][]config.Subscriber{}
	for _, s := range cfg.Subscribers {
		spec, err := daemon.ParseSpec(s.Check, cfg.Location)
		if err != nil {
			return nil, nil, fmt.Errorf("subscriber %s: %w", s.ID, err)
		}
		next := spec.Next(start.Add(-time.Nanosecond))
		if next.IsZero() || !next.Before(end) {
			skipped = append(skipped, s.ID)
			continue
		}
		groups[next] = append(groups[next], s)
	}
	for _, at := range slices.SortedFunc(maps.Keys(groups), time.Time.Compare) {
		sub := *cfg // the same configuration, with only these subscribers
		sub.Subscribers = groups[at]
		runs = append(runs, checkRun{at: at, cfg: &sub})
	}
	return runs, skipped, nil
}

// ids lists the subscribers of a run, for its heading.
func (r checkRun) ids() string {
	ids := make([]string, len(r.cfg.Subscribers))
	for i, s := range r.cfg.Subscribers {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}

// only keeps the messages of the run's subscribers in a report of all of
// them (the running daemon's /dry-run checks every subscriber).
func (r checkRun) only(rep daemon.Report) daemon.Report {
	keep := map[string]bool{}
	for _, s := range r.cfg.Subscribers {
		keep[s.ID] = true
	}
	rep.Messages = slices.DeleteFunc(rep.Messages, func(m daemon.Delivery) bool { return !keep[m.Subscriber] })
	return rep
}
