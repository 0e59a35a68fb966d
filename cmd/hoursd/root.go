package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/daemon/sources"
)

// app is what every subcommand shares: the output streams and the --config flag.
type app struct {
	stdout, stderr io.Writer
	configPath     string
}

// loadConfig loads the configuration named by --config (or found by the
// search order of config.Load).
func (a *app) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(a.configPath)
	if err != nil {
		return nil, err
	}
	// Every command, and the daemon at each reload, sees the kept readings
	// of the schedules' sources (docs/sources.md); none fetches.
	for _, p := range sources.Merge(cfg, cfg.StateDir) {
		fmt.Fprintf(a.stderr, "hoursd: warning: %v\n", p)
	}
	return cfg, nil
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "hoursd",
		Short: "Tells subscribers in advance when a place keeps other hours than usual",
		Long: `hoursd watches the opening hours of places people call or visit and tells
its subscribers, the evening before (or any days ahead they choose), when a
day differs from the usual hours: holidays, shortened eves, summer hours.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVarP(&a.configPath, "config", "c", "",
		"configuration file (YAML, TOML or JSON); default $HOURSD_CONFIG, /etc/hoursd/config.yaml, or the built-in default")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError("%s", flagProblem(err)) })
	root.AddCommand(
		newRunCmd(a),
		newCheckCmd(a),
		newUpcomingCmd(a),
		newDayCmd(a),
		newValidateCmd(a),
		newConfigCmd(a),
		newTestSendCmd(a),
		newStatusCmd(a),
		newHealthcheckCmd(a),
		newICSCmd(a),
		newVersionCmd(a),
		newSourceCmd(a),
		newOSMCmd(a),
	)
	// hoursd --version prints what hoursd version prints.
	root.Version = versionText()
	root.SetVersionTemplate("{{.Version}}")
	root.SetHelpCommand(newHelpCmd())
	argsAreUsage(root)
	registerCompletions(a, root) // completion.go
	return root
}

// newHelpCmd is cobra's help command, except that a topic that is no
// command is a usage error (exit status 2) rather than a usage text and
// success: a script that runs `hoursd help chek` learns that it failed.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			parent, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range parent.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return usageError("help: unknown command %q; hoursd help lists the commands", strings.Join(args, " "))
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	}
}

// argsAreUsage makes every argument check of cmd and its subcommands a usage
// error (exit status 2), whichever validator a command chose: a stray
// argument is a mistake on the command line like a bad flag.
func argsAreUsage(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			var ee *exitError
			if err != nil && !errors.As(err, &ee) {
				// main puts "hoursd: " in front: the command's path
				// without it, so the message does not say it twice.
				if path := strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" "); c.HasParent() {
					return usageError("%s: %v", path, err)
				}
				return usageError("%v", err)
			}
			return err
		}
	}
	for _, sub := range cmd.Commands() {
		argsAreUsage(sub)
	}
}

// flagProblem words a flag error for people: pflag passes on strconv's
// "strconv.ParseInt: parsing "abc": invalid syntax", which says nothing a
// user of hoursd needs.
func flagProblem(err error) string {
	var ne *strconv.NumError
	if !errors.As(err, &ne) {
		return err.Error()
	}
	msg := err.Error()
	if i := strings.Index(msg, ": strconv."); i >= 0 {
		msg = msg[:i]
	}
	switch {
	case errors.Is(ne.Err, strconv.ErrRange):
		return msg + ": out of range"
	default:
		return msg + ": not a number"
	}
}
