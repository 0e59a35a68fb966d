package main

import "github.com/spf13/cobra"

// Stubs for the config commands; the config work replaces them.

func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "validate", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("validate: not implemented yet") }}
}

func newConfigCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "config", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("config: not implemented yet") }}
}
