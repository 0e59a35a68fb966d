// Package notifier turns changes into messages a person reads (Swedish or
// English, per subscriber) and delivers them to targets, with a timeout on
// every send, retries for transient failures and one outcome per target.
//
// Each channel lives in its own subpackage (email, pushover, discord,
// webhook, ntfy, telegram, slack, matrix, gotify, console); every one of them
// satisfies Sender, which has the shape of github.com/nikoksr/notify's
// Notifier. Send serves one target; how many are served at once is the
// daemon's outbox's business.
package notifier

import (
	"context"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// Sender sends one message somewhere. It has the shape of notify.Notifier, so
// any notify service can be used as a Sender.
type Sender interface {
	Send(ctx context.Context, subject, body string) error
}

// MessageSender is a Sender that can carry a message's data beside its
// text (the webhook: a receiver that acts on the hours should not have to
// parse the prose). Send uses SendMessage where a sender has it; every other
// channel stays a plain Sender.
type MessageSender interface {
	Sender
	SendMessage(ctx context.Context, msg Message) error
}

// Message is one rendered message: what a subscriber receives at one check.
type Message struct {
	Subject string
	Body    string

	// Items and Places are what the text was rendered from, for a
	// MessageSender: the changes, and the schedules they belong to by id.
	// A message without them is still a whole message to every channel.
	Items  []Item
	Places map[string]Place
}

// Status says whether an item is news, a correction of an earlier
// announcement, or its cancellation.
type Status string

// The statuses of an item.
const (
	StatusNew          Status = "new"
	StatusCorrection   Status = "correction"
	StatusCancellation Status = "cancellation"
)

// Item is one change in a message.
type Item struct {
	Change   schedule.Change
	Status   Status
	Previous *schedule.Change // for corrections and cancellations: what was announced
}

// Place is what a message says about a schedule besides its hours.
type Place struct {
	ID    string
	Title string
	Phone string
	URL   string
}

// Request is everything Render needs for one subscriber's message.
type Request struct {
	Language   string // "sv" or "en"
	Today      schedule.Date
	Subscriber string
	Places     map[string]Place // by schedule id
	Items      []Item
}

// Target is one place a subscriber's message goes to.
type Target struct {
	ID      string // stable, e.g. "anna/mail/0"; used in logs and the state store
	Channel string // channel id
	Sender  Sender
}

// Outcome is the result of delivering one message to one target.
type Outcome struct {
	Target    string
	Sent      bool
	Attempts  int
	Err       error
	Permanent bool // the failure will not go away by retrying
}

// Policy bounds the delivery of one message to one target. Its zero value is
// usable: one attempt with a 30 s timeout, in real time.
type Policy struct {
	Timeout  time.Duration // per attempt; default 30s
	Deadline time.Time     // no attempt starts after it; zero: one attempt only

	// Backoff is the wait before the first retry, doubled for every further
	// one up to MaxBackoff, each with jitter; defaults 2s and 10m. A
	// Retry-After from the service replaces it.
	Backoff, MaxBackoff time.Duration

	// Sleep waits for d or until ctx ends, Now tells the time and Jitter
	// returns a number in [0, 1). Nil means real time and math/rand; tests
	// set them so that retries never wait.
	Sleep  func(ctx context.Context, d time.Duration) error
	Now    func() time.Time
	Jitter func() float64

	// Retrying, if set, hears of each failed attempt that will be retried,
	// before the wait: how many attempts were made, the error and the
	// wait. The daemon records it, so that status answers "why did nothing
	// arrive?" while a message is retried for hours.
	Retrying func(attempts int, err error, wait time.Duration)
}
