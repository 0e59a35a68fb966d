package main

import (
	"bufio"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/daemon/web"
	"github.com/hoursd/hoursd/schedule"
)

// newICSCmd is `hoursd ics`: the calendar feed the daemon serves on
// /calendar/<schedule>.ics, written to stdout, for those who publish it as a
// static file or import it once instead of running the HTTP listener.
func newICSCmd(a *app) *cobra.Command {
	var o struct{ schedule, lang, from string }
	cmd := &cobra.Command{
		Use:   "ics",
		Short: "Write a schedule's calendar feed (iCalendar, RFC 5545) to stdout",
		Long: `Write the changes of one schedule, from 30 days before --from (default
today) to 400 days after it, as an iCalendar file: closed days as all-day
events, shortened days as timed events in the configuration's time zone,
periods with their own hours as one event over their dates. It is the same
feed the daemon serves on /calendar/<schedule>.ics; see docs/web.md.`,
		Example: `  hoursd ics --schedule kundcenter > kundcenter.ics
  hoursd ics --schedule kundcenter --lang en --from 2026-06-01`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if o.schedule == "" {
				return usageError("ics: --schedule is required: the id of the schedule to write")
			}
			if err := web.CheckLang(o.lang); err != nil {
				return usageError("ics: --lang: %v", err)
			}
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			scheds, err := selectSchedules(cfg, o.schedule)
			if err != nil {
				return usageError("ics: %v", err)
			}
			now := time.Now()
			from, err := dateFlag("from", o.from, cfg.Location, now, 0)
			if err != nil {
				return usageError("ics: %v", err)
			}
			return writeICS(a.stdout, scheds[0], cfg.Location, o.lang, from, now)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.schedule, "schedule", "", "the schedule id (required)")
	f.StringVar(&o.lang, "lang", "sv", "language of titles and descriptions: sv or en")
	f.StringVar(&o.from, "from", "", "the date the window is counted from, YYYY-MM-DD (default today)")
	return cmd
}

// writeICS writes the feed of s as it looks on from, stamped now.
func writeICS(w io.Writer, s *schedule.Schedule, loc *time.Location, lang string, from schedule.Date, now time.Time) error {
	bw := bufio.NewWriter(w)
	opts := web.CalendarOptions{Location: loc, Lang: lang, Now: now, From: from}
	if err := web.WriteCalendar(bw, s, opts); err != nil {
		return err
	}
	return bw.Flush()
}
