package notifier

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/hoursd/hoursd/notifier/internal/secret"
)

// TransientError marks a failure that may go away by trying again later: a
// network error, a timeout, HTTP 5xx or 429, SMTP 4xx. Channel packages return
// it so that Send knows to retry; anything else is treated as permanent.
type TransientError struct {
	// RetryAfter is how long the service asked us to wait (Retry-After,
	// Discord's retry_after, Pushover's limit reset); zero when it did not say.
	RetryAfter time.Duration
	Err        error
}

// Error is the text of the underlying error; RetryAfter is left out so that
// wrapping and redacting never repeat it.
func (e *TransientError) Error() string { return e.Err.Error() }

func (e *TransientError) Unwrap() error { return e.Err }

// Transient wraps err as a TransientError; a nil err stays nil.
func Transient(err error, retryAfter time.Duration) error {
	if err == nil {
		return nil
	}
	return &TransientError{RetryAfter: retryAfter, Err: err}
}

// IsTransient reports whether err is worth retrying and how long the service
// asked to wait. Besides TransientError it counts network errors and
// timeouts as transient, so that a plain notify.Notifier used as a Sender is
// retried the same way when its network fails.
func IsTransient(err error) (retry bool, after time.Duration) {
	if err == nil {
		return false, 0
	}
	var te *TransientError
	if errors.As(err, &te) {
		return true, te.RetryAfter
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return true, 0
	}
	return false, 0
}

// Redact returns err with every secret (a token, a password, a webhook URL)
// replaced by "***" in its message, wherever the secret stands as a whole:
// never where it is only part of a longer word, so that a webhook whose URL
// ends in /hook does not turn "webhook" into "web***". Whether it is
// transient, and its RetryAfter, are kept, and errors.Is still finds
// context.Canceled and context.DeadlineExceeded; the original error is not
// reachable through Unwrap, because net/url errors carry the full URL and
// whoever logs an unwrapped error must not see it.
func Redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	r := &redactedError{msg: secret.Replace(err.Error(), secrets...), cause: err}
	if retry, after := IsTransient(err); retry {
		return &TransientError{RetryAfter: after, Err: r}
	}
	return r
}

// MaskURL is how hoursd shows a URL that is a secret (a webhook's URL, a
// Discord or Slack webhook) in a message: the scheme and the domain, the
// rest masked: https://***.slack.com/***.
func MaskURL(raw string) string { return secret.URL(raw) }

// MaskHost is a secret URL's host name as MaskURL shows it.
func MaskHost(host string) string { return secret.Host(host) }

// redactedError is an error whose text has been cleaned of secrets.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }

// Is lets callers test for cancellation and timeouts (which carry no
// secrets) without exposing the rest of the chain.
func (e *redactedError) Is(target error) bool {
	if target == context.Canceled || target == context.DeadlineExceeded {
		return errors.Is(e.cause, target)
	}
	return false
}
