package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// defaultDays is the window `hoursd upcoming` shows without --days: a month,
// as far ahead as anyone plans a call.
const defaultDays = 30

// lastDate is the last date hoursd can write as YYYY-MM-DD.
var lastDate = schedule.Date{Year: 9999, Month: time.December, Day: 31}

func newUpcomingCmd(a *app) *cobra.Command {
	var o struct {
		from, schedule, format string
		days                   int
	}
	cmd := &cobra.Command{
		Use:   "upcoming",
		Short: "List the days that differ from the usual hours (default: the next 30 days from tomorrow)",
		Long: `List the changes of the schedules in a window of days: days whose hours
differ from the usual (holidays, shortened eves, exceptions) and the start and
end of periods with their own hours (summer hours). The window starts
tomorrow in the configuration's time zone unless --from says otherwise.

--format json prints an array in date order across schedules.`,
		Example: `  hoursd upcoming
  hoursd upcoming --from 2026-01-01 --days 365
  hoursd upcoming --schedule kundcenter --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.format != "text" && o.format != "json" {
				return usageError("upcoming: --format %q is not text or json", o.format)
			}
			if o.days < 1 {
				return usageError("upcoming: --days %d: the window must be at least 1 day", o.days)
			}
			scheds, from, err := a.schedulesOn(cmd, o.schedule, "from", o.from, 1)
			if err != nil {
				return err
			}
			if lastDate.Sub(from) < o.days-1 {
				return usageError("upcoming: --days %d from %s goes past %s", o.days, from, lastDate)
			}
			return writeUpcoming(a.stdout, scheds, from, o.days, o.format)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "first date of the window, YYYY-MM-DD (default tomorrow)")
	f.IntVar(&o.days, "days", defaultDays, "number of days in the window")
	f.StringVar(&o.schedule, "schedule", "", "only this schedule id (default all)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

func newDayCmd(a *app) *cobra.Command {
	var o struct{ date, schedule, format string }
	cmd := &cobra.Command{
		Use:   "day",
		Short: "Show a date's hours and the rule that gave them (default: today)",
		Long: `Show, for each schedule, the hours of one date, its usual hours, its name,
and which rule of the configuration gave the hours: an exception, a named
day, a holiday, a period or the weekly hours. Useful to check a
configuration before hoursd announces anything from it.

--format json prints a list with an object per schedule, or the one object
of the schedule --schedule names (docs/json.md).`,
		Example: `  hoursd day --date 2026-04-30
  hoursd day --date 2026-06-19 --schedule kundcenter
  hoursd day --date 2026-06-19 --schedule kundcenter --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat("day", o.format); err != nil { // output.go
				return err
			}
			scheds, d, err := a.schedulesOn(cmd, o.schedule, "date", o.date, 0)
			if err != nil {
				return err
			}
			if o.format == "json" {
				return writeDayJSON(a.stdout, scheds, d, o.schedule != "")
			}
			return writeDay(a.stdout, scheds, d)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.date, "date", "", "the date, YYYY-MM-DD (default today)")
	f.StringVar(&o.schedule, "schedule", "", "only this schedule id (default all)")
	f.StringVar(&o.format, "format", "text", "output format: text or json (docs/json.md)")
	return cmd
}

// noArgs refuses positional arguments, with a hint where the command has a
// date flag: `hoursd day 2026-04-30` is a forgotten --date. (argsAreUsage
// would make any refusal exit 2; a usageError here keeps the message free of
// its command-path prefix.)
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		hint := ""
		for _, f := range []string{"date", "from"} {
			if cmd.Flags().Lookup(f) != nil {
				hint = fmt.Sprintf(" (dates go in flags, e.g. --%s 2026-04-30)", f)
				break
			}
		}
		return usageError("%s takes no arguments, got %q%s", cmd.Name(), args, hint)
	}
	return nil
}

