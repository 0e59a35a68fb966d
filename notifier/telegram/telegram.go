// Package telegram sends hoursd messages to a Telegram chat through a bot
// (the Bot API's sendMessage, https://core.telegram.org/bots/api#sendmessage).
//
// Why not notify's telegram service: its New calls
// go-telegram-bot-api v4's NewBotAPI, which asks Telegram (getMe) while the
// configuration is being built, so a daemon could not even load its config
// offline; the library posts to the constant APIEndpoint
// (https://api.telegram.org), so neither a local Bot API server nor a test
// server can be used; it posts with http.Client.PostForm, without a context
// or a timeout; and the service keeps its parse mode in a package variable
// that every Telegram channel of the process shares. So hoursd posts
// sendMessage itself, on its own client and API base, and reads the whole
// answer: error_code, description and parameters.retry_after.
//
// Parse mode: HTML, so that the subject can be bold. Telegram's HTML needs
// only <, > and & escaped outside tags (html.EscapeString escapes quotes
// too, which Telegram reads as entities as well), and unlike MarkdownV2 it
// does not make every '.', '-' and '(' of an opening-hours message a
// character to escape: a missed one there fails the whole message with
// "can't parse entities". Link previews are off, so that a message ends
// with its place's URL without a large card under it.
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
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

// DefaultAPIURL is Telegram's Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// MaxText is Telegram's limit on a message's text after entity parsing, in
// UTF-16 code units: the bold subject counts without its tags.
const MaxText = 4096

// maxSubject keeps a runaway subject (a custom template) from taking the
// whole message.
const maxSubject = 256

// Config is a Telegram bot.
type Config struct {
	Token      string        // the bot's token from @BotFather, 123456789:AA…
	APIURL     string        // API base; empty: DefaultAPIURL
	Timeout    time.Duration // per request; default 30s
	HTTPClient *http.Client  // tests, proxies; nil is normal
}

// Notifier sends to one chat.
type Notifier struct {
	cfg      Config
	chat     string
	endpoint string
	client   *http.Client
}

var _ notifier.Sender = (*Notifier)(nil)

// TokenPattern is the shape of a bot token: the bot's id, a colon, a key.
var TokenPattern = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// ChatPattern is a chat id (negative for groups and channels) or a public
// channel's @username.
var ChatPattern = regexp.MustCompile(`^(-?[0-9]+|@[A-Za-z][A-Za-z0-9_]{4,31})$`)

// New returns a Notifier that sends to chat. Errors never repeat the token.
func New(cfg Config, chat string) (*Notifier, error) {
	if !TokenPattern.MatchString(cfg.Token) {
		return nil, errors.New("telegram: token must be a bot token as @BotFather gives it (123456789:AA…)")
	}
	if !ChatPattern.MatchString(chat) {
		return nil, errors.New("telegram: chat must be a chat id (a number) or a channel's @username")
	}
	base := cfg.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("telegram: api_url must be an absolute http(s) URL")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = httppost.DefaultTimeout
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout}
	}
	return &Notifier{cfg: cfg, chat: chat, client: client,
		endpoint: strings.TrimRight(base, "/") + "/bot" + cfg.Token + "/sendMessage"}, nil
}

// Request is the body of a sendMessage call.
type Request struct {
	ChatID             string             `json:"chat_id"`
	Text               string             `json:"text"`
	ParseMode          string             `json:"parse_mode"`
	LinkPreviewOptions linkPreviewOptions `json:"link_preview_options"`
}

type linkPreviewOptions struct {
	IsDisabled bool `json:"is_disabled"`
}

// Text is the message as Telegram's HTML parse mode reads it: the subject
// in bold, then the body, both escaped, cut to MaxText with a note. The cut
// is made on the plain text, before escaping, so it never falls inside an
// entity such as &amp;.
func Text(subject, body string) string {
	subject = textcut.Cut(subject, maxSubject, textcut.UTF16, "…")
	room := MaxText - textcut.Size(subject, textcut.UTF16) - 1 // the line break
	body = textcut.Cut(strings.TrimRight(body, "\n"), room, textcut.UTF16, textcut.Note)
	return "<b>" + html.EscapeString(subject) + "</b>\n" + html.EscapeString(body)
}

// Send sends one message. Telegram answers {"ok": true} on success. 429
// ("Too Many Requests: retry after N") is transient with
// parameters.retry_after; 5xx is transient; 400 (chat not found), 401 (a
// revoked token) and 403 (the bot was blocked or removed) are permanent.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	// Without HTML escaping: the text is HTML already, and <b> reads
	// better than \u003cb\u003e to whoever looks at the request.
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Request{ChatID: n.chat, Text: Text(subject, body), ParseMode: "HTML",
		LinkPreviewOptions: linkPreviewOptions{IsDisabled: true}}); err != nil {
		return n.redact(fmt.Errorf("telegram: encode message: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.endpoint, &raw)
	if err != nil {
		return n.redact(fmt.Errorf("telegram: build request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hoursd")
	resp, err := n.client.Do(req)
	if err != nil {
		return n.redact(notifier.Transient(fmt.Errorf("telegram: send message: %w", err), 0))
	}
	defer resp.Body.Close()
	return n.redact(classify(resp))
}

// answer is the Bot API's envelope.
type answer struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// classify turns the Bot API's answer into nil, a transient or a permanent
// error.
func classify(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	var a answer
	jsonErr := json.Unmarshal(raw, &a)
	if resp.StatusCode == http.StatusOK && jsonErr == nil && a.OK {
		return nil
	}
	reason := fmt.Sprintf("http %d", resp.StatusCode)
	if a.Description != "" {
		reason += ": " + a.Description
	}
	if a.Parameters.MigrateToChatID != 0 {
		// A group that became a supergroup has a new id; the old one is
		// refused from now on. The id is an address, not a credential,
		// and the administrator needs it to fix the target.
		reason += fmt.Sprintf(" (the group is now the supergroup %d: set the target's chat to it)", a.Parameters.MigrateToChatID)
	}
	err := fmt.Errorf("telegram: send message: %s", reason)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := time.Duration(a.Parameters.RetryAfter) * time.Second
		if wait == 0 {
			wait = httppost.RetryAfter(resp.Header, time.Now())
		}
		return notifier.Transient(err, wait)
	case resp.StatusCode >= 500:
		return notifier.Transient(err, httppost.RetryAfter(resp.Header, time.Now()))
	case resp.StatusCode == http.StatusOK:
		// 200 without ok is not an answer the Bot API gives; a proxy in
		// between may be failing, so try again.
		return notifier.Transient(fmt.Errorf("%w: unexpected answer", err), 0)
	}
	return err
}

func (n *Notifier) redact(err error) error {
	return notifier.Redact(err, n.cfg.Token, url.PathEscape(n.cfg.Token))
}

// String shows the configuration with the token masked.
func (c Config) String() string {
	return fmt.Sprintf("telegram.Config{Token:%q, APIURL:%q, Timeout:%s}", secret.String(c.Token), secret.Userinfo(c.APIURL), c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the token included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", secret.String(c.Token)),
		slog.String("api_url", secret.Userinfo(c.APIURL)), slog.Duration("timeout", c.Timeout))
}

// String names the notifier without its token or chat.
func (n *Notifier) String() string { return "telegram via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
