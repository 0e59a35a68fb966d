package main

import (
	"io"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// This file holds the JSON that the commands print with --format json: the
// shapes of docs/json.md, which its test holds every command's output
// against. The shapes of the daemon's answers (status, check) are daemon's
// (daemon/output.go), since /status.json and /dry-run serve the same.

// (writeJSON, in source.go, writes them indented.)

// checkFormat refuses a --format other than text or json.
func checkFormat(cmd, format string) error {
	if format != "text" && format != "json" {
		return usageError("%s: --format %q is not text or json", cmd, format)
	}
	return nil
}

// dayJSON is one schedule's date in `hoursd day --format json`: the keys
// of upcoming's entries, and the rule that gave the hours.
type dayJSON struct {
	Schedule string                  `json:"schedule"`
	Date     string                  `json:"date"`
	Hours    []notifier.IntervalJSON `json:"hours"`
	Regular  []notifier.IntervalJSON `json:"regular"`
	Rule     ruleJSON                `json:"rule"`
	Name     string                  `json:"name"` // Swedish, else English, else ""
}

// ruleJSON says which rule of the configuration gave a date its hours:
// kind is exception, named_day, holiday, period or weekly; text the rule as
// `hoursd day` prints it ("named_days[1] (valborgsmassoafton)").
type ruleJSON struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

func dayJSONOf(s *schedule.Schedule, d schedule.Date) dayJSON {
	day := s.Day(d)
	return dayJSON{
		Schedule: s.ID, Date: d.String(), Hours: notifier.HoursJSON(day.Hours), Regular: notifier.HoursJSON(day.Regular),
		Rule: ruleJSON{Kind: string(day.Source), Text: day.Rule}, Name: words.Swedish.Name(day.Name),
	}
}

// writeJSONOne writes v as a list, or its one element as an object when
// --schedule named one (one): a command given --schedule ID prints the
// object, not a list of one (docs/json.md).
func writeJSONOne[T any](w io.Writer, v []T, one bool) error {
	if one && len(v) == 1 {
		return writeJSON(w, v[0])
	}
	return writeJSON(w, v)
}

// writeDayJSON writes the date of every schedule as a list, or of the one
// schedule --schedule named as an object.
func writeDayJSON(w io.Writer, scheds []*schedule.Schedule, d schedule.Date, one bool) error {
	days := make([]dayJSON, len(scheds))
	for i, s := range scheds {
		days[i] = dayJSONOf(s, d)
	}
	if one && len(days) == 1 {
		return writeJSON(w, days[0])
	}
	return writeJSON(w, days)
}

// validateJSON is `hoursd validate --format json`: valid with what was
// loaded, or not with every problem at its key path.
type validateJSON struct {
	Valid       bool          `json:"valid"`
	Config      string        `json:"config"` // the file read, or "built-in default"
	Schedules   int           `json:"schedules"`
	Channels    int           `json:"channels"`
	Subscribers int           `json:"subscribers"`
	Timezone    string        `json:"timezone"`
	Problems    []problemJSON `json:"problems"`
	Warnings    []string      `json:"warnings"`
}

// problemJSON is one config.Problem.
type problemJSON struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func validJSON(cfg *config.Config, warnings []string) validateJSON {
	if warnings == nil {
		warnings = []string{}
	}
	return validateJSON{Valid: true, Config: cfg.Source, Schedules: len(cfg.Schedules), Channels: len(cfg.Channels),
		Subscribers: len(cfg.Subscribers), Timezone: cfg.Timezone, Problems: []problemJSON{}, Warnings: warnings}
}

func invalidJSON(ve *config.ValidationError) validateJSON {
	out := validateJSON{Config: ve.Source, Problems: make([]problemJSON, len(ve.Problems)), Warnings: []string{}}
	for i, p := range ve.Problems {
		out.Problems[i] = problemJSON{Path: p.Path, Message: p.Message}
	}
	return out
}
