package config

import (
	"errors"
	"io"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// This file holds the contract of loading as stubs; the config work replaces it.

// Load loads the configuration from path, or when path is "" from
// $HOURSD_CONFIG, /etc/hoursd/config.yaml, or the embedded default. A
// configuration that is wrong yields a *ValidationError listing every problem.
func Load(path string) (*Config, error) { return nil, errors.New("config: not implemented yet") }

// Problem is one thing wrong with a configuration, at a key path.
type Problem struct {
	Path    string // e.g. schedules[0].weekly.mon-fri[0]
	Message string
}

// ValidationError lists every problem found in a configuration.
type ValidationError struct {
	Source   string
	Problems []Problem
}

func (e *ValidationError) Error() string { return "invalid configuration" }

// Schedule returns the schedule with id, or nil.
func (c *Config) Schedule(id string) *schedule.Schedule { return nil }

// Sender builds the channel's sender for one target of a subscriber.
func (c *Config) Sender(t Target) (notifier.Sender, error) {
	return nil, errors.New("config: not implemented yet")
}

// Show writes the effective configuration, secrets as ***.
func (c *Config) Show(w io.Writer) error { return errors.New("config: not implemented yet") }
