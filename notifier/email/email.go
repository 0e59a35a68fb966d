// Package email sends hoursd messages as plain-text email over SMTP.
package email

import (
	"context"
	"errors"
	"time"
)

// Config is an SMTP channel.
type Config struct {
	Host     string
	Port     int
	TLS      string // "starttls", "tls" or "none"
	Username string
	Password string
	From     string
	Timeout  time.Duration
}

// Notifier sends to one address.
type Notifier struct {
	cfg Config
	to  string
}

// New returns a Notifier that sends to the address to.
func New(cfg Config, to string) (*Notifier, error) { return &Notifier{cfg: cfg, to: to}, nil }

// Send sends one message.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return errors.New("email: not implemented yet")
}
