package main

import "github.com/spf13/cobra"

// Stub for test-send; the notifier work replaces it.

func newTestSendCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "test-send", Short: "not implemented yet", RunE: func(*cobra.Command, []string) error { return usageError("test-send: not implemented yet") }}
}
