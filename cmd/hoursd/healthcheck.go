package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func newHealthcheckCmd(a *app) *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Ask the running daemon whether it is healthy (exit 0 or 1), for Docker",
		Long: `GET /healthz from the running daemon on http.listen (or --url) and exit 0
when it answers 200, 1 otherwise: Docker's HEALTHCHECK runs this.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				cfg, err := a.loadConfig()
				if err != nil {
					// Docker reserves exit status 2 of a health check, and a
					// config edited since the daemon started says nothing of
					// the daemon's health: 1, with the reason, not the usual 2.
					return &exitError{code: 1, err: fmt.Errorf("unhealthy: cannot tell where hoursd listens: %s", err)}
				}
				if cfg.HTTP.Listen == "" {
					return &exitError{code: 1, err: fmt.Errorf("http.listen is off in %s, so there is nothing to ask; set it or pass --url", cfg.Source)}
				}
				url = "http://" + localAddr(cfg.HTTP.Listen) + "/healthz"
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return usageError("--url: %v", err)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				var op *net.OpError
				if errors.As(err, &op) && op.Op == "dial" {
					return &exitError{code: 1, err: fmt.Errorf("unhealthy: no hoursd answers at %s (is `hoursd run` running, with this http.listen?)", req.URL.Host)}
				}
				return &exitError{code: 1, err: fmt.Errorf("unhealthy: %w", err)}
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
			msg := strings.TrimSpace(string(body))
			if res.StatusCode != http.StatusOK {
				return &exitError{code: 1, err: fmt.Errorf("%s (HTTP %d)", msg, res.StatusCode)}
			}
			fmt.Fprintln(a.stdout, msg)
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "health URL (default http://<http.listen>/healthz)")
	return cmd
}

// localAddr turns a listen address into one to connect to: a wildcard host
// (":9470", "0.0.0.0:9470", "[::]:9470") means this machine.
func localAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
