package sources

import (
	"fmt"
	"slices"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
)

// Merge adds the kept reading of each schedule's source to that schedule in
// cfg: its exceptions after the configuration's exceptions and its periods
// after the configuration's periods. The engine takes the first exception
// and the first period listed that match a date (schedule/engine.go), so on
// a date both speak of the operator's word wins; a source's exception still
// ranks above named days and holidays, as any exception does — it is the
// publisher's word about that very date. A schedule written as an
// opening_hours expression takes the periods as seasons among its rules,
// under its own seasons and special days (schedule.WithSeasons).
//
// The schedules are replaced by merged copies; the configuration's own
// lists are not touched. A kept file that cannot be read or no longer fits
// its schedule is left out and returned as a problem: the other commands
// still run, on the configuration alone for that schedule. Merge reads only
// files: no command but a refresh touches the network.
func Merge(cfg *config.Config, stateDir string) []error {
	var problems []error
	for i, s := range cfg.Schedules {
		if cfg.SourceOf(s.ID) == nil {
			continue // a reading kept from a source since removed is not used
		}
		k, err := Load(stateDir, s.ID)
		if err != nil {
			problems = append(problems, fmt.Errorf("schedule %s: %w; its source's rules are left out", s.ID, err))
			continue
		}
		if k == nil || !k.HasReading() {
			continue
		}
		merged, err := mergeInto(s, k)
		if err != nil {
			problems = append(problems, fmt.Errorf("schedule %s: the kept reading %s: %w; its rules are left out", s.ID, Path(stateDir, s.ID), err))
			continue
		}
		cfg.Schedules[i] = merged
	}
	return problems
}

func mergeInto(s *schedule.Schedule, k *Kept) (*schedule.Schedule, error) {
	ex, per, _, err := k.Rules()
	if err != nil {
		return nil, err
	}
	m := *s
	m.Exceptions = append(slices.Clip(slices.Clone(s.Exceptions)), ex...)
	if len(s.Rules) > 0 {
		// An opening_hours schedule has no periods: the source's become
		// seasons among its rules, after its usual week and before its
		// own seasons and special days, so that here too the operator's
		// word wins (schedule.WithSeasons).
		m.Rules = schedule.WithSeasons(s.Rules, per)
	} else {
		m.Periods = append(slices.Clip(slices.Clone(s.Periods)), per...)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// WeeklyDiffers says, when the kept reading states a regular week other than
// the schedule's, how they differ. hoursd never applies a source's week: the
// operator decides, and the difference is a warning for them.
func WeeklyDiffers(s *schedule.Schedule, k *Kept) (string, bool) {
	if k == nil || k.Weekly == nil {
		return "", false
	}
	w, err := modelWeek(k.Weekly)
	if err != nil || w.Equal(s.Weekly) {
		return "", false
	}
	return fmt.Sprintf("the page gives the regular week as %s, the configuration as %s; hoursd keeps the configuration's until you change it", w, s.Weekly), true
}

// StaleAfter is how old the last good reading of a source may grow before
// hoursd warns that it no longer follows the page.
const StaleAfter = 31 * 24 * time.Hour

// Knowledge warns, for each schedule of cfg (merged or not), when its dated
// knowledge runs out: it has dated rules, but no dated period or exception
// in force or ahead within a year of today; or its source's last good
// reading is older than a month, or there is none (which says all: the
// dates are then only the configuration's). A schedule that never
// had a dated rule nor a source has nothing to run out of.
func Knowledge(cfg *config.Config, stateDir string, now time.Time) []string {
	var out []string
	today := schedule.DateOf(now.In(cfg.Location))
	horizon := today.AddDays(366)
	for _, s := range cfg.Schedules {
		src := cfg.SourceOf(s.ID)
		dated, ahead := false, false
		var last schedule.Date
		for _, x := range s.Exceptions {
			dated = true
			last = latest(last, x.To)
			ahead = ahead || (!x.To.Before(today) && x.From.Before(horizon))
		}
		var k *Kept
		var kerr error
		if src != nil {
			k, kerr = Load(stateDir, s.ID)
		}
		periods := s.Periods
		if len(s.Rules) > 0 && kerr == nil && k != nil && k.HasReading() {
			// merged into an opening_hours schedule, the source's
			// periods are rules: count them from the reading
			if _, per, _, err := k.Rules(); err == nil {
				periods = per
			}
		}
		for _, p := range periods {
			if p.From.IsYearly() {
				continue // comes back every year
			}
			dated = true
			last = latest(last, p.To.In(0))
			ahead = ahead || (!p.To.In(0).Before(today) && p.From.In(0).Before(horizon))
		}
		neverRead := src != nil && kerr == nil && (k == nil || !k.HasReading())
		if (dated || src != nil) && !ahead && !neverRead {
			msg := fmt.Sprintf("schedule %s: no dated period or exception from %s to %s", s.ID, today, horizon)
			if !last.IsZero() {
				msg += fmt.Sprintf(" (the last ends %s)", last)
			}
			if src == nil {
				msg += ": add this year's dates, or give the schedule a source (docs/sources.md)"
			} else {
				msg += ": check that its source still lists them (hoursd source fetch)"
			}
			out = append(out, msg)
		}
		if src == nil {
			continue
		}
		switch {
		case kerr != nil:
			out = append(out, fmt.Sprintf("schedule %s: %v", s.ID, kerr))
		case neverRead:
			out = append(out, fmt.Sprintf("schedule %s: its source has never been read (hoursd source fetch --schedule %s)", s.ID, s.ID))
		case now.Sub(k.CheckedAt) > StaleAfter:
			out = append(out, fmt.Sprintf("schedule %s: the last good reading of its source is from %s, more than a month ago", s.ID, k.CheckedAt.In(cfg.Location).Format(time.DateOnly)))
		}
	}
	return out
}

func latest(a, b schedule.Date) schedule.Date {
	if b.After(a) {
		return b
	}
	return a
}
