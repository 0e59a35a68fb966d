package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// defaultTestSendWait is how long test-send keeps retrying a target that
// fails transiently: long enough for a greylisting relay or a 429, short
// enough for someone watching a terminal.
const defaultTestSendWait = 2 * time.Minute

func newTestSendCmd(a *app) *cobra.Command {
	var subscriber string
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "test-send --subscriber ID",
		Short: "Send a test message to each target of a subscriber and report each result",
		Long: `Send a test message ("Testmeddelande från hoursd", in English "hoursd
test message") to every target of one subscriber, each on its own and at
the same time, with the same timeouts and retries as a real check,
and print one line per target: sent or failed, after how many attempts, and
why. Nothing is written to the state store.

The exit status is 0 when every target accepted the message, 1 when any
failed, 2 for a bad configuration or an unknown subscriber.`,
		Example: `  hoursd test-send --subscriber anna
  hoursd test-send --subscriber team --wait 10s --config /etc/hoursd/config.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if subscriber == "" {
				return usageError("test-send: --subscriber is required")
			}
			if wait < 0 {
				return usageError("test-send: --wait %s is negative", wait)
			}
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			sub := cfg.Subscriber(subscriber)
			if sub == nil {
				ids := make([]string, len(cfg.Subscribers))
				for i, s := range cfg.Subscribers {
					ids[i] = s.ID
				}
				return usageError("test-send: unknown subscriber %q (the configuration has: %s)", subscriber, strings.Join(ids, ", "))
			}
			timeout := func(t config.Target) time.Duration {
				if ch := cfg.Channel(t.Channel); ch != nil && ch.Timeout > 0 {
					return ch.Timeout
				}
				return notifier.DefaultTimeout
			}
			var p notifier.Policy // --wait 0: a zero deadline, one attempt
			if wait > 0 {
				p.Deadline = time.Now().Add(wait)
			}
			return testSend(cmd.Context(), a.stdout, sub, cfg.Sender, timeout, p)
		},
	}
	cmd.Flags().StringVarP(&subscriber, "subscriber", "s", "", "the subscriber whose targets get the test message")
	cmd.Flags().DurationVar(&wait, "wait", defaultTestSendWait, "how long to keep retrying a target that fails transiently (0: one attempt)")
	return cmd
}

// testSend is test-send's work without the configuration file: it sends a
// test message to each of sub's targets in parallel and prints one line per
// target in the subscriber's order. p gives the deadline (and, in tests,
// the clock); each target's timeout comes from its channel.
func testSend(ctx context.Context, w io.Writer, sub *config.Subscriber,
	senderFor func(config.Target) (notifier.Sender, error), timeout func(config.Target) time.Duration,
	p notifier.Policy) error {
	if len(sub.Targets) == 0 {
		return usageError("test-send: subscriber %s has no targets", sub.ID)
	}
	lines := make([]string, len(sub.Targets))
	failed := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, t := range sub.Targets {
		id := t.ID(sub.ID) // as check, status and the logs name it
		wg.Go(func() {
			o := sendTest(ctx, id, sub, t, senderFor, timeout, p)
			mu.Lock()
			defer mu.Unlock()
			lines[i] = describeOutcome(o, t, !p.Deadline.IsZero())
			if !o.Sent {
				failed++
			}
		})
	}
	wg.Wait()
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("test-send: %d of %d targets of %s failed", failed, len(sub.Targets), sub.ID)}
	}
	return nil
}

// sendTest delivers the test message to one target. Each target gets its
// own message, naming the channel, so the reader knows which way reached them.
func sendTest(ctx context.Context, id string, sub *config.Subscriber, t config.Target,
	senderFor func(config.Target) (notifier.Sender, error), timeout func(config.Target) time.Duration,
	p notifier.Policy) notifier.Outcome {
	msg, err := notifier.TestMessage(sub.Language, sub.ID, t.Channel)
	if err != nil {
		return notifier.Outcome{Target: id, Err: err, Permanent: true}
	}
	s, err := senderFor(t)
	if err != nil {
		return notifier.Outcome{Target: id, Err: err, Permanent: true}
	}
	p.Timeout = timeout(t)
	return notifier.Send(ctx, notifier.Target{ID: id, Channel: t.Channel, Sender: s}, msg, p)
}

// describeOutcome is one line of test-send's report; retried says whether
// a transient failure was retried until the --wait deadline or, with
// --wait 0, tried once.
func describeOutcome(o notifier.Outcome, t config.Target, retried bool) string {
	where := o.Target // it names the address; a Pushover user key only by digest
	attempts := "1 attempt"
	if o.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", o.Attempts)
	}
	switch {
	case o.Sent:
		return fmt.Sprintf("%s: sent (%s)", where, attempts)
	case o.Permanent:
		return fmt.Sprintf("%s: failed, permanently (%s): %v", where, attempts, o.Err)
	}
	if !retried {
		return fmt.Sprintf("%s: failed (%s, not retried with --wait 0; may pass later): %v", where, attempts, o.Err)
	}
	return fmt.Sprintf("%s: failed (%s, still failing when --wait ran out): %v", where, attempts, o.Err)
}