// schedulesOn loads the configuration and resolves what the schedule
// commands share: the --schedule flag and a date flag, whose default is today
// plus offset days. This is the one place those commands read the clock.
//
// A date flag given but empty (`--from "$DAY"` with DAY unset) is an error
// rather than the default: a script would otherwise get tomorrow's answer
// to a question about another day.
func (a *app) schedulesOn(c *cobra.Command, scheduleID, dateName, dateValue string, offset int) ([]*schedule.Schedule, schedule.Date, error) {
	cmd := c.Name()
	if dateValue == "" && c.Flags().Changed(dateName) {
		dflt := "today"
		if offset == 1 {
			dflt = "tomorrow"
		}
		return nil, schedule.Date{}, usageError("%s: --%s is empty; give a date YYYY-MM-DD, or leave the flag out for %s", cmd, dateName, dflt)
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, schedule.Date{}, err
	}
	scheds, err := selectSchedules(cfg, scheduleID)
	if err != nil {
		return nil, schedule.Date{}, usageError("%s: %v", cmd, err)
	}
	d, err := dateFlag(dateName, dateValue, cfg.Location, time.Now(), offset)
	if err != nil {
		return nil, schedule.Date{}, usageError("%s: %v", cmd, err)
	}
	return scheds, d, nil
}

// selectSchedules is every schedule of the configuration, or the one named
// by --schedule.
func selectSchedules(cfg *config.Config, id string) ([]*schedule.Schedule, error) {
	if id == "" {
		return cfg.Schedules, nil
	}
	if s := cfg.Schedule(id); s != nil {
		return []*schedule.Schedule{s}, nil
	}
	known := make([]string, len(cfg.Schedules))
	for i, s := range cfg.Schedules {
		known[i] = s.ID
	}
	return nil, fmt.Errorf("--schedule %q: no such schedule in %s (known: %s)", id, cfg.Source, strings.Join(known, ", "))
}

// dateFlag parses a date flag; when it is empty, the date is today plus
// offset days in loc, the zone the schedules' wall clocks are in.
func dateFlag(name, value string, loc *time.Location, now time.Time, offset int) (schedule.Date, error) {
	if value == "" {
		if loc == nil {
			loc = time.Local
		}
		return schedule.DateOf(now.In(loc)).AddDays(offset), nil
	}
	d, err := schedule.ParseDate(value)
	if err != nil {
		return schedule.Date{}, fmt.Errorf("--%s: %w", name, err)
	}
	return d, nil
}

// collectChanges is the changes of every schedule in the window, in date
// order; on the same date, schedules keep the configuration's order.
func collectChanges(scheds []*schedule.Schedule, from schedule.Date, days int) []schedule.Change {
	var all []schedule.Change
	for _, s := range scheds {
		all = append(all, s.Changes(from, days)...)
	}
	slices.SortStableFunc(all, func(a, b schedule.Change) int { return a.Date.Compare(b.Date) })
	return all
}

// writeUpcoming writes the changes of scheds in from..from+days-1 as text
// for people or as the JSON of docs/schedule.md.
func writeUpcoming(w io.Writer, scheds []*schedule.Schedule, from schedule.Date, days int, format string) error {
	changes := collectChanges(scheds, from, days)
	if format == "json" {
		return writeChangesJSON(w, changes)
	}
	return writeChangesText(w, scheds, changes, from, from.AddDays(days-1))
}

