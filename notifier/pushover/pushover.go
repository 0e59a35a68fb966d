// Package pushover sends hoursd messages through the Pushover API
// (https://pushover.net/api).
//
// Why not notify's pushover service: it builds its gregdel/pushover client
// itself (the field is unexported), and gregdel/pushover v1.3.1 posts with
// http.DefaultClient to the package variable pushover.APIEndpoint, with no
// context and no timeout, and returns only the errors[] of a failed answer —
// the HTTP status and the X-Limit-App-* headers are gone. A per-channel
// api_url would mean rewriting a process-wide variable (racing every other
// Pushover channel) or installing a routing transport in
// http.DefaultClient (changing every other HTTP user in the process); neither
// is safe in a daemon that sends to many targets at once. So hoursd speaks
// the same small API itself — a form POST to {api_url}/messages.json — on
// its own http.Client, and uses gregdel/pushover for what it defines well:
// the answer's shape (pushover.Response, pushover.Errors) and the limits
// (pushover.MessageMaxLength, pushover.MessageTitleMaxLength).
package pushover

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gp "github.com/gregdel/pushover"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/secret"
)

// DefaultAPIURL is Pushover's API base.
const DefaultAPIURL = "https://api.pushover.net/1"

// serverErrorWait is the least wait after a 5xx: Pushover asks clients to
// wait at least five seconds before retrying a failed request.
const serverErrorWait = 5 * time.Second

// CutNote ends a message that was shortened to fit Pushover's 1024
// characters. It is in both languages because a channel does not know whose
// message it carries.
const CutNote = "… (avkortat · cut)"

// Config is a Pushover application.
type Config struct {
	Token      string        // application token
	APIURL     string        // API base; empty: the real service
	Timeout    time.Duration // per request; default 30s
	HTTPClient *http.Client  // tests, proxies; nil is normal
	Now        func() time.Time
}

// Notifier sends to one Pushover user.
type Notifier struct {
	cfg      Config
	user     string
	endpoint string
	client   *http.Client
	limit    *appLimit
}

var _ notifier.Sender = (*Notifier)(nil)

// keyPattern is the shape of Pushover's application tokens and user and
// group keys: 30 letters and digits.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9]{30}$`)

// IsKey reports whether s has the shape of a Pushover application token or
// user or group key. New refuses any other; the configuration checks with
// it too, so that a typo is reported at load with its key path, by the one
// rule that New applies.
func IsKey(s string) bool { return keyPattern.MatchString(s) }

// New returns a Notifier that sends to the user key user. Keys that cannot be
// Pushover keys (30 letters and digits) are refused here, so a typo is a
// config error rather than a failed delivery; the error never shows the key.
func New(cfg Config, user string) (*Notifier, error) {
	if !IsKey(cfg.Token) {
		return nil, errors.New("pushover: token must be an application token of 30 letters and digits")
	}
	if !IsKey(user) {
		return nil, errors.New("pushover: user must be a user or group key of 30 letters and digits")
	}
	base := cfg.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("pushover: api_url must be an absolute http(s) URL")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout}
	}
	return &Notifier{
		cfg: cfg, user: user, client: client,
		endpoint: strings.TrimRight(base, "/") + "/messages.json",
		limit:    limitFor(base, cfg.Token),
	}, nil
}

// appLimit is what Pushover last said about an application's monthly
// allowance. It is shared by every Notifier of the same token and API, since
// the allowance is the application's, not a target's.
type appLimit struct {
	mu        sync.Mutex
	remaining int // -1: unknown
	reset     time.Time
}

var limits sync.Map // sha256(api, token) → *appLimit

func limitFor(base, token string) *appLimit {
	key := sha256.Sum256([]byte(base + "\x00" + token))
	l, _ := limits.LoadOrStore(key, &appLimit{remaining: -1})
	return l.(*appLimit)
}

// exhausted says how long to wait when the allowance is used up.
func (l *appLimit) exhausted(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.remaining == 0 && now.Before(l.reset) {
		return l.reset.Sub(now)
	}
	return 0
}

// update records the X-Limit-App-* headers of an answer.
func (l *appLimit) update(h http.Header) {
	remaining, err1 := strconv.Atoi(h.Get("X-Limit-App-Remaining"))
	reset, err2 := strconv.ParseInt(h.Get("X-Limit-App-Reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remaining, l.reset = remaining, time.Unix(reset, 0)
}

// Send sends one message; a title or message too long for Pushover is cut
// and the cut is marked. A 4xx answer with status 0 (invalid token, unknown
// user) is permanent; 5xx is transient (at least 5 s); 429, or an allowance
// already used up, is transient until X-Limit-App-Reset.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	if wait := n.limit.exhausted(n.cfg.Now()); wait > 0 {
		return notifier.Transient(errors.New("pushover: monthly message limit reached"), wait)
	}
	form := url.Values{
		"token":   {n.cfg.Token},
		"user":    {n.user},
		"title":   {Cut(subject, gp.MessageTitleMaxLength, "…")},
		"message": {Cut(strings.TrimRight(body, "\n"), gp.MessageMaxLength, CutNote)},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return n.redact(fmt.Errorf("pushover: build request: %w", err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "hoursd")
	resp, err := n.client.Do(req)
	if err != nil {
		return n.redact(notifier.Transient(fmt.Errorf("pushover: send message: %w", err), 0))
	}
	defer resp.Body.Close()
	n.limit.update(resp.Header)
	return n.redact(n.classify(resp))
}

// classify turns Pushover's answer into nil, a transient or a permanent error.
func (n *Notifier) classify(resp *http.Response) error {
	var answer gp.Response
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	jsonErr := json.Unmarshal(raw, &answer)
	if resp.StatusCode == http.StatusOK && jsonErr == nil && answer.Status == 1 {
		return nil
	}
	reason := fmt.Sprintf("http %d", resp.StatusCode)
	if len(answer.Errors) > 0 {
		reason += ": " + strings.Join(answer.Errors, "; ")
	}
	err := fmt.Errorf("pushover: send message: %s", reason)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := time.Duration(0)
		if reset, perr := strconv.ParseInt(resp.Header.Get("X-Limit-App-Reset"), 10, 64); perr == nil {
			wait = time.Unix(reset, 0).Sub(n.cfg.Now())
		}
		return notifier.Transient(err, max(wait, serverErrorWait))
	case resp.StatusCode >= 500:
		return notifier.Transient(err, serverErrorWait)
	case resp.StatusCode == http.StatusOK:
		// 200 without status 1 is not an answer Pushover gives; a proxy in
		// between may be failing, so try again.
		return notifier.Transient(fmt.Errorf("%w: unexpected answer", err), 0)
	}
	return err
}

func (n *Notifier) redact(err error) error {
	return notifier.Redact(err, n.cfg.Token, n.user)
}

// Cut shortens s to at most limit characters, ending it with note when it
// had to be cut, so the reader knows there was more.
func Cut(s string, limit int, note string) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	keep := limit - utf8.RuneCountInString(note)
	r := []rune(s)
	return strings.TrimRight(string(r[:keep]), " \n") + note
}

// String shows the configuration with the token masked, so that a Config
// that reaches a log line or an error by mistake does not carry it.
func (c Config) String() string {
	return fmt.Sprintf("pushover.Config{Token:%q, APIURL:%q, Timeout:%s}", secret.String(c.Token), secret.Userinfo(c.APIURL), c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the token included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", secret.String(c.Token)),
		slog.String("api_url", secret.Userinfo(c.APIURL)), slog.Duration("timeout", c.Timeout))
}

// String names the notifier without its token or the user key.
func (n *Notifier) String() string { return "pushover via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
