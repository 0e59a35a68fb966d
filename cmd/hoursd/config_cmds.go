package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check the configuration and say what it holds",
		Long: `validate loads the configuration as hoursd run would (the file, the
environment, the secrets) and checks all of it. It prints one line saying what
was loaded and exits 0, or lists every problem with its key path and exits 2.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				// A *config.ValidationError: main prints each problem
				// and exits 2.
				return err
			}
			fmt.Fprintln(a.stdout, cfg.Summary())
			return nil
		},
	}
}

func newConfigCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Inspect the configuration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError("config: name a subcommand: show")
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration, secrets as ***",
		Long: `show prints the configuration hoursd would run with, as YAML: the file
with every default filled in and the HOURSD_* environment applied. Passwords,
tokens and webhook URLs are printed as ***.`,
		Args: cobra.NoArgs,
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
