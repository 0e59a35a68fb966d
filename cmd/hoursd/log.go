package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/hoursd/hoursd/config"
)

// newLogger builds hoursd's one slog handler from the log section: text for
// people and journald, json for log collectors. Only the command line builds
// a handler; every package below it takes a *slog.Logger or returns errors.
func newLogger(w io.Writer, l config.Log) (*slog.Logger, error) {
	var level slog.Level
	if l.Level != "" {
		if err := level.UnmarshalText([]byte(l.Level)); err != nil {
			return nil, fmt.Errorf("log.level: %q is not debug, info, warn or error", l.Level)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(l.Format) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("log.format: %q is not text or json", l.Format)
	}
}

// loadLogged loads the configuration and builds the logger it asks for.
func (a *app) loadLogged() (*config.Config, *slog.Logger, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	log, err := newLogger(a.stderr, cfg.Log)
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	return cfg, log, nil
}

// maxLoggedProblems bounds the problems one log line lists: a generated
// file of a hundred thousand subscribers with one mistake each must not
// become one log line of megabytes that journald truncates and log
// collectors refuse. `hoursd validate` lists them all.
const maxLoggedProblems = 10

// problems lists a configuration's problems for a log line: the first
// maxLoggedProblems, and then how many more there are.
func problems(err error) []string {
	var out []string
	if ve, ok := errors.AsType[*config.ValidationError](err); ok {
		for i, p := range ve.Problems {
			if i == maxLoggedProblems {
				out = append(out, fmt.Sprintf("… and %d more (hoursd validate lists them all)", len(ve.Problems)-i))
				break
			}
			out = append(out, p.Path+": "+p.Message)
		}
	}
	return out
}
