package console

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestSend(t *testing.T) {
	var b strings.Builder
	n := New(&b)
	if err := n.Send(t.Context(), "Ändrade öppettider i morgon", "Stängt.\n"); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "Ändrade öppettider i morgon\n\nStängt.\n\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// TestSendDoesNotInterleave sends from many goroutines at once, as Deliver
// does for several console targets; each message must come out whole.
func TestSendDoesNotInterleave(t *testing.T) {
	var b strings.Builder
	n := New(&b)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { _ = n.Send(t.Context(), "subject", strings.Repeat("x", 1000)) })
	}
	wg.Wait()
	want := "subject\n\n" + strings.Repeat("x", 1000) + "\n"
	if got := strings.Count(b.String(), want); got != 20 {
		t.Errorf("%d whole messages printed, want 20", got)
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestSendWriteError(t *testing.T) {
	err := New(brokenWriter{}).Send(t.Context(), "s", "b")
	if err == nil || err.Error() != "console: print message: broken pipe" {
		t.Errorf("Send() to a broken writer = %v, want %q", err, "console: print message: broken pipe")
	}
}
