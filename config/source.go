package config

import (
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule/source"
)

// DefaultRefresh is when a source is fetched again unless its schedule says
// otherwise: once a day, early, so that a date the publisher added
// yesterday is known before the evening's checks. Places change these
// pages a few times a year; a daily look is plenty and polite.
const DefaultRefresh = "0 6 * * *"

// MinRefresh is the shortest time between two refreshes of one source a
// refresh spec may ask for. A publisher's page is somebody else's server:
// hoursd does not poll it every minute.
const MinRefresh = time.Hour

// Source is where a schedule's dated rules are read from: a page the place
// publishes itself. What it yields is kept in the state directory and merged
// into the schedule under the configuration's own exceptions (package
// daemon/sources).
type Source struct {
	Schedule string // the id of the schedule it belongs to
	URL      string // https://, or http:// to this machine only
	Format   string // one of source.Formats
	Refresh  string // cron spec in the configuration's timezone; DefaultRefresh when not given
}

// SourceOf is the source of the schedule id, or nil when it has none.
func (c *Config) SourceOf(id string) *Source {
	for i := range c.Sources {
		if c.Sources[i].Schedule == id {
			return &c.Sources[i]
		}
	}
	return nil
}

// rawSource is a schedule's source: key as the user wrote it.
type rawSource struct {
	URL     string `mapstructure:"url" yaml:"url"`
	Format  string `mapstructure:"format" yaml:"format"`
	Refresh string `mapstructure:"refresh" yaml:"refresh"`
}

// buildSource checks the source of the schedule at path p and, when it has
// one, adds it to c.Sources. The default refresh is written back into the
// raw file so that `config show` prints it.
func (b *builder) buildSource(c *Config, p string, r *rawSchedule) {
	rs := r.Source
	if rs == nil || b.failed(p) {
		return
	}
	if rs.URL == "" {
		b.add(join(p, "url"), "missing: give the address of the page that lists the place's hours")
	} else if u := checkHTTPURL(b.ps, join(p, "url"), rs.URL); u != nil && u.Scheme == "http" && !notifier.IsLoopback(u.Hostname()) {
		// A page read over plain http could be rewritten by anyone on the
		// way, and what it says is announced to subscribers as fact.
		b.add(join(p, "url"), "http:// to %s could be altered on the way; use https:// (http:// is allowed only to localhost or a loopback address)", u.Hostname())
	}
	if rs.Format == "" {
		b.add(join(p, "format"), "missing: give one of %s", joinOr(source.Formats))
	} else {
		b.oneOf(join(p, "format"), "source format", rs.Format, source.Formats)
	}
	if rs.Refresh == "" {
		rs.Refresh = DefaultRefresh
	}
	if sch, err := ParseCheck(rs.Refresh); err != nil {
		b.add(join(p, "refresh"), "%v", err)
	} else if gap := shortestGap(sch); gap < MinRefresh {
		b.add(join(p, "refresh"), "%q refreshes every %s; a publisher's page is fetched at most once an hour", rs.Refresh, gap)
	}
	c.Sources = append(c.Sources, Source{Schedule: r.ID, URL: rs.URL, Format: rs.Format, Refresh: rs.Refresh})
}

// shortestGap is the shortest time between two runs of sch over its next
// few hundred runs from a fixed instant: enough to catch "* * * * *",
// "*/5 6 * * *" and "@every 10m" without depending on today's date.
func shortestGap(sch interface{ Next(time.Time) time.Time }) time.Duration {
	t := sch.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	gap := time.Duration(1<<63 - 1)
	for range 200 {
		n := sch.Next(t)
		if n.IsZero() {
			break
		}
		gap = min(gap, n.Sub(t))
		t = n
	}
	return gap
}

// joinOr is "page, jsonld or ics".
func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := ""
	for i, w := range words[:len(words)-1] {
		if i > 0 {
			out += ", "
		}
		out += w
	}
	return out + " or " + words[len(words)-1]
}
