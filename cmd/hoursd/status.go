package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/daemon"
)

func newStatusCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show next checks, recent deliveries, and what is pending or failed",
		Long: `Show each subscriber's next and last check, the recent deliveries, and the
messages pending or failed with their last error: the answer to "why did
nothing arrive?". It reads the state file; while the daemon runs and holds
it, the answer comes from the daemon's /status.json on http.listen.

--format json prints what /status.json serves (docs/json.md); the sources
are hoursd source show's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat("status", format); err != nil { // output.go
				return err
			}
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			var st daemon.Status
			d, err := daemon.NewReadOnly(cfg, daemon.Options{LockTimeout: 200 * time.Millisecond})
			switch {
			case errors.Is(err, daemon.ErrInUse) && cfg.HTTP.Listen != "":
				if st, err = fetchStatus(cmd.Context(), "http://"+localAddr(cfg.HTTP.Listen)+"/status.json"); err != nil {
					return fmt.Errorf("the daemon holds the state; asking it failed: %w", err)
				}
			case errors.Is(err, daemon.ErrInUse):
				return fmt.Errorf("%w (with http.listen set, hoursd status asks the running daemon instead)", err)
			case err != nil:
				return err
			default:
				defer d.Close()
				if st, err = d.Status(); err != nil {
					return err
				}
			}
			if format == "json" {
				return writeJSON(a.stdout, daemon.StatusJSONOf(st))
			}
			printStatus(a, st, cfg.Location)
			printSources(a, cfg) // source.go
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json (docs/json.md)")
	return cmd
}

// fetchStatus asks the daemon for /status.json and reads it back into the
// status it printed, so that it is printed as one read here would be.
func fetchStatus(ctx context.Context, url string) (daemon.Status, error) {
	var st daemon.StatusJSON
	if err := getJSON(ctx, url, 5*time.Second, &st); err != nil {
		return daemon.Status{}, err
	}
	return st.Status()
}

func printStatus(a *app, st daemon.Status, loc *time.Location) {
	const stamp = "2006-01-02 15:04 MST"
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.In(loc).Format(stamp)
	}
	w := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	health := "healthy"
	if !st.Healthy {
		health = "unhealthy: " + st.Problem
	}
	if st.State == "" {
		// Nothing ran here yet, so there is no health to speak of.
		st.State, health = "(no state file yet: nothing was sent)", "no daemon has run on it"
	}
	fmt.Fprintf(w, "state\t%s\t%s\n\n", st.State, health)
	if len(st.Replicas) > 0 {
		fmt.Fprintln(w, "REPLICA\tALIVE\tSTARTED\tLAST SEEN\tSENT\tHOLDS")
		for _, r := range st.Replicas {
			name := r.Name
			if r.Self {
				name += " (this one)"
			}
			alive := "no"
			if r.Alive {
				alive = "yes"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\n", name, alive, when(r.Started), when(r.Seen), r.Sent, r.Claimed)
		}
		fmt.Fprintln(w)
	}
	// LAST CHECK is when the last check ran, as on the status page; AS
	// OF the instant it checked for, which a check caught up after
	// downtime puts earlier.
	fmt.Fprintln(w, "SUBSCRIBER\tCHECK\tNEXT CHECK\tLAST CHECK\tAS OF\tLAST ERROR")
	for _, s := range st.Subscribers {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Check, when(s.Next), when(s.LastRan), when(s.LastCheck), s.LastError)
	}
	list := func(title string, ds []daemon.Delivery, until bool) {
		fmt.Fprintf(w, "\n%s (%d)\n", title, len(ds))
		for _, dl := range ds {
			state := string(dl.State)
			if until {
				// How long hoursd keeps trying is half the answer to
				// "will it still arrive?".
				state += ", retried until " + when(dl.Due)
			}
			fmt.Fprintf(w, "  #%d\t%s\t%s\t%s\tattempts %d\t%s\t%s\n", dl.ID, state, when(dl.Updated), dl.Target, dl.Attempts, dl.Subject, dl.LastError)
		}
	}
	list("pending", st.Pending, true)
	list("failed", st.Failed, false)
	list("recent deliveries", st.Recent, false)
	w.Flush()
}
