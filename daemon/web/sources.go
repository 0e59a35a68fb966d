package web

import "time"

// SourceStatus is one schedule's source as the status page shows it: where
// hoursd reads the schedule's dates, when that last worked, and what is
// wrong. The command line fills it from daemon/sources.
type SourceStatus struct {
	Schedule    string
	URL         string
	LastSuccess time.Time // zero: never
	Error       string    // why the last refresh failed; "" when it did not
	HeldBack    bool      // the last reading was refused: it dropped most dates
	Dates       int       // exceptions and periods of the kept reading
	Warnings    []string  // what the reader did not use, a regular week that differs
}

// sourceRow is one source in the page's words.
type sourceRow struct {
	Schedule, URL, LastSuccess, Error string
	Dates                             int
	Warnings                          []string
}

// sourceLabels are the words of the sources section, by language.
type sourceLabels struct {
	Heading, LastRead, Dates, Failing, Warning string
}

var sourceWords = map[string]sourceLabels{
	"sv": {Heading: "Källor", LastRead: "Senast läst", Dates: "datum och perioder",
		Failing: "Senaste läsningen misslyckades; den senaste goda behålls", Warning: "Varning"},
	"en": {Heading: "Sources", LastRead: "Last read", Dates: "dates and periods",
		Failing: "The last refresh failed; the last good reading is kept", Warning: "Warning"},
}

// sourceRows lays out the sources for the page. Errors are scrubbed like a
// delivery's: a page's URL in a fetch error is cut to its host.
func (h *Handler) sourceRows(loc *time.Location, l *lang) []sourceRow {
	if h.sources == nil {
		return nil
	}
	var rows []sourceRow
	for _, s := range h.sources() {
		r := sourceRow{Schedule: s.Schedule, URL: maskTarget(s.URL), LastSuccess: l.labels.Never, Dates: s.Dates,
			Error: scrubError(s.Error)}
		if !s.LastSuccess.IsZero() {
			r.LastSuccess = l.dateTime(s.LastSuccess.In(loc))
		}
		for _, w := range s.Warnings {
			r.Warnings = append(r.Warnings, scrubError(w))
		}
		rows = append(rows, r)
	}
	return rows
}
