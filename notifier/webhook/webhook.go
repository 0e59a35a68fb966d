// Package webhook posts hoursd messages as JSON to any URL: ntfy, Gotify,
// Slack-compatible incoming webhooks, home automation.
//
// The body carries the message under several common names so that most
// receivers understand it without a template:
//
//	{"version": 1, "subject": "...", "body": "...", "title": "...", "message": "...",
//	 "text": "subject\n\nbody", "schedules": [{"id": "...", "title": "...", "items": [...]}]}
//
// subject/body are hoursd's own names, title/message what Gotify reads (and
// what an ntfy topic URL with ?tpl=1&t={{.title}}&m={{.message}} fills its
// templates from: ntfy's own JSON form needs a topic field and the root
// URL), text what Slack and Mattermost read. Beside the prose, schedules
// carries the changes as data (notifier.ItemJSON, the shape of `hoursd
// upcoming --format json`), so that a home automation acts on hours rather
// than parsing sentences; version says which shape this is (docs/channels.md).
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

var _ notifier.MessageSender = (*Notifier)(nil)

// PayloadVersion is the version of Payload's shape. It grows when a key
// changes meaning or goes away; new keys may be added within a version.
const PayloadVersion = 1

// Payload is the JSON body of a post.
type Payload struct {
	Version   int        `json:"version"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Title     string     `json:"title"`
	Message   string     `json:"message"`
	Text      string     `json:"text"`
	Schedules []Schedule `json:"schedules"`
}

// Schedule is the changes of one schedule in a post, in the order the
// message tells them.
type Schedule struct {
	ID    string              `json:"id"`
	Title string              `json:"title"`
	Items []notifier.ItemJSON `json:"items"`
}

// payload is the body of a post of msg; a message without data (a test
// message) has "schedules": [].
func payload(msg notifier.Message) Payload {
	p := textPayload(msg.Subject, msg.Body)
	index := map[string]int{}
	for _, it := range notifier.Ordered(msg.Items) {
		id := it.Change.Schedule
		i, ok := index[id]
		if !ok {
			title := msg.Places[id].Title
			if title == "" {
				title = id
			}
			i = len(p.Schedules)
			index[id] = i
			p.Schedules = append(p.Schedules, Schedule{ID: id, Title: title, Items: []notifier.ItemJSON{}})
		}
		p.Schedules[i].Items = append(p.Schedules[i].Items, notifier.ItemsJSON([]notifier.Item{it})...)
	}
	return p
}

// textPayload is the body of a post of text alone.
func textPayload(subject, body string) Payload {
	return Payload{Version: PayloadVersion, Subject: subject, Body: body, Title: subject, Message: body,
		Text: subject + "\n\n" + body, Schedules: []Schedule{}}
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
		Payload: func(subject, body string) any { return textPayload(subject, body) },
	})}, nil
}

// Send posts one message. 2xx is success; 5xx, 408 and 429 are transient
// (Retry-After honoured); any other answer is permanent.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return n.post.Send(ctx, subject, body)
}

// SendMessage posts one message with its data beside the text; answers are
// classified as by Send.
func (n *Notifier) SendMessage(ctx context.Context, msg notifier.Message) error {
	return n.post.SendPayload(ctx, msg.Subject, msg.Body, payload(msg))
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
