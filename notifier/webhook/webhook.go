// Package webhook posts hoursd messages as JSON to any URL: ntfy, Gotify,
// Slack-compatible incoming webhooks, home automation.
//
// The body carries the message under several common names so that most
// receivers understand it without a template:
//
//	{"subject": "...", "body": "...", "title": "...", "message": "...", "text": "subject\n\nbody"}
//
// subject/body are hoursd's own names, title/message what Gotify reads (and
// what an ntfy topic URL with ?tpl=1&t={{.title}}&m={{.message}} fills its
// templates from: ntfy's own JSON form needs a topic field and the root
// URL), text what Slack and Mattermost read.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/httppost"
	"github.com/hoursd/hoursd/notifier/internal/secret"
)

// Config is a generic webhook.
type Config struct {
	URL     string
	Headers map[string]string // e.g. Authorization; values are secrets
	Timeout time.Duration     // per post; default 30s
	// HTTPClient replaces the default client (tests, proxies); nil is normal.
	HTTPClient *http.Client
}

// Notifier posts to one URL.
type Notifier struct {
	post *httppost.Poster
	cfg  Config // for String
}

var _ notifier.Sender = (*Notifier)(nil)

// Payload is the JSON body of a post.
type Payload struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Title   string `json:"title"`
	Message string `json:"message"`
	Text    string `json:"text"`
}

// New returns a Notifier for cfg. The URL must be absolute http or https;
// the error never repeats it, since a webhook URL is often its own secret.
func New(cfg Config) (*Notifier, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("webhook: url must be an absolute http:// or https:// URL")
	}
	h := http.Header{}
	for k, v := range cfg.Headers {
		h.Set(k, v)
	}
	return &Notifier{cfg: cfg, post: httppost.New(httppost.Options{
		What: "webhook", URL: cfg.URL, Header: h, Timeout: cfg.Timeout, Client: cfg.HTTPClient,
		Payload: func(subject, body string) any {
			return Payload{Subject: subject, Body: body, Title: subject, Message: body, Text: subject + "\n\n" + body}
		},
	})}, nil
}

// Send posts one message. 2xx is success; 5xx, 408 and 429 are transient
// (Retry-After honoured); any other answer is permanent.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return n.post.Send(ctx, subject, body)
}

// String shows the configuration with the URL's path and query and every
// header value masked, so that a Config that reaches a log line or an error
// by mistake does not carry them.
func (c Config) String() string {
	return fmt.Sprintf("webhook.Config{URL:%q, Headers:%v, Timeout:%s}", secret.URL(c.URL), c.maskedHeaders(), c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the secrets included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", secret.URL(c.URL)),
		slog.Any("headers", c.maskedHeaders()), slog.Duration("timeout", c.Timeout))
}

// maskedHeaders are the header names, in order, each with its value masked.
func (c Config) maskedHeaders() []string {
	names := slices.Sorted(maps.Keys(c.Headers))
	for i, k := range names {
		names[i] = k + ": " + secret.String(c.Headers[k])
	}
	return names
}

// String names the notifier without its secrets.
func (n *Notifier) String() string { return "webhook via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
