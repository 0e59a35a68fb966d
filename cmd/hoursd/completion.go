package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
)

// registerCompletions gives the shell completion of cobra's `hoursd
// completion bash|zsh|fish|powershell` the values of hoursd's flags
// wherever a command has them: the schedule and subscriber ids of the
// configuration (--config as typed, else the search order of config.Load),
// the output formats and the languages. A flag is completed by its name,
// so a command that gains a --schedule flag is completed without more
// wiring.
func registerCompletions(a *app, root *cobra.Command) {
	byFlag := map[string]cobra.CompletionFunc{
		"schedule":   a.completeIDs(scheduleIDs),
		"subscriber": a.completeIDs(subscriberIDs),
		"format":     cobra.FixedCompletions([]cobra.Completion{"text", "json"}, cobra.ShellCompDirectiveNoFileComp),
		"lang":       cobra.FixedCompletions([]cobra.Completion{"sv", "en"}, cobra.ShellCompDirectiveNoFileComp),
	}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		for name, f := range byFlag {
			if c.Flags().Lookup(name) != nil {
				// Only fails for a flag that is registered twice or
				// missing, which the lookup rules out.
				_ = c.RegisterFlagCompletionFunc(name, f)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeIDs completes from the ids that list returns from the
// configuration. A configuration that does not load completes nothing:
// completion is no place for its problems, `hoursd validate` is.
func (a *app) completeIDs(list func(*config.Config) []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := config.Load(a.configPath)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, id := range list(cfg) {
			if strings.HasPrefix(id, toComplete) {
				out = append(out, id)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func scheduleIDs(c *config.Config) []string {
	ids := make([]string, len(c.Schedules))
	for i, s := range c.Schedules {
		ids[i] = s.ID
	}
	return ids
}

func subscriberIDs(c *config.Config) []string {
	ids := make([]string, len(c.Subscribers))
	for i, s := range c.Subscribers {
		ids[i] = s.ID
	}
	return ids
}
