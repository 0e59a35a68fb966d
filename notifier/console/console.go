// Package console prints hoursd messages to a writer (stdout in practice).
package console

import (
	"context"
	"fmt"
	"io"
)

// Notifier prints messages.
type Notifier struct{ w io.Writer }

// New returns a Notifier that prints to w.
func New(w io.Writer) *Notifier { return &Notifier{w: w} }

// Send prints one message.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	_, err := fmt.Fprintf(n.w, "%s\n\n%s\n", subject, body)
	return err
}
