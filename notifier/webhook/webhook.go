// Package webhook posts hoursd messages as JSON to any URL: ntfy, Gotify,
// Slack-compatible incoming webhooks, home automation.
//
// The body carries the message under several common names so that most
// receivers understand it without a template:
//
//	{"subject": "...", "body": "...", "title": "...", "message": "...", "text": "subject\n\nbody"}
//
// subject/body are hoursd's own names, title/message what Gotify and ntfy
// read, text what Slack and Mattermost read.
package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/httppost"
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
type Notifier struct{ post *httppost.Poster }

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
	return &Notifier{post: httppost.New(httppost.Options{
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
