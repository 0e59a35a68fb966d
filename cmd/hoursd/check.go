package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/daemon"
)

func newCheckCmd(a *app) *cobra.Command {
	var (
		atFlag   string
		dry      bool
		retryFor time.Duration
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Run one check for every subscriber now (or --at), as the daemon would",
		Long: `Run one check for every subscriber as if at --at (default now), with the
daemon's once-only rules: what was already announced is not sent again.
Transient failures are retried for --retry-for; what still failed stays pending
in the outbox for the daemon. Exit status 1 if anything is pending or failed.
With --dry-run the messages are printed and nothing is sent or recorded.

The daemon holds the state while it runs: stop it first, or use --dry-run
beside a stopped daemon.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			at := time.Now()
			if atFlag != "" {
				t, err := time.Parse(time.RFC3339, atFlag)
				if err != nil {
					return usageError("--at: %q is not an RFC 3339 time such as 2026-04-29T18:00:00+02:00", atFlag)
				}
				at = t
			}
			if retryFor < 0 {
				return usageError("--retry-for: %s is negative", retryFor)
			}
			cfg, log, err := a.loadLogged()
			if err != nil {
				return err
			}
			opts := daemon.Options{Logger: log}
			var d *daemon.Daemon
			if dry {
				d, err = daemon.NewReadOnly(cfg, opts)
			} else {
				d, err = daemon.New(cfg, opts)
			}
			if err != nil {
				return err
			}
			defer d.Close()
			rep := d.Check(cmd.Context(), at, dry, retryFor)
			printReport(a, rep, dry)
			switch {
			case len(rep.Errors) > 0:
				return &exitError{code: 1, err: fmt.Errorf("check failed for %d subscriber(s): %w", len(rep.Errors), rep.Errors[0])}
			case !dry && rep.Unsent() > 0:
				return &exitError{code: 1, err: fmt.Errorf("%d of %d message(s) not sent; see hoursd status", rep.Unsent(), len(rep.Messages))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&atFlag, "at", "", "check as if at this RFC 3339 time (default now)")
	cmd.Flags().BoolVar(&dry, "dry-run", false, "print the messages; send and record nothing")
	cmd.Flags().DurationVar(&retryFor, "retry-for", 2*time.Minute, "how long to retry transient failures")
	return cmd
}

func printReport(a *app, rep daemon.Report, dry bool) {
	loc := rep.At.Location()
	if len(rep.Messages) == 0 && len(rep.Errors) == 0 {
		fmt.Fprintf(a.stdout, "nothing to announce at %s\n", rep.At.In(loc).Format(time.RFC3339))
		return
	}
	for _, m := range rep.Messages {
		if dry {
			fmt.Fprintf(a.stdout, "── to %s (%d change(s))\nSubject: %s\n\n%s\n", m.Target, len(m.Items), m.Subject, m.Body)
			continue
		}
		line := fmt.Sprintf("%s: %s", m.Target, m.State)
		if m.Attempts > 0 {
			line += fmt.Sprintf(" after %d attempt(s)", m.Attempts)
		}
		if m.LastError != "" && m.State != daemon.StateSent {
			line += ": " + m.LastError
		}
		fmt.Fprintf(a.stdout, "%s — %s\n", line, m.Subject)
	}
}
