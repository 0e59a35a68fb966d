package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/schedule"
	"github.com/hoursd/hoursd/schedule/osm"
)

// osmYears is how far ahead `hoursd osm` makes its expression mean the same
// as the schedule: named days that move, and dated periods, are written for
// these years only.
const osmYears = 10

func newOSMCmd(a *app) *cobra.Command {
	var o struct{ from, schedule, format string }
	cmd := &cobra.Command{
		Use:   "osm",
		Short: "Print schedules as OpenStreetMap opening_hours expressions",
		Long: `Print each schedule as an OpenStreetMap opening_hours expression that gives
the same hours on every day of the ten years from --from (default: today in
the configuration's time zone). A schedule written as opening_hours is
printed as written; one written as weekly/holidays/named_days/periods/
exceptions is written least specific rule first, named days as dates or
easter offsets where that holds for the ten years, else as dated lists.

With one schedule the text output is the bare expression; with several,
one "ID: expression" line each. --format json prints an array of
{"schedule", "from", "to", "opening_hours"}, or with --schedule the one
object.`,
		Example: `  hoursd osm --schedule kundcenter
  hoursd osm --from 2026-01-01 --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.format != "text" && o.format != "json" {
				return usageError("osm: --format %q is not text or json", o.format)
			}
			scheds, from, err := a.schedulesOn(cmd, o.schedule, "from", o.from, 0)
			if err != nil {
				return err
			}
			if from.Year > lastDate.Year-osmYears {
				return usageError("osm: --from %s: ten years from it go past %s", from, lastDate)
			}
			return writeOSM(a.stdout, scheds, from, o.format, o.schedule != "")
		},
	}
	cmd.Flags().StringVar(&o.from, "from", "", "first date the expression must hold for, YYYY-MM-DD (default: today)")
	cmd.Flags().StringVar(&o.schedule, "schedule", "", "print only this schedule")
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

// jsonOSM is one schedule in the JSON of `hoursd osm`.
type jsonOSM struct {
	Schedule     string `json:"schedule"`
	From         string `json:"from"`
	To           string `json:"to"`
	OpeningHours string `json:"opening_hours"`
}

// writeOSM writes each schedule's expression; with --schedule (one), the
// JSON is the one object rather than a list of one, as `day`'s.
func writeOSM(w io.Writer, scheds []*schedule.Schedule, from schedule.Date, format string, one bool) error {
	to := schedule.Date{Year: from.Year + osmYears, Month: from.Month, Day: from.Day}.AddDays(-1)
	out := make([]jsonOSM, len(scheds))
	for i, s := range scheds {
		out[i] = jsonOSM{Schedule: s.ID, From: from.String(), To: to.String(), OpeningHours: osm.Format(s, from, osmYears)}
	}
	if format == "json" {
		return writeJSONOne(w, out, one)
	}
	for _, o := range out {
		var err error
		if len(out) == 1 {
			_, err = fmt.Fprintln(w, o.OpeningHours)
		} else {
			_, err = fmt.Fprintf(w, "%s: %s\n", o.Schedule, o.OpeningHours)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
