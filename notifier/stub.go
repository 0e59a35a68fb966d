package notifier

import (
	"context"
	"errors"
)

// This file holds the contract of rendering and delivery as stubs; the
// notifier work replaces it.

// Templates are custom subject/body templates (Go text/template).
type Templates struct{}

// ParseTemplates parses custom templates; empty strings keep the built-in ones.
func ParseTemplates(subject, body string) (*Templates, error) { return &Templates{}, nil }

// Render renders one subscriber's message; t may be nil for the built-in texts.
func Render(req Request, t *Templates) (Message, error) {
	return Message{}, errors.New("notifier: render not implemented yet")
}

// Deliver sends msg to every target independently and returns one outcome
// per target, in the order of targets.
func Deliver(ctx context.Context, targets []Target, msg Message, p Policy) []Outcome {
	out := make([]Outcome, len(targets))
	for i, t := range targets {
		out[i] = Outcome{Target: t.ID, Err: errors.New("notifier: deliver not implemented yet")}
	}
	return out
}
