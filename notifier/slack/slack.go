// Package slack posts hoursd messages to a Slack channel through an
// incoming webhook (https://api.slack.com/messaging/webhooks).
//
// notify's slack service speaks Slack's Web API (chat.postMessage with a
// bot token and channel ids), not incoming webhooks; a webhook is a JSON
// POST to a secret URL, which is what notify's http service does, so hoursd
// posts through it (internal/httppost) like the discord and webhook
// channels. Mattermost and Rocket.Chat take the same incoming-webhook body.
//
// The text is Slack's mrkdwn: the subject in bold, then the body, with &, <
// and > escaped as Slack requires, so that a place called "Café <Kungsgatan>"
// reads as written and no text in a message can become a link or an
// @channel mention.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/httppost"
	"github.com/hoursd/hoursd/notifier/internal/secret"
	"github.com/hoursd/hoursd/notifier/internal/textcut"
)

// MaxText is the length Slack asks a message's text to stay under, in
// characters; it cuts messages over 40,000 itself, without saying so.
// hoursd cuts at 4,000 with a note, long before Slack would.
const MaxText = 4000

// Config is an incoming webhook.
type Config struct {
	WebhookURL string        // secret: whoever has it can post
	Timeout    time.Duration // per post; default 30s
	HTTPClient *http.Client  // tests, proxies; nil is normal
}

// Notifier posts to the webhook's channel.
type Notifier struct {
	post *httppost.Poster
	cfg  Config
}

var _ notifier.Sender = (*Notifier)(nil)

// Payload is the JSON body of an incoming webhook post.
type Payload struct {
	Text        string `json:"text"`
	UnfurlLinks bool   `json:"unfurl_links"`
	UnfurlMedia bool   `json:"unfurl_media"`
}

// New returns a Notifier for cfg; errors never repeat the URL.
func New(cfg Config) (*Notifier, error) {
	u, err := url.Parse(cfg.WebhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("slack: webhook_url must be an absolute http(s) URL")
	}
	return &Notifier{cfg: cfg, post: httppost.New(httppost.Options{
		What: "slack", URL: cfg.WebhookURL, Timeout: cfg.Timeout, Client: cfg.HTTPClient,
		Payload: func(subject, body string) any {
			return Payload{Text: Text(subject, body)}
		},
	})}, nil
}

// escaper escapes what Slack's mrkdwn reads as markup (links, mentions).
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Text is the message as Slack shows it: the subject in bold, then the
// body, cut to MaxText characters (before escaping, so the cut never falls
// inside &amp;) and escaped.
func Text(subject, body string) string {
	plain := textcut.Cut(strings.TrimRight(body, "\n"), MaxText-len([]rune(subject))-3, textcut.Runes, textcut.Note)
	return "*" + escaper.Replace(subject) + "*\n" + escaper.Replace(plain)
}

// Send posts one message. 200 "ok" is success; 429 (more than one message
// a second per webhook) is transient with Retry-After, 5xx transient; 400
// (invalid_payload), 403 (action_prohibited, invalid_token), 404
// (no_service, channel_not_found) and 410 (channel_is_archived) are
// permanent, with Slack's reason.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return n.post.Send(ctx, subject, body)
}

// String shows the configuration with the webhook's path masked.
func (c Config) String() string {
	return fmt.Sprintf("slack.Config{WebhookURL:%q, Timeout:%s}", secret.URL(c.WebhookURL), c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the URL included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("webhook_url", secret.URL(c.WebhookURL)), slog.Duration("timeout", c.Timeout))
}

// String names the notifier without its URL.
func (n *Notifier) String() string { return "slack via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
