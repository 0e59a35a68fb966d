// Package webhook posts hoursd messages as JSON to any URL.
package webhook

import (
	"context"
	"errors"
)

// Config is a generic webhook.
type Config struct {
	URL     string
	Headers map[string]string
}

// Notifier posts to one URL.
type Notifier struct{ cfg Config }

// New returns a Notifier for cfg.
func New(cfg Config) (*Notifier, error) { return &Notifier{cfg: cfg}, nil }

// Send sends one message.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return errors.New("webhook: not implemented yet")
}
