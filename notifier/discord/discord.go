// Package discord sends hoursd messages to a Discord channel.
package discord

import (
	"context"
	"errors"
)

// Config is a Discord webhook, or a bot token and channel id.
type Config struct {
	WebhookURL string
	BotToken   string
	ChannelID  string
}

// Notifier posts to one Discord channel.
type Notifier struct{ cfg Config }

// New returns a Notifier for cfg.
func New(cfg Config) (*Notifier, error) { return &Notifier{cfg: cfg}, nil }

// Send sends one message.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return errors.New("discord: not implemented yet")
}
