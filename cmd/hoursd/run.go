package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/daemon"
	"github.com/hoursd/hoursd/daemon/web"
	"github.com/hoursd/hoursd/schedule"
)

func newRunCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the daemon: check on cron, announce changes, keep the outbox",
		Long: `Run hoursd until SIGTERM or SIGINT. It logs what it loaded, each
subscriber's next check and the next changes, sends what the outbox still
holds, catches up a check missed while it was down, and then checks on cron.
SIGHUP reloads the configuration, the sources and their refresh times
included; a configuration with errors is logged and the one in force is kept.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := a.loadLogged()
			if err != nil {
				return err
			}
			metrics := web.NewMetrics()
			d, err := daemon.New(cfg, daemon.Options{Logger: log, Observer: metrics})
			if err != nil {
				return err
			}
			defer d.Close()
			mountWeb(d, metrics, log)
			sourcesReloaded, stopSources := startSources(cmd.Context(), a, d, metrics, log) // docs/sources.md
			defer stopSources()

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
						continue
					}
					sourcesReloaded() // a source added or a refresh spec changed takes effect now
				}
			}
		},
	}
}

// mountWeb puts the status page, the calendar feeds and the metrics beside
// /healthz. The page asks the daemon for its configuration on every request,
// so a reload needs no further wiring.
func mountWeb(d *daemon.Daemon, metrics *web.Metrics, log *slog.Logger) {
	pages := web.New(web.Options{
		Source: func() ([]*schedule.Schedule, *time.Location, time.Time) {
			c := d.Config()
			return c.Schedules, c.Location, d.LoadedAt()
		},
		Status:  web.StatusFunc(func(context.Context) ([]web.SubscriberStatus, error) { return pageStatus(d) }),
		Metrics: metrics,
		Logger:  log,
		Sources: func() []web.SourceStatus { return pageSources(d) }, // source.go
		Replicas: func() []web.ReplicaStatus {
			rs, err := d.Replicas()
			if err != nil {
				log.Warn("status page: read the replicas", "err", err)
			}
			var out []web.ReplicaStatus
			for _, r := range rs {
				out = append(out, web.ReplicaStatus{Name: r.Name, Self: r.Self, Alive: r.Alive, Seen: r.Seen, Sent: r.Sent, Claimed: r.Claimed})
			}
			return out
		},
	})
	d.Handle("/", pages)
}

// pageStatus is the daemon's status in the page's terms.
func pageStatus(d *daemon.Daemon) ([]web.SubscriberStatus, error) {
	st, err := d.Status()
	if err != nil {
		return nil, err
	}
	schedules := map[string][]string{}
	for _, s := range d.Config().Subscribers {
		schedules[s.ID] = s.Schedules
	}
	out := make([]web.SubscriberStatus, 0, len(st.Subscribers))
	for _, s := range st.Subscribers {
		ws := web.SubscriberStatus{
			ID: s.ID, Schedules: schedules[s.ID], NextCheck: s.Next, LastError: s.LastError,
			LastCheck: s.LastRan, LastCheckAsOf: s.LastCheck, // as hoursd status labels them
		}
		for _, dl := range s.Deliveries {
			// A target id is subscriber/channel[/address]: the page wants
			// the address, which it masks.
			_, addr, _ := strings.Cut(strings.TrimPrefix(dl.Target, s.ID+"/"+dl.Channel), "/")
			at := dl.Updated
			if !dl.SentAt.IsZero() {
				at = dl.SentAt
			}
			ws.Deliveries = append(ws.Deliveries, web.DeliveryStatus{
				Channel: dl.Channel, Target: addr, Result: string(dl.State), At: at, Error: dl.LastError,
			})
		}
		out = append(out, ws)
	}
	return out, nil
}
