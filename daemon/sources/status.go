package sources

import (
	"time"

	"github.com/hoursd/hoursd/config"
)

// Status is one source as `hoursd status`, the status page and the log show
// it.
type Status struct {
	Schedule    string    `json:"schedule"`
	URL         string    `json:"url"`
	Format      string    `json:"format"`
	Refresh     string    `json:"refresh"`
	LastSuccess time.Time `json:"last_success,omitzero"` // zero: never
	LastAttempt time.Time `json:"last_attempt,omitzero"` // zero: never
	FetchedAt   time.Time `json:"fetched_at,omitzero"`   // when the kept reading's page was fetched
	Exceptions  int       `json:"exceptions"`            // rules of the kept reading
	Periods     int       `json:"periods"`
	Warnings    []string  `json:"warnings"` // the reader's warnings, and a regular week that differs
	Error       string    `json:"error,omitempty"`
	HeldBack    bool      `json:"held_back,omitempty"`
}

// Statuses reads the kept files of cfg's sources. A schedule's weekly is
// compared with the configuration's own, so pass the configuration as
// loaded, merged or not: merging never changes a schedule's week.
func Statuses(cfg *config.Config, stateDir string) []Status {
	out := make([]Status, 0, len(cfg.Sources))
	for _, src := range cfg.Sources {
		st := Status{Schedule: src.Schedule, URL: src.URL, Format: src.Format, Refresh: src.Refresh, Warnings: []string{}}
		k, err := Load(stateDir, src.Schedule)
		switch {
		case err != nil:
			st.Error = err.Error()
		case k != nil:
			st.LastSuccess, st.LastAttempt, st.FetchedAt = k.CheckedAt, k.LastAttempt, k.FetchedAt
			st.Exceptions, st.Periods = len(k.Exceptions), len(k.Periods)
			st.Error, st.HeldBack = k.LastError, k.HeldBack
			for _, w := range k.Warnings {
				st.Warnings = append(st.Warnings, w.Text+": "+w.Message)
			}
			for _, s := range cfg.Schedules {
				if s.ID == src.Schedule {
					if msg, ok := WeeklyDiffers(s, k); ok {
						st.Warnings = append(st.Warnings, msg)
					}
				}
			}
		}
		out = append(out, st)
	}
	return out
}
