// Package console prints hoursd messages to a writer (stdout in practice);
// the embedded default configuration uses it so that hoursd does something
// visible before anyone has configured a real channel.
package console

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/hoursd/hoursd/notifier"
)

// Notifier prints messages.
type Notifier struct {
	mu sync.Mutex // messages to several targets must not interleave
	w  io.Writer
}

var _ notifier.Sender = (*Notifier)(nil)

// New returns a Notifier that prints to w.
func New(w io.Writer) *Notifier { return &Notifier{w: w} }

// Send prints one message: the subject, a blank line, the body.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := fmt.Fprintf(n.w, "%s\n\n%s\n", subject, body); err != nil {
		return fmt.Errorf("console: print message: %w", err)
	}
	return nil
}
