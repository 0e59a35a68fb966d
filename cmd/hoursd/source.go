package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/daemon"
	"github.com/hoursd/hoursd/daemon/sources"
	"github.com/hoursd/hoursd/daemon/web"
)

// projectURL is where the User-Agent of a fetch points a publisher who
// wonders who is asking.
const projectURL = "https://github.com/hoursd/hoursd"

// userAgent is "hoursd/VERSION (+URL)".
func userAgent() string {
	v, _ := buildVersion()
	if v == "" {
		v = "devel"
	}
	return "hoursd/" + v + " (+" + projectURL + ")"
}

func newSourceCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "source",
		Short: "Fetch the schedules' sources now, or show what hoursd keeps of them",
		Args:  cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("source: unknown subcommand %q; the subcommands are fetch and show", args[0])
			}
			return usageError("source: name a subcommand: fetch or show")
		},
	}
	cmd.AddCommand(newSourceFetchCmd(a), newSourceShowCmd(a))
	return cmd
}

func newSourceFetchCmd(a *app) *cobra.Command {
	var o struct {
		schedule, format string
		force            bool
	}
	cmd := &cobra.Command{
		Use:   "fetch",
		Short: "Fetch and read each source now; keep the reading when it is good",
		Long: `fetch fetches the page of each schedule's source (or of --schedule's),
reads it, and prints what it read — dates, hours, names, periods, warnings —
and what changed since the last reading. A good reading is kept in the state
directory and is what every command and the daemon use from then on (a
running daemon takes it at its next refresh or reload: kill -HUP).

A page that cannot be fetched or read, or that would drop more than half of
the dates still ahead at once, keeps the last good reading; --force keeps
such a reading anyway, after you have looked at the page.

Exit status: 0 when every source was read, 1 when one failed (its last good
reading is kept), 2 for a bad configuration or usage.`,
		Example: `  hoursd source fetch
  hoursd source fetch --schedule kundcenter --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.format != "text" && o.format != "json" {
				return usageError("source fetch: --format %q is not text or json", o.format)
			}
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			srcs, err := selectSources(cfg, o.schedule)
			if err != nil {
				return usageError("source fetch: %v", err)
			}
			rf := &sources.Refresher{
				StateDir: cfg.StateDir, Location: cfg.Location, Force: o.force,
				Getter: &sources.Fetcher{UserAgent: userAgent()},
			}
			var results []*sources.Result
			failed := 0
			for _, src := range srcs {
				res, err := rf.Refresh(cmd.Context(), src)
				if err != nil {
					return err
				}
				if res.Err != nil {
					failed++
				}
				results = append(results, res)
			}
			if o.format == "json" {
				err = writeFetchJSON(a.stdout, results, cfg.Location, o.schedule != "")
			} else {
				writeFetchText(a.stdout, cfg, results)
			}
			if err != nil {
				return err
			}
			if failed > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%d of %d source(s) could not be read; the last good readings are kept", failed, len(results))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.schedule, "schedule", "", "only this schedule's source (default all)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.BoolVar(&o.force, "force", false, "keep a reading even when it drops most of the dates ahead")
	return cmd
}

func newSourceShowCmd(a *app) *cobra.Command {
	var o struct{ schedule, format string }
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the kept reading of each source, when and from where it was fetched",
		Long: `show prints what hoursd keeps of each schedule's source: the dates and
periods of the last good reading, when and from where it was fetched, and how
the last refresh went. It reads the state directory only; nothing is fetched.`,
		Args: noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if o.format != "text" && o.format != "json" {
				return usageError("source show: --format %q is not text or json", o.format)
			}
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			srcs, err := selectSources(cfg, o.schedule)
			if err != nil {
				return usageError("source show: %v", err)
			}
			kept := make([]*sources.Kept, 0, len(srcs))
			for _, src := range srcs {
				k, err := sources.Load(cfg.StateDir, src.Schedule)
				if err != nil {
					return err
				}
				if k == nil {
					k = &sources.Kept{Schedule: src.Schedule, URL: src.URL, Format: src.Format}
				}
				kept = append(kept, k)
			}
			if o.format == "json" {
				out := make([]sources.ReadingJSON, len(kept))
				for i, k := range kept {
					out[i] = k.JSON(cfg.Location)
				}
				return writeJSONOne(a.stdout, out, o.schedule != "")
			}
			for i, k := range kept {
				if i > 0 {
					fmt.Fprintln(a.stdout)
				}
				writeKeptText(a.stdout, cfg, srcs[i], k)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.schedule, "schedule", "", "only this schedule's source (default all)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

// selectSources is every source of the configuration, or the one of the
// schedule named by --schedule.
func selectSources(cfg *config.Config, id string) ([]config.Source, error) {
	if id == "" {
		if len(cfg.Sources) == 0 {
			return nil, fmt.Errorf("no schedule in %s has a source (see docs/sources.md)", cfg.Source)
		}
		return cfg.Sources, nil
	}
	if cfg.Schedule(id) == nil {
		if _, err := selectSchedules(cfg, id); err != nil {
			return nil, err
		}
	}
	if src := cfg.SourceOf(id); src != nil {
		return []config.Source{*src}, nil
	}
	return nil, fmt.Errorf("--schedule %q has no source in %s", id, cfg.Source)
}

// fetchJSON is one source's refresh as `source fetch --format json` prints it.
type fetchJSON struct {
	Schedule    string               `json:"schedule"`
	URL         string               `json:"url"`
	OK          bool                 `json:"ok"`
	NotModified bool                 `json:"not_modified"`
	Error       string               `json:"error"` // "" when the refresh worked
	HeldBack    bool                 `json:"held_back"`
	Reading     *sources.ReadingJSON `json:"reading"` // what is kept now; null when there never was a reading
	Changes     []sources.Change     `json:"changes"`
}

// writeFetchJSON writes the refreshes, instants in loc: a list, or the one
// object when --schedule named the source (one).
func writeFetchJSON(w io.Writer, results []*sources.Result, loc *time.Location, one bool) error {
	out := make([]fetchJSON, 0, len(results))
	for _, r := range results {
		f := fetchJSON{Schedule: r.Source.Schedule, URL: r.Source.URL, OK: r.Err == nil, NotModified: r.NotModified,
			Changes: r.Changes}
		if f.Changes == nil {
			f.Changes = []sources.Change{}
		}
		if r.Err != nil {
			f.Error = r.Err.Error()
			f.HeldBack = r.Kept != nil && r.Kept.HeldBack
		}
		if r.Kept != nil && r.Kept.HasReading() {
			reading := r.Kept.JSON(loc)
			f.Reading = &reading
		}
		out = append(out, f)
	}
	return writeJSONOne(w, out, one)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // "<key>_file" and "A & B" as written, not \u003c
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

const stamp = "2006-01-02 15:04 MST"

func writeFetchText(w io.Writer, cfg *config.Config, results []*sources.Result) {
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %s (%s)\n", r.Source.Schedule, r.Source.URL, r.Source.Format)
		switch {
		case r.Err != nil && r.Kept != nil:
			fmt.Fprintf(w, "  FAILED: %v\n  the last good reading, fetched %s, is kept\n", r.Err, r.Kept.FetchedAt.In(cfg.Location).Format(stamp))
			continue
		case r.Err != nil:
			fmt.Fprintf(w, "  FAILED: %v\n  there is no reading yet\n", r.Err)
			continue
		case r.NotModified:
			fmt.Fprintf(w, "  not modified since %s: the kept reading stands\n", r.Kept.FetchedAt.In(cfg.Location).Format(stamp))
			continue
		}
		writeReading(w, cfg, r.Kept)
		fmt.Fprintf(w, "  changes since the last reading (%d):\n", len(r.Changes))
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, c := range r.Changes {
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", c.Action, changeDates(c), c.Name, changeHours(c))
		}
		tw.Flush()
	}
}

func changeDates(c sources.Change) string {
	switch {
	case c.Kind == "weekly":
		return "regular week"
	case c.From == c.To:
		return c.From
	}
	return c.From + ".." + c.To
}

func changeHours(c sources.Change) string {
	switch c.Action {
	case "removed":
		return "(was " + c.Was + ")"
	case "changed":
		return c.Now + " (was " + c.Was + ")"
	}
	return c.Now
}

// writeKeptText is `source show`'s text for one source.
func writeKeptText(w io.Writer, cfg *config.Config, src config.Source, k *sources.Kept) {
	fmt.Fprintf(w, "%s: %s (%s), refreshed on %q\n", src.Schedule, src.URL, src.Format, src.Refresh)
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.In(cfg.Location).Format(stamp)
	}
	if !k.HasReading() {
		fmt.Fprintln(w, "  no reading kept yet (hoursd source fetch)")
	} else {
		fmt.Fprintf(w, "  fetched %s from %s (%s), last confirmed %s\n", when(k.FetchedAt), k.URL, k.Format, when(k.CheckedAt))
		if k.URL != src.URL || k.Format != src.Format {
			fmt.Fprintln(w, "  the configuration names another page or format now: the next refresh reads it")
		}
	}
	if k.LastError != "" {
		fmt.Fprintf(w, "  the last refresh, %s, failed (%d in a row): %s\n", when(k.LastAttempt), k.Failures, k.LastError)
	}
	if k.HasReading() {
		writeReading(w, cfg, k)
	}
}

// writeReading lists a reading's dates, periods, week and warnings.
func writeReading(w io.Writer, cfg *config.Config, k *sources.Kept) {
	fmt.Fprintf(w, "  dates (%d):\n", len(k.Exceptions))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, x := range k.Exceptions {
		d := x.From
		if x.To != x.From {
			d += ".." + x.To
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\n", d, x.HoursText(), x.Name)
	}
	tw.Flush()
	fmt.Fprintf(w, "  periods (%d):\n", len(k.Periods))
	for _, p := range k.Periods {
		fmt.Fprintf(w, "    %s..%s  %s  %s\n", p.From, p.To, p.Name, p.Week.String())
	}
	if k.Weekly != nil {
		line := "  regular week on the page: " + k.Weekly.String()
		if s := cfg.Schedule(k.Schedule); s != nil {
			if msg, ok := sources.WeeklyDiffers(s, k); ok {
				line += "\n  warning: " + msg
			} else {
				line += " (as configured)"
			}
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  warnings (%d):\n", len(k.Warnings))
	for _, wn := range k.Warnings {
		fmt.Fprintf(w, "    %q: %s\n", wn.Text, wn.Message)
	}
}

// startSources starts, beside the daemon, the refreshes of the
// configuration's sources: one at start and then each on its refresh cron.
// A refresh that changes a reading reloads the daemon as SIGHUP would, so
// the next check announces, corrects or cancels what changed. It logs first
// what the daemon's dated knowledge lacks. The returned function stops the
// refreshes and waits for them; the run command defers it. The run command
// calls reloaded after each reload that succeeded, so that the refreshes
// follow the configuration then in force: a source added is read at once,
// a changed refresh spec takes effect, a removed source is read no more.
func startSources(ctx context.Context, a *app, d *daemon.Daemon, obs sources.Observer, log *slog.Logger) (reloaded, stop func()) {
	cfg := d.Config()
	for _, w := range sources.Knowledge(cfg, cfg.StateDir, time.Now()) {
		log.Warn("dated knowledge runs out", "warning", w)
	}
	var r *sources.Runner
	r = &sources.Runner{
		Refresher: sources.Refresher{StateDir: cfg.StateDir, Getter: &sources.Fetcher{UserAgent: userAgent()}},
		Config:    d.Config,
		Logger:    log,
		Observer:  obs,
		Changed: func() {
			log.Info("a source changed; reloading the configuration")
			if err := d.Reload(a.loadConfig); err != nil {
				log.Error("reload after a source changed failed; the configuration in force is kept", "err", err)
				return
			}
			// The file may have been edited since: follow it as
			// after SIGHUP.
			r.Reloaded()
		},
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.Run(ctx)
	}()
	return r.Reloaded, func() { cancel(); <-done }
}

// pageSources is the sources of the configuration in force in the status
// page's terms.
func pageSources(d *daemon.Daemon) []web.SourceStatus {
	cfg := d.Config()
	var out []web.SourceStatus
	for _, st := range sources.Statuses(cfg, cfg.StateDir) {
		out = append(out, web.SourceStatus{Schedule: st.Schedule, URL: st.URL, LastSuccess: st.LastSuccess,
			Error: st.Error, HeldBack: st.HeldBack, Dates: st.Exceptions + st.Periods, Warnings: st.Warnings})
	}
	return out
}

// printSources is the sources section of `hoursd status`, read from the
// kept files: they are the state directory's, readable beside a running
// daemon.
func printSources(a *app, cfg *config.Config) {
	if len(cfg.Sources) == 0 {
		return
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.In(cfg.Location).Format(stamp)
	}
	w := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "\nSOURCE\tLAST GOOD READ\tDATES\tLAST ERROR")
	for _, st := range sources.Statuses(cfg, cfg.StateDir) {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", st.Schedule, when(st.LastSuccess), st.Exceptions+st.Periods, st.Error)
		for _, wn := range st.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", wn)
		}
	}
	w.Flush()
}
