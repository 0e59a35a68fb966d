package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/daemon"
)

func newCheckCmd(a *app) *cobra.Command {
	var (
		atFlag   string
		dry      bool
		retryFor time.Duration
		format   string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Run one check for every subscriber now (or --at), as the daemon would",
		Long: `Run one check for every subscriber as if at --at (default now), with the
daemon's once-only rules. --at takes an RFC 3339 time, or a date: then each
subscriber is checked at its own check time that day (a subscriber whose
check does not come that day is named on stderr). The checks keep the
daemon's once-only rules: what was already announced is not sent again.
Transient failures are retried for --retry-for; what still failed stays pending
in the outbox for the daemon. Exit status 1 if anything is pending or failed.
With --dry-run the messages are printed and nothing is sent or recorded.

The daemon holds the state while it runs: stop it before a real check. A
--dry-run beside the running daemon asks it over http.listen (/dry-run), and
prints what it answers, as a dry run beside a stopped daemon would.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			when, err := parseCheckAt(atFlag, time.Now())
			if err != nil {
				return err
			}
			if retryFor < 0 {
				return usageError("--retry-for: %s is negative", retryFor)
			}
			if err := checkFormat("check", format); err != nil { // output.go
				return err
			}
			cfg, log, err := a.loadLogged()
			if err != nil {
				return err
			}
			runs, skipped, err := when.runs(cfg) // checkat.go
			if err != nil {
				return err
			}
			for _, id := range skipped {
				fmt.Fprintf(a.stderr, "hoursd: %s: no check on %s\n", id, when.date)
			}
			// What the exit status needs of every check: a check of a
			// hundred thousand targets is not kept twice for it.
			var (
				errs           []error
				unsent, queued int
			)
			checks := []daemon.CheckJSON{}
			for _, r := range runs {
				if format == "text" && (len(runs) > 1 || !when.date.IsZero()) {
					fmt.Fprintf(a.stdout, "══ check at %s: %s\n", r.at.Format(time.RFC3339), r.ids())
				}
				rep, err := checkOnce(cmd, a, r, dry, retryFor, log)
				if err != nil {
					return err
				}
				if format == "json" {
					checks = append(checks, daemon.CheckJSONOf(rep, dry))
				} else {
					printReport(a, rep, dry)
				}
				errs = append(errs, rep.Errors...)
				unsent += rep.Unsent()
				queued += len(rep.Messages)
			}
			if format == "json" {
				// One check (at an instant) is one object, as /dry-run
				// serves it; --at DATE's checks are a list, in time order.
				var v any = checks
				if when.date.IsZero() && len(checks) == 1 {
					v = checks[0]
				}
				if err := writeJSON(a.stdout, v); err != nil {
					return err
				}
			}
			switch {
			case len(errs) > 0:
				return &exitError{code: 1, err: fmt.Errorf("check failed for %d subscriber(s): %w", len(errs), errs[0])}
			case !dry && unsent > 0:
				return &exitError{code: 1, err: fmt.Errorf("%d of %d message(s) not sent; see hoursd status", unsent, queued)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&atFlag, "at", "", "check as if at this RFC 3339 time, or on this date (YYYY-MM-DD) at each subscriber's check time (default now)")
	cmd.Flags().BoolVar(&dry, "dry-run", false, "print the messages; send and record nothing")
	cmd.Flags().DurationVar(&retryFor, "retry-for", 2*time.Minute, "how long to retry transient failures")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json (docs/json.md)")
	return cmd
}

// checkOnce is one check of run: by this process, or for a dry run beside
// the daemon that holds the state, by asking it.
func checkOnce(cmd *cobra.Command, a *app, r checkRun, dry bool, retryFor time.Duration, log *slog.Logger) (daemon.Report, error) {
	cfg, at := r.cfg, r.at
	opts := daemon.Options{Logger: log}
	if cfg.Postgres != nil && !dry {
		// A check beside running replicas is a replica of its own for its
		// lifetime: what it queues and does not send is theirs after it.
		pg := *cfg.Postgres
		pg.Replica = fmt.Sprintf("%s/check-%d", pg.Replica, os.Getpid())
		c := *cfg
		c.Postgres = &pg
		cfg = &c
	}
	var (
		d   *daemon.Daemon
		err error
	)
	if dry {
		d, err = daemon.NewReadOnly(cfg, opts)
	} else {
		d, err = daemon.New(cfg, opts)
	}
	switch {
	case dry && errors.Is(err, daemon.ErrInUse) && cfg.HTTP.Listen != "":
		rep, err := askDryRun(cmd.Context(), a, cfg.HTTP.Listen, at, err)
		return r.only(rep), err
	case dry && errors.Is(err, daemon.ErrInUse):
		return daemon.Report{}, fmt.Errorf("%w (with http.listen set, hoursd check --dry-run asks the running daemon instead)", err)
	case err != nil:
		return daemon.Report{}, err
	}
	defer d.Close()
	return d.Check(cmd.Context(), at, dry, retryFor), nil
}

func printReport(a *app, rep daemon.Report, dry bool) {
	loc := rep.At.Location()
	if len(rep.Messages) == 0 && len(rep.Errors) == 0 {
		fmt.Fprintf(a.stdout, "nothing to announce at %s\n", rep.At.In(loc).Format(time.RFC3339))
		return
	}
	// A line per message: buffered, so that a hundred thousand lines are
	// not a hundred thousand writes.
	out := bufio.NewWriter(a.stdout)
	defer out.Flush()
	for _, m := range rep.Messages {
		if dry {
			fmt.Fprintf(out, "── to %s (%d change(s))\nSubject: %s\n\n%s\n", m.Target, len(m.Items), m.Subject, m.Body)
			continue
		}
		line := fmt.Sprintf("%s: %s", m.Target, m.State)
		if m.Attempts > 0 {
			line += fmt.Sprintf(" after %d attempt(s)", m.Attempts)
		}
		if m.LastError != "" && m.State != daemon.StateSent {
			line += ": " + m.LastError
		}
		fmt.Fprintf(out, "%s — %s\n", line, m.Subject)
	}
}

// askDryRun asks the daemon that holds the state (inUse says which) for the
// dry run at `at`: the daemon plans it with its own state and configuration
// and records nothing, so an operator can preview a live server's messages
// without stopping it. `at` is always sent, so that the answer stands for
// the instant this command was given, in its time zone.
func askDryRun(ctx context.Context, a *app, listen string, at time.Time, inUse error) (daemon.Report, error) {
	u := "http://" + localAddr(listen) + "/dry-run?at=" + url.QueryEscape(at.Format(time.RFC3339Nano))
	who := "the running daemon"
	if e, ok := errors.AsType[*daemon.InUseError](inUse); ok && e.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	fmt.Fprintf(a.stderr, "hoursd: the state is held by %s; asking it for the dry run at http://%s/dry-run\n", who, localAddr(listen))
	var dr daemon.CheckJSON
	if err := getJSON(ctx, u, dryRunTimeout, &dr); err != nil {
		return daemon.Report{}, fmt.Errorf("%w; asking it for the dry run failed: %w", inUse, err)
	}
	// The answer's times keep their offset; In restores the zone's name
	// for anyone printing more than RFC 3339.
	dr.At = dr.At.In(at.Location())
	rep, err := dr.Report()
	if err != nil {
		return daemon.Report{}, fmt.Errorf("%w; reading its dry run failed: %w", inUse, err)
	}
	return rep, nil
}

// dryRunTimeout bounds asking the daemon for a dry run: it plans and renders
// every subscriber's messages, more than a status read, still well within.
const dryRunTimeout = 30 * time.Second

// getJSON GETs url within timeout and decodes its JSON answer into v; an
// answer other than 200 is an error with the status and the first line the
// daemon gave.
func getJSON(ctx context.Context, url string, timeout time.Duration, v any) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		msg, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		return fmt.Errorf("GET %s: %s: %s", req.URL.Path, res.Status, msg)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		return fmt.Errorf("read the answer of GET %s: %w", req.URL.Path, err)
	}
	return nil
}
