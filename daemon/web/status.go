package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hoursd/hoursd/notifier"
)

// Status is what the status page needs from the daemon: each subscriber's
// next check and the last results of delivering to its targets. The daemon
// answers it from its state store and its cron entries.
type Status interface {
	Subscribers(ctx context.Context) ([]SubscriberStatus, error)
}

// StatusFunc adapts a function to Status.
type StatusFunc func(ctx context.Context) ([]SubscriberStatus, error)

// Subscribers calls f.
func (f StatusFunc) Subscribers(ctx context.Context) ([]SubscriberStatus, error) { return f(ctx) }

var _ Status = StatusFunc(nil)

// SubscriberStatus is one subscriber as the status page shows it.
type SubscriberStatus struct {
	ID        string
	Schedules []string  // the schedule ids it follows
	NextCheck time.Time // zero: none scheduled
	LastCheck time.Time // when the last check for it ran; zero: never
	// LastCheckAsOf is the instant that check stood for: a check caught
	// up after downtime runs later than the evening it checks for. Zero:
	// the same as LastCheck.
	LastCheckAsOf time.Time
	LastError     string // why the last check failed; "" when it did not
	// Deliveries are the latest delivery results, newest first; the page
	// shows them in the order given.
	Deliveries []DeliveryStatus
}

// DeliveryStatus is the result of delivering one message to one target.
//
// Give Target and Error as they are: the page masks addresses and strips
// URLs and token-like strings itself, so a secret that slipped into an error
// text still does not reach the page.
type DeliveryStatus struct {
	Channel string // the channel's id in the configuration
	Target  string // address or user key; "" for channels without one
	Result  string // e.g. "sent", "pending", "retrying", "failed"
	At      time.Time
	Error   string // why it failed; "" when it did not
}

// maskTarget hides most of an address, keeping enough for its owner to
// recognise it: "a***@example.com", "u***" for a Pushover user key, and only
// scheme, host and port of a URL, with a host label that looks like a key
// masked too (notifier.MaskURL).
func maskTarget(s string) string {
	if s == "" {
		return ""
	}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		return notifier.MaskURL(s)
	}
	if at := strings.LastIndexByte(s, '@'); at > 0 {
		return firstRune(s[:at]) + "***" + s[at:]
	}
	return firstRune(s) + "***"
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

var (
	// A URL ends before trailing punctuation, as in "post https://…: 503".
	urlPattern   = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]*[^\s"'<>.,:;)\]]`)
	emailPattern = regexp.MustCompile(`[^\s"'<>@:/]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	// Pushover tokens and user keys are 30 characters, Discord webhook
	// tokens 68: a run this long in an error text is treated as a secret.
	tokenPattern = regexp.MustCompile(`[A-Za-z0-9_-]{24,}`)
)

// scrubError makes an error text fit for a page without a login: URLs are
// cut to scheme and host (webhook URLs carry their token in the path),
// e-mail addresses are masked and token-like strings replaced by ***.
func scrubError(s string) string {
	s = urlPattern.ReplaceAllStringFunc(s, maskTarget)
	s = emailPattern.ReplaceAllStringFunc(s, maskTarget)
	return tokenPattern.ReplaceAllString(s, "***")
}
