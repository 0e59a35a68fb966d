// Package gotify sends hoursd messages to a Gotify server
// (https://gotify.net/docs/pushmsg): a JSON POST to {url}/message with an
// application token.
//
// notify v1.3.0 has no Gotify service; the call is a JSON POST, which
// notify's http service makes, so hoursd posts through it
// (internal/httppost). The token goes in the X-Gotify-Key header rather
// than the ?token= query Gotify also takes: a URL ends up in proxy logs and
// in Go's network errors, a header does not.
package gotify

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

// MaxMessage bounds a message in bytes. Gotify sets no limit of its own,
// but keeps messages in a TEXT column, which on MySQL holds 65,535 bytes; a
// longer message would fail there and nowhere else.
const MaxMessage = 65535

// Config is a Gotify server and an application's token.
type Config struct {
	URL        string        // the server's base URL, https://gotify.example.com
	Token      string        // the application's token (Apps → Create Application)
	Priority   int           // 1 to 10; 0: the application's default priority
	Timeout    time.Duration // per post; default 30s
	HTTPClient *http.Client  // tests, proxies; nil is normal
}

// Notifier posts to one Gotify application.
type Notifier struct {
	post *httppost.Poster
	cfg  Config
}

var _ notifier.Sender = (*Notifier)(nil)

// Payload is the JSON body of POST /message.
type Payload struct {
	Title    string         `json:"title"`
	Message  string         `json:"message"`
	Priority int            `json:"priority,omitempty"`
	Extras   map[string]any `json:"extras"`
}

// New returns a Notifier for cfg. Errors never repeat the token.
func New(cfg Config) (*Notifier, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("gotify: url must be an absolute http(s) URL")
	}
	if u.RawQuery != "" {
		// ?token= would put the token where Go's network errors quote it.
		return nil, errors.New("gotify: url must be the server's address without a query; give the token as token")
	}
	if cfg.Token == "" {
		return nil, errors.New("gotify: token is missing")
	}
	if cfg.Priority < 0 || cfg.Priority > 10 {
		return nil, fmt.Errorf("gotify: priority %d is not from 1 to 10", cfg.Priority)
	}
	return &Notifier{cfg: cfg, post: httppost.New(httppost.Options{
		What: "gotify", URL: strings.TrimRight(cfg.URL, "/") + "/message",
		Header:  http.Header{"X-Gotify-Key": {cfg.Token}},
		Timeout: cfg.Timeout, Client: cfg.HTTPClient,
		PublicURL: true, Secrets: userPassword(u),
		Payload: func(subject, body string) any {
			return Payload{
				Title:    subject,
				Message:  textcut.Cut(strings.TrimRight(body, "\n"), MaxMessage, textcut.Bytes, textcut.Note),
				Priority: cfg.Priority,
				// Plain text, as written: Gotify's clients would
				// otherwise guess, and a guess of markdown turns
				// "08:00–11:30 * 2" or a "_" into formatting.
				Extras: map[string]any{"client::display": map[string]string{"contentType": "text/plain"}},
			}
		},
	})}, nil
}

// userPassword is the password of a URL's user info (a proxy's Basic
// auth), the one part of the server's URL that is a secret.
func userPassword(u *url.URL) []string {
	if pw, ok := u.User.Password(); ok {
		return []string{pw}
	}
	return nil
}

// Send posts one message. 200 is success; 5xx, 408 and 429 (from a proxy
// in front: Gotify itself has no rate limit) are transient; 400 (a field
// Gotify refuses) and 401 (an unknown token, or a client's token where an
// application's is needed) are permanent, with Gotify's answer in the
// error.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	return n.post.Send(ctx, subject, body)
}

// String shows the configuration with the token masked.
func (c Config) String() string {
	return fmt.Sprintf("gotify.Config{URL:%q, Token:%q, Priority:%d, Timeout:%s}",
		redactedURL(c.URL), secret.String(c.Token), c.Priority, c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the token included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", redactedURL(c.URL)), slog.String("token", secret.String(c.Token)),
		slog.Int("priority", c.Priority), slog.Duration("timeout", c.Timeout))
}

// redactedURL is the server URL with a password or a ?token= in it masked
// (New refuses a query, but a Config may be printed before New sees it).
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return secret.Mask
	}
	if u.RawQuery != "" {
		u.RawQuery = secret.Mask
	}
	return u.Redacted()
}

// String names the notifier without its token.
func (n *Notifier) String() string { return "gotify via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
