package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/daemon/sources"
	"github.com/hoursd/hoursd/daemon/web"
	"github.com/hoursd/hoursd/schedule"
)

func newValidateCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the configuration and say what it holds",
		Long: `validate loads the configuration as hoursd run would (the file, the
environment, the secrets) and checks all of it. It prints one line saying what
was loaded and exits 0, or lists every problem with its key path and exits 2.
A file that every user may read and that holds secrets written out in it is
valid, with a warning on stderr naming those keys.

--format json prints the same as one object, problems and warnings
included (docs/json.md); the exit status is the same.`,
		Args: noFileArg,
		RunE: func(*cobra.Command, []string) error {
			if err := checkFormat("validate", format); err != nil { // output.go
				return err
			}
			cfg, err := a.loadConfig()
			if ve, ok := errors.AsType[*config.ValidationError](err); ok && format == "json" {
				if err := writeJSON(a.stdout, invalidJSON(ve)); err != nil {
					return err
				}
				return &exitError{code: 2}
			}
			if err != nil {
				// A *config.ValidationError: main prints each problem
				// and exits 2.
				return err
			}
			warnings := validateWarnings(cfg)
			if format == "json" {
				return writeJSON(a.stdout, validJSON(cfg, warnings))
			}
			fmt.Fprintln(a.stdout, cfg.Summary())
			for _, w := range warnings {
				fmt.Fprintf(a.stderr, "hoursd: warning: %s\n", w)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json (docs/json.md)")
	return cmd
}

// validateWarnings are what validate warns of. A warning is not a failure:
// the file is valid, and the daemon runs with it just the same.
func validateWarnings(cfg *config.Config) []string {
	var out []string
	if w := cfg.ExposedSecrets(); w != "" {
		out = append(out, w)
	}
	// Where a schedule's dated knowledge from its source runs out.
	out = append(out, sources.Knowledge(cfg, cfg.StateDir, time.Now())...)
	// Hours the clocks skip on a night they go forward, in the window the
	// calendar feed covers.
	today := schedule.DateOf(time.Now().In(cfg.Location))
	return append(out, cfg.SkippedHours(today, web.FeedFutureDays)...)
}

func newConfigCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Inspect the configuration",
		// cobra hands a word that is no subcommand to RunE.
		Args: cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("config: unknown subcommand %q; the subcommand is show", args[0])
			}
			return usageError("config: name a subcommand: show")
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration, secrets as ***",
		Long: `show prints the configuration hoursd would run with, as YAML: the file
with every default filled in and the HOURSD_* environment applied. Passwords,
tokens and webhook URLs are printed as ***; where the file names a variable
("${SMTP_PASSWORD}") or a file (password_file) instead, the name is printed,
so that the output loads again as it is.`,
		Args: noFileArg,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			return cfg.Show(a.stdout)
		},
	})
	return cmd
}

// noFileArg refuses arguments with a hint: a file name given without
// --config is the likely mistake. (argsAreUsage would make any refusal exit
// 2; a usageError here keeps the message free of its command-path prefix.)
func noFileArg(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError("%s takes no arguments: name the file with --config", strings.TrimPrefix(cmd.CommandPath(), "hoursd "))
	}
	return nil
}
