// Package ntfy publishes hoursd messages to an ntfy topic (https://ntfy.sh
// or a self-hosted ntfy server; https://docs.ntfy.sh/publish/).
//
// notify v1.3.0 has no ntfy service, but ntfy's JSON publishing is a plain
// POST of {"topic", "title", "message", …} to the server's root URL, which
// is what notify's http service does: hoursd posts through it
// (internal/httppost), with the answer classified as for every HTTP channel.
//
// The topic is the target's address and, on a public server, its secret:
// anyone who knows it can read the messages. It is kept out of errors,
// target ids (config.Target.ID shows a digest) and String.
package ntfy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/httppost"
	"github.com/hoursd/hoursd/notifier/internal/secret"
	"github.com/hoursd/hoursd/notifier/internal/textcut"
)

// DefaultServer is the public ntfy server.
const DefaultServer = "https://ntfy.sh"

// MaxMessage is ntfy's default message-size-limit in bytes. A server turns
// a longer message into a file attachment ("You received a file:
// attachment.txt"), or refuses it when attachments are off; hoursd cuts the
// message instead and marks the cut, so the notification still reads as
// one.
const MaxMessage = 4096

// DefaultPriority is ntfy's own default ("default", 3).
const DefaultPriority = 3

// Tag is shown by ntfy's apps as an emoji before the title (📆).
const Tag = "calendar"

// Config is an ntfy server and the credentials hoursd publishes with.
type Config struct {
	Server     string        // base URL; empty: DefaultServer
	Token      string        // access token (tk_…); empty: publish anonymously
	Priority   int           // 1 (min) to 5 (max); 0: DefaultPriority
	Timeout    time.Duration // per post; default 30s
	HTTPClient *http.Client  // tests, proxies; nil is normal
}

// Notifier publishes to one topic.
type Notifier struct {
	post  *httppost.Poster
	cfg   Config
	topic string
}

var _ notifier.Sender = (*Notifier)(nil)

// TopicPattern is what ntfy accepts as a topic name.
var TopicPattern = regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`)

// Payload is the JSON body ntfy publishes from.
type Payload struct {
	Topic    string   `json:"topic"`
	Title    string   `json:"title,omitempty"`
	Message  string   `json:"message"`
	Priority int      `json:"priority,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	Click    string   `json:"click,omitempty"`
}

// New returns a Notifier that publishes to topic on cfg's server. Errors
// never repeat the topic or the token.
func New(cfg Config, topic string) (*Notifier, error) {
	if !TopicPattern.MatchString(topic) {
		return nil, errors.New("ntfy: topic must be 1 to 64 letters, digits, '-' or '_'")
	}
	if cfg.Server == "" {
		cfg.Server = DefaultServer
	}
	u, err := url.Parse(cfg.Server)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("ntfy: server must be an absolute http(s) URL")
	}
	if cfg.Priority == 0 {
		cfg.Priority = DefaultPriority
	}
	if cfg.Priority < 1 || cfg.Priority > 5 {
		return nil, fmt.Errorf("ntfy: priority %d is not from 1 to 5", cfg.Priority)
	}
	h := http.Header{}
	if cfg.Token != "" {
		h.Set("Authorization", "Bearer "+cfg.Token)
	}
	// The server's address is no secret, and errors are clearer with it
	// ("Post \"https://ntfy.example.com/\": … connection refused"); only
	// a proxy's password in it is.
	secrets := []string{topic}
	if pw, ok := u.User.Password(); ok {
		secrets = append(secrets, pw)
	}
	n := &Notifier{cfg: cfg, topic: topic}
	n.post = httppost.New(httppost.Options{
		What: "ntfy", URL: strings.TrimRight(cfg.Server, "/") + "/", Header: h,
		Timeout: cfg.Timeout, Client: cfg.HTTPClient, Payload: n.payload,
		Secrets: secrets, PublicURL: true,
	})
	return n, nil
}

// payload is what hoursd publishes for one message.
func (n *Notifier) payload(subject, body string) any {
	body = strings.TrimRight(body, "\n")
	return Payload{
		Topic:    n.topic,
		Title:    subject,
		Message:  textcut.Cut(body, MaxMessage, textcut.Bytes, textcut.Note),
		Priority: n.cfg.Priority,
		Tags:     []string{Tag},
		Click:    Click(body),
	}
}

// Send publishes one message. 200 is success; 429 (ntfy's per-visitor
// limits) and 5xx are transient, Retry-After honoured when a proxy sends
// one; 400 (invalid topic), 401 (bad token), 403 (a reserved topic) and 413
// are permanent.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return n.post.Send(ctx, subject, body)
}

// Click is the page a tap on the notification opens: the schedule's url,
// which the message carries on a line of its own under each place. It is
// set only when the message names exactly one such page; with several
// places a tap opens the app, where each link can be chosen.
func Click(body string) string {
	found := ""
	for line := range strings.Lines(body) {
		line = strings.TrimSpace(line)
		if strings.ContainsAny(line, " \t") {
			continue
		}
		u, err := url.Parse(line)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			continue
		}
		if found != "" && found != line {
			return ""
		}
		found = line
	}
	return found
}

// String shows the configuration with the token masked.
func (c Config) String() string {
	return fmt.Sprintf("ntfy.Config{Server:%q, Token:%q, Priority:%d, Timeout:%s}",
		secret.Userinfo(c.Server), secret.String(c.Token), c.Priority, c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the token included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("server", secret.Userinfo(c.Server)),
		slog.String("token", secret.String(c.Token)), slog.Int("priority", c.Priority),
		slog.Duration("timeout", c.Timeout))
}

// String names the notifier without its token or topic.
func (n *Notifier) String() string { return "ntfy via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
