// Package matrix sends hoursd messages to a Matrix room through the
// client-server API: PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}
// (https://spec.matrix.org/latest/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid).
//
// Why not notify's matrix service: its Send passes no transaction id, so
// mautrix makes a new random one for every call, and a message resent after
// a crash (the outbox sends what it had not seen accepted) would show up in
// the room twice; and it replaces every failure with "failed to send message
// to the room using Matrix", so neither M_LIMIT_EXCEEDED's retry_after_ms
// nor the difference between a revoked token and a homeserver that is down
// survives. hoursd makes the one PUT itself, with a transaction id derived
// from the room and the message: the homeserver answers a repeat with the
// event it already has, and nothing new appears.
//
// The message is an m.text, not the m.notice the spec suggests for bots:
// the default push rules (.m.rule.suppress_notices) keep notices from
// notifying anyone, and hoursd is there to notify.
package matrix

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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

// MaxBody bounds the body in bytes. An event may be at most 64 KiB as the
// homeserver stores it (M_TOO_LARGE above that), envelope and signatures
// included; half of that leaves room for them and for JSON's escapes.
const MaxBody = 32 * 1024

// Config is a homeserver and the access token of the account hoursd posts as.
type Config struct {
	Homeserver string        // https://matrix.example.org (the client-server API's base)
	Token      string        // the account's access token
	Timeout    time.Duration // per request; default 30s
	HTTPClient *http.Client  // tests, proxies; nil is normal
}

// Notifier sends to one room.
type Notifier struct {
	cfg    Config
	room   string
	base   string
	client *http.Client
}

var _ notifier.Sender = (*Notifier)(nil)

// RoomPattern is a room id, !opaque:server. Aliases (#name:server) are not
// taken: sending needs the id, and resolving an alias at every send would
// be one more request that can fail.
var RoomPattern = regexp.MustCompile(`^![^:\s]+:\S+$`)

// New returns a Notifier that sends to room. Errors never repeat the token.
func New(cfg Config, room string) (*Notifier, error) {
	if !RoomPattern.MatchString(room) {
		return nil, errors.New("matrix: room must be a room id, !abc…:example.org (an alias such as #room:example.org is not enough)")
	}
	u, err := url.Parse(cfg.Homeserver)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("matrix: homeserver must be an absolute http(s) URL")
	}
	if cfg.Token == "" {
		return nil, errors.New("matrix: token is missing")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = httppost.DefaultTimeout
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout}
	}
	return &Notifier{cfg: cfg, room: room, client: client, base: strings.TrimRight(cfg.Homeserver, "/")}, nil
}

// Content is an m.room.message event's content.
type Content struct {
	MsgType string `json:"msgtype"`
	Body    string `json:"body"`
}

// Body is the message as the room shows it: the subject, a blank line, the
// body, cut to MaxBody with a note.
func Body(subject, body string) string {
	return textcut.Cut(subject+"\n\n"+strings.TrimRight(body, "\n"), MaxBody, textcut.Bytes, textcut.Note)
}

// TxnID is the transaction id of a message to a room: the same for the same
// message, so that a resend is recognised as one, and different for every
// room, since one token may post the same text to several rooms.
func TxnID(room, subject, body string) string {
	sum := sha256.Sum256([]byte(room + "\x00" + subject + "\x00" + body))
	return "hoursd-" + hex.EncodeToString(sum[:16])
}

// Send sends one message. 200 with an event_id is success (also for a
// repeated transaction); 429 M_LIMIT_EXCEEDED is transient after
// retry_after_ms (or Retry-After); 5xx is transient; 401 (M_UNKNOWN_TOKEN),
// 403 (M_FORBIDDEN: not in the room) and other 4xx are permanent.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false) // plain text; < stays < on the wire too
	if err := enc.Encode(Content{MsgType: "m.text", Body: Body(subject, body)}); err != nil {
		return n.redact(fmt.Errorf("matrix: encode message: %w", err))
	}
	endpoint := n.base + "/_matrix/client/v3/rooms/" + url.PathEscape(n.room) +
		"/send/m.room.message/" + TxnID(n.room, subject, body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, endpoint, &raw)
	if err != nil {
		return n.redact(fmt.Errorf("matrix: build request: %w", err))
	}
	req.Header.Set("Authorization", "Bearer "+n.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hoursd")
	resp, err := n.client.Do(req)
	if err != nil {
		return n.redact(notifier.Transient(fmt.Errorf("matrix: send message: %w", err), 0))
	}
	defer resp.Body.Close()
	return n.redact(classify(resp))
}

// answer is a homeserver's answer: an event id, or a standard error.
type answer struct {
	EventID      string `json:"event_id"`
	ErrCode      string `json:"errcode"`
	Error        string `json:"error"`
	RetryAfterMS int64  `json:"retry_after_ms"`
}

// classify turns the homeserver's answer into nil, a transient or a
// permanent error.
func classify(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	var a answer
	jsonErr := json.Unmarshal(raw, &a)
	if resp.StatusCode == http.StatusOK && jsonErr == nil && a.EventID != "" {
		return nil
	}
	reason := fmt.Sprintf("http %d", resp.StatusCode)
	if a.ErrCode != "" {
		reason += " " + a.ErrCode
	}
	if a.Error != "" {
		reason += ": " + a.Error
	}
	err := fmt.Errorf("matrix: send message: %s", reason)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || a.ErrCode == "M_LIMIT_EXCEEDED":
		// Since v1.10 the Retry-After header is the spec's; older
		// homeservers give only retry_after_ms.
		wait := httppost.RetryAfter(resp.Header, time.Now())
		if wait == 0 {
			wait = time.Duration(a.RetryAfterMS) * time.Millisecond
		}
		return notifier.Transient(err, wait)
	case resp.StatusCode >= 500:
		return notifier.Transient(err, httppost.RetryAfter(resp.Header, time.Now()))
	case resp.StatusCode == http.StatusOK:
		// 200 without an event id is not an answer the API gives; a proxy
		// in between may be failing, so try again.
		return notifier.Transient(fmt.Errorf("%w: unexpected answer", err), 0)
	}
	return err
}

func (n *Notifier) redact(err error) error {
	secrets := []string{n.cfg.Token}
	if u, perr := url.Parse(n.cfg.Homeserver); perr == nil {
		if pw, ok := u.User.Password(); ok { // a proxy's Basic auth
			secrets = append(secrets, pw)
		}
	}
	return notifier.Redact(err, secrets...)
}

// String shows the configuration with the token masked.
func (c Config) String() string {
	return fmt.Sprintf("matrix.Config{Homeserver:%q, Token:%q, Timeout:%s}", secret.Userinfo(c.Homeserver), secret.String(c.Token), c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the token included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("homeserver", secret.Userinfo(c.Homeserver)),
		slog.String("token", secret.String(c.Token)), slog.Duration("timeout", c.Timeout))
}

// String names the notifier and its room, without the token.
func (n *Notifier) String() string { return "matrix room " + n.room + " via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
