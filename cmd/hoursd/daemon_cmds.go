package main

import "github.com/spf13/cobra"

// Stubs for the daemon commands; the daemon work replaces them.

func newRunCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "run", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("run: not implemented yet") }}
}

func newCheckCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "check", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("check: not implemented yet") }}
}

func newStatusCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "status", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("status: not implemented yet") }}
}

func newHealthcheckCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "healthcheck", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("healthcheck: not implemented yet") }}
}
