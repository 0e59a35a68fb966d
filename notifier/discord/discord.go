// Package discord sends hoursd messages to a Discord channel, through a
// webhook URL (preferred: nothing to install) or as a bot (a bot token and a
// channel id).
//
// Discord takes at most 2000 characters per message. hoursd splits a longer
// message into several posts at line breaks rather than truncating it: a
// subscriber who follows many places around Christmas should get every date,
// and a cut-off list of opening hours is worse than two posts. A retry after
// a partly delivered message resumes at the first post not yet accepted, so
// no part is posted twice.
package discord

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/httppost"
	"github.com/hoursd/hoursd/notifier/internal/secret"
)

// MaxContent is Discord's limit on a message's content, in characters.
const MaxContent = 2000

// DefaultAPIURL is Discord's API base for bot posts.
const DefaultAPIURL = "https://discord.com/api/v10"

// maxPending bounds how many partly posted messages a Notifier remembers.
const maxPending = 256

// Config is a Discord webhook, or a bot token and channel id.
type Config struct {
	WebhookURL string
	BotToken   string
	ChannelID  string
	APIURL     string        // API base for bot posts; empty: DefaultAPIURL (tests override it)
	Timeout    time.Duration // per post; default 30s
	HTTPClient *http.Client  // tests, proxies; nil is normal
}

// Notifier posts to one Discord channel.
type Notifier struct {
	post *httppost.Poster
	cfg  Config // for String

	mu   sync.Mutex
	done map[[32]byte]int // message → parts already accepted, while it is incomplete
}

var _ notifier.Sender = (*Notifier)(nil)

// New returns a Notifier for cfg. Errors never repeat the URL or token.
func New(cfg Config) (*Notifier, error) {
	o := httppost.Options{What: "discord", Timeout: cfg.Timeout, Client: cfg.HTTPClient, Payload: payload}
	switch {
	case cfg.WebhookURL != "" && (cfg.BotToken != "" || cfg.ChannelID != ""):
		return nil, errors.New("discord: set either webhook_url or bot_token and channel_id, not both")
	case cfg.WebhookURL != "":
		if !absolute(cfg.WebhookURL) {
			return nil, errors.New("discord: webhook_url must be an absolute http(s) URL")
		}
		o.URL = cfg.WebhookURL
	case cfg.BotToken != "" && cfg.ChannelID != "":
		base := cfg.APIURL
		if base == "" {
			base = DefaultAPIURL
		}
		if !absolute(base) {
			return nil, errors.New("discord: api_url must be an absolute http(s) URL")
		}
		o.URL = strings.TrimRight(base, "/") + "/channels/" + url.PathEscape(cfg.ChannelID) + "/messages"
		o.Header = http.Header{"Authorization": {"Bot " + cfg.BotToken}}
		o.Secrets = []string{cfg.BotToken}
	default:
		return nil, errors.New("discord: webhook_url, or bot_token with channel_id, is required")
	}
	return &Notifier{post: httppost.New(o), cfg: cfg, done: map[[32]byte]int{}}, nil
}

func absolute(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// payload is a Discord message: the content, and no mentions, so that a
// name in a message can never ping a whole server.
func payload(_, content string) any {
	return map[string]any{
		"content":          content,
		"allowed_mentions": map[string]any{"parse": []string{}},
	}
}

// Send posts one message, in several posts when it is longer than Discord
// takes. 204/200 is success; 429 is transient with Discord's retry_after;
// 5xx transient; any other 4xx (400 for a bad body, 401/404 for a deleted
// webhook or a revoked token) permanent.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	parts := Split(Content(subject, body), MaxContent)
	key := sha256.Sum256([]byte(subject + "\x00" + body))
	n.mu.Lock()
	start := n.done[key]
	n.mu.Unlock()
	for i := start; i < len(parts); i++ {
		if err := n.post.Send(ctx, "", parts[i]); err != nil {
			n.mu.Lock()
			if i > 0 {
				if len(n.done) >= maxPending {
					clear(n.done) // bounded memory beats resuming very old messages
				}
				n.done[key] = i
			}
			n.mu.Unlock()
			if len(parts) > 1 {
				return fmt.Errorf("post %d of %d: %w", i+1, len(parts), err)
			}
			return err
		}
	}
	n.mu.Lock()
	delete(n.done, key)
	n.mu.Unlock()
	return nil
}

// Content is how a message reads in Discord: the subject in bold, then the body.
func Content(subject, body string) string {
	return "**" + subject + "**\n" + strings.TrimRight(body, "\n")
}

// Split cuts s into parts of at most limit characters, at line breaks where
// it can and inside a line only when one line alone is too long. Blank lines
// at the edges of a part are dropped: Discord refuses empty content.
func Split(s string, limit int) []string {
	var parts, cur []string
	size := 0 // characters in cur joined by newlines
	flush := func() {
		if p := strings.Trim(strings.Join(cur, "\n"), "\n"); p != "" {
			parts = append(parts, p)
		}
		cur, size = nil, 0
	}
	for _, line := range strings.Split(s, "\n") {
		for utf8.RuneCountInString(line) > limit {
			flush()
			cut := byteIndexOfRune(line, limit)
			parts = append(parts, line[:cut])
			line = line[cut:]
		}
		n := utf8.RuneCountInString(line)
		if len(cur) > 0 && size+1+n > limit {
			flush()
		}
		if len(cur) > 0 {
			size++
		}
		cur = append(cur, line)
		size += n
	}
	flush()
	return parts
}

// byteIndexOfRune is the byte offset of the n-th rune of s.
func byteIndexOfRune(s string, n int) int {
	i := 0
	for off := range s {
		if i == n {
			return off
		}
		i++
	}
	return len(s)
}

// String shows the configuration with the webhook URL's path and the bot
// token masked, so that a Config that reaches a log line or an error by
// mistake does not carry them.
func (c Config) String() string {
	return fmt.Sprintf("discord.Config{WebhookURL:%q, BotToken:%q, ChannelID:%q, APIURL:%q, Timeout:%s}",
		secret.URL(c.WebhookURL), secret.String(c.BotToken), c.ChannelID, c.APIURL, c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the secrets included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("webhook_url", secret.URL(c.WebhookURL)),
		slog.String("bot_token", secret.String(c.BotToken)), slog.String("channel_id", c.ChannelID),
		slog.String("api_url", c.APIURL), slog.Duration("timeout", c.Timeout))
}

// String names the notifier without its secrets.
func (n *Notifier) String() string { return "discord via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
