package main

import "github.com/spf13/cobra"

// Stubs for the schedule commands; the schedule work replaces them.

func newUpcomingCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "upcoming", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("upcoming: not implemented yet") }}
}

func newDayCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "day", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("day: not implemented yet") }}
}
