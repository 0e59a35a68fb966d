// Package httppost is how hoursd's HTTP channels (discord, webhook) post a
// JSON message: through notify's http service, with the two traps of that
// service defused and the answer classified as transient or permanent.
//
// notify's http service (v1.3.0) sets req.Header to the webhook's own Header
// map and then writes User-Agent and Content-Type into it when they are
// missing: with a nil Header that panics, and with concurrent sends it is a
// data race on one map. Here every Webhook gets a non-nil Header with both
// keys already set, so the service only ever reads it. The service also
// reports nothing but "responded with status code: N"; a post-send hook reads
// the status, Retry-After and the body instead and returns a typed error.
package httppost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	nhttp "github.com/nikoksr/notify/service/http"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/secret"
)

// DefaultTimeout bounds one post when the channel sets none.
const DefaultTimeout = 30 * time.Second

// transport is shared by every poster so that ten thousand targets on one
// host reuse a few connections instead of opening one each.
var transport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64 // the daemon's outbox sends to at most 64 targets at once
	return t
}()

// Poster posts JSON to one URL.
type Poster struct {
	svc     *nhttp.Service
	client  *http.Client
	hook    nhttp.Webhook // the receiver, for SendPayload's own services
	what    string        // "discord", "webhook": the start of every error
	secrets []string      // redacted from every error
}

// Options are what a channel sets on its poster.
type Options struct {
	What    string      // names the channel in errors
	URL     string      // secret: it is redacted from errors
	Header  http.Header // extra headers, e.g. Authorization; their values are redacted too
	Timeout time.Duration
	Client  *http.Client // tests; nil: a client on the shared transport with Timeout
	Payload func(subject, body string) any
	Secrets []string // more strings to redact (a bot token)
	// PublicURL says that URL carries no secret (Gotify's {url}/message,
	// ntfy's server root), so its parts are not redacted: a path segment
	// such as "message" would otherwise turn into *** wherever the
	// service's answer says the word.
	PublicURL bool
}

// New returns a Poster.
func New(o Options) *Poster {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	client := o.Client
	if client == nil {
		client = &http.Client{Transport: transport, Timeout: o.Timeout}
	}
	header := http.Header{}
	maps.Copy(header, o.Header)
	header.Set("User-Agent", "hoursd")
	header.Set("Content-Type", "application/json; charset=utf-8")
	secrets := slices.Clone(o.Secrets)
	if !o.PublicURL {
		secrets = append(secrets, urlSecrets(o.URL)...)
	}
	for _, vs := range o.Header {
		for _, v := range vs {
			// "Bearer tk_…": a service that refuses the token may quote
			// it without its scheme.
			secrets = append(secrets, v)
			if f := strings.Fields(v); len(f) > 1 {
				secrets = append(secrets, f[len(f)-1])
			}
		}
	}

	p := &Poster{what: o.What, secrets: secrets, client: client, hook: nhttp.Webhook{
		ContentType:  "application/json; charset=utf-8",
		Header:       header,
		Method:       http.MethodPost,
		URL:          o.URL,
		BuildPayload: o.Payload,
	}}
	p.svc = p.service(o.Payload)
	return p
}

// service is notify's http service posting what build makes of a message.
func (p *Poster) service(build nhttp.BuildPayloadFn) *nhttp.Service {
	hook := p.hook
	hook.BuildPayload = build
	svc := nhttp.New()
	svc.WithClient(p.client)
	svc.AddReceivers(&hook)
	svc.PostSend(classify)
	return svc
}

// Send posts one message.
func (p *Poster) Send(ctx context.Context, subject, body string) error {
	return p.result(p.svc.Send(ctx, subject, body))
}

// SendPayload posts payload, a body of the message's own rather than the
// one Options.Payload builds from its text: notify's service builds a body
// from subject and text alone, so a message's data goes through a service
// of its own (a few small structs; the client and its connections are
// shared). subject and body are still what notify is given.
func (p *Poster) SendPayload(ctx context.Context, subject, body string, payload any) error {
	return p.result(p.service(func(string, string) any { return payload }).Send(ctx, subject, body))
}

// result classifies what notify's service returned.
func (p *Poster) result(err error) error {
	if err == nil {
		return nil
	}
	var se *statusError
	if errors.As(err, &se) {
		// The service answered; say what it said, without notify's wrapping.
		_, after := notifier.IsTransient(err)
		err = fmt.Errorf("%s: post message: %w", p.what, se)
		if se.transient {
			err = notifier.Transient(err, after)
		}
		return notifier.Redact(err, p.secrets...)
	}
	// No answer: the network, a timeout, a refused connection.
	return notifier.Redact(notifier.Transient(fmt.Errorf("%s: %w", p.what, err), 0), p.secrets...)
}

// urlSecrets are the parts of a URL that may carry a secret: a Discord
// webhook's token is its last path segment, an ntfy topic is the path, other
// services put keys in the query, the user info or the host. Services echo
// these back in their errors, whole or alone, escaped or not; see
// secret.URLParts for which parts count.
func urlSecrets(raw string) []string { return secret.URLParts(raw) }

// statusError is an answer other than 2xx.
type statusError struct {
	Code      int
	Message   string // what the service said, shortened
	transient bool
}

func (e *statusError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("http %d %s", e.Code, http.StatusText(e.Code))
	}
	return fmt.Sprintf("http %d %s: %s", e.Code, http.StatusText(e.Code), e.Message)
}

// classify is the post-send hook: 2xx is success; 429, 408 and 5xx are
// transient (with the wait the service asked for); any other 4xx is
// permanent, because sending the same request again cannot fix a wrong URL,
// a revoked token or a message that is too long.
func classify(_ *http.Request, resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var answer struct {
		Message    string   `json:"message"`
		RetryAfter *float64 `json:"retry_after"` // Discord: seconds, may be fractional
	}
	_ = json.Unmarshal(raw, &answer) // not every service answers JSON
	se := &statusError{Code: resp.StatusCode, Message: answer.Message}
	if se.Message == "" {
		se.Message = shorten(strings.TrimSpace(string(raw)), 200)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusRequestTimeout,
		resp.StatusCode >= 500:
		// The Retry-After header is whole seconds in every Discord API
		// version; the body's retry_after is seconds since v8 but
		// milliseconds before, and a webhook URL copied from Discord has no
		// version in it. So the header wins, and retry_after (read as
		// seconds) counts only when there is no header.
		after := RetryAfter(resp.Header, time.Now())
		if after == 0 && answer.RetryAfter != nil && *answer.RetryAfter > 0 {
			after = time.Duration(*answer.RetryAfter * float64(time.Second))
		}
		se.transient = true
		return notifier.Transient(se, after)
	}
	return se
}

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). Zero when absent or unreadable.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
