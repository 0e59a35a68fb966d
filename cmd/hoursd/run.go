package main

import (
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/daemon"
)

// mountWeb, when another file of the command sets it, adds handlers (the
// status page, calendar feeds, metrics) to the daemon's HTTP listener before
// it starts. The daemon package cannot import them, so the command wires them.
var mountWeb func(d *daemon.Daemon)

func newRunCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the daemon: check on cron, announce changes, keep the outbox",
		Long: `Run hoursd until SIGTERM or SIGINT. It logs what it loaded, each
subscriber's next check and the next changes, sends what the outbox still
holds, catches up a check missed while it was down, and then checks on cron.
SIGHUP reloads the configuration; a configuration with errors is logged and
the one in force is kept.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			log, err := newLogger(a.stderr, cfg.Log)
			if err != nil {
				return usageError("%v", err)
			}
			d, err := daemon.New(cfg, daemon.Options{Logger: log})
			if err != nil {
				return err
			}
			defer d.Close()
			if mountWeb != nil {
				mountWeb(d)
			}

			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			done := make(chan error, 1)
			go func() { done <- d.Run(cmd.Context()) }()
			for {
				select {
				case err := <-done:
					return err
				case <-hup:
					log.Info("reloading the configuration")
					if err := d.Reload(a.loadConfig); err != nil {
						var ve *config.ValidationError
						if errors.As(err, &ve) {
							log.Error("reload failed; the configuration in force is kept", "err", err, "problems", problems(ve))
						} else {
							log.Error("reload failed; the configuration in force is kept", "err", err)
						}
					}
				}
			}
		},
	}
}