// writeChangesJSON prints the array one change to a line, as
// docs/schedule.md shows it, so that it reads and diffs well and still parses as JSON.
func writeChangesJSON(w io.Writer, changes []schedule.Change) error {
	var buf bytes.Buffer
	buf.WriteString("[")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // names such as "Dag före alla helgons dag" or "A & B" stay as written
	for i, c := range changes {
		if i > 0 {
			buf.WriteString(",\n ")
		}
		// notifier's shape, the one the webhook's items have: a period
		// carries its whole week (docs/json.md).
		if err := enc.Encode(notifier.ChangeJSONOf(c)); err != nil {
			return fmt.Errorf("upcoming: encode change of %s: %w", c.Date, err)
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	buf.WriteString("]\n")
	_, err := w.Write(buf.Bytes())
	return err
}

// displayName is a name as the text output of the schedule commands shows
// it: Swedish, the language of the places hoursd follows, with the English
// name in parentheses for readers who do not know the Swedish days
// ("Valborgsmässoafton (Walpurgis Night)"). The labels around it are English.
func displayName(n schedule.Name) string {
	name := words.Swedish.Name(n)
	if n.EN != "" && n.EN != name {
		name += " (" + n.EN + ")"
	}
	return name
}

// writeChangesText prints the changes grouped by schedule, one aligned line
// per change: weekday, date, name, the hours, and the usual hours beside them.
// Hours and weeks are written in the configuration's own syntax (schedule's
// String: "08:00-11:30", "mon-fri 08:00-16:00"), so that an operator can
// hold them against the file; the words around them are words.English, the
// table the messages and the page use.
func writeChangesText(w io.Writer, scheds []*schedule.Schedule, changes []schedule.Change, from, to schedule.Date) error {
	var buf bytes.Buffer
	for i, s := range scheds {
		if i > 0 {
			buf.WriteString("\n")
		}
		fmt.Fprintf(&buf, "%s\nDays that differ from the usual hours, %s to %s:\n", scheduleTitle(s), dayAndDate(from), dayAndDate(to))
		var mine []schedule.Change
		for _, c := range changes {
			if c.Schedule == s.ID {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			buf.WriteString("  none\n")
			continue
		}
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  DAY\tDATE\tNAME\tHOURS\tUSUAL")
		for _, c := range mine {
			name, hours, usual := displayName(c.Name), c.Hours.String(), c.Regular.String()
			if name == "" {
				name = "(no name)"
			}
			switch c.Kind {
			case schedule.KindPeriodStart:
				name = fmt.Sprintf("%s, until %s", name, dayAndDate(c.Until))
				hours, usual = c.Weekly.String(), c.RegularWeekly.String()
			case schedule.KindPeriodEnd:
				name = fmt.Sprintf("%s over, usual hours again", name)
				hours, usual = c.Weekly.String(), ""
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", words.English.ShortWeekday(c.Date.Weekday()), c.Date, name, hours, usual)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := w.Write(trimLineEnds(buf.Bytes()))
	return err
}

// trimLineEnds drops the spaces tabwriter pads an empty last column with.
func trimLineEnds(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimRight(l, " ")
	}
	return bytes.Join(lines, []byte("\n"))
}

// scheduleTitle is "Försäkringskassan kundcenter (kundcenter), 0771-524 524".
func scheduleTitle(s *schedule.Schedule) string {
	t := s.ID
	if s.Title != "" {
		t = fmt.Sprintf("%s (%s)", s.Title, s.ID)
	}
	if s.Phone != "" {
		t += ", " + s.Phone
	}
	return t
}

// dayAndDate is "Thu 2026-04-30".
func dayAndDate(d schedule.Date) string {
	return words.English.ShortWeekday(d.Weekday()) + " " + d.String()
}

// writeDay prints, for each schedule, the date's hours, its usual hours,
// its name and the rule that gave the hours.
func writeDay(w io.Writer, scheds []*schedule.Schedule, d schedule.Date) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s %s\n", words.English.Weekday(d.Weekday()), d)
	for _, s := range scheds {
		day := s.Day(d)
		fmt.Fprintf(&buf, "\n%s\n", scheduleTitle(s))
		tw := tabwriter.NewWriter(&buf, 0, 0, 1, ' ', 0)
		fmt.Fprintf(tw, "  hours:\t%s\n", day.Hours)
		fmt.Fprintf(tw, "  usual:\t%s\n", day.Regular)
		if day.Name != (schedule.Name{}) {
			fmt.Fprintf(tw, "  name:\t%s\n", displayName(day.Name))
		}
		fmt.Fprintf(tw, "  rule:\t%s\n", day.Rule)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}
