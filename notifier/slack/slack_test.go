package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/notifiertest"
	"github.com/hoursd/hoursd/notifier/internal/textcut"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const hookPath = "/services/T0HOURSD/B0HOURSD/s3cr3tWebhookT0ken"

const (
	subject = notifiertest.Subject
	body    = notifiertest.Body
)

// fakeSlack answers like hooks.slack.com: 200 "ok"; 400 invalid_payload
// or no_text; 403 invalid_token; 404 no_service for an unknown webhook; 410
// channel_is_archived; and what the test scripts first (429 rate limited
// with Retry-After, 500 rollup_error) — all in plain text, as Slack does.
type fakeSlack struct {
	*httptest.Server
	mu     sync.Mutex
	script []int
	bodies [][]byte
	shown  []string // the text with Slack's escapes read back
}

func newFake(t *testing.T, script ...int) *fakeSlack {
	f := &fakeSlack{script: script}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	fail := func(status int, reason string) {
		w.WriteHeader(status)
		fmt.Fprint(w, reason)
	}
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, raw)
	switch r.URL.Path {
	case hookPath:
	case "/services/T0HOURSD/B0ARCHIVE/s3cr3tWebhookT0ken":
		fail(http.StatusGone, "channel_is_archived")
		return
	case "/services/T0HOURSD/B0HOURSD/revokedT0ken":
		fail(http.StatusForbidden, "invalid_token")
		return
	default:
		fail(http.StatusNotFound, "no_service")
		return
	}
	if len(f.script) > 0 {
		status := f.script[0]
		f.script = f.script[1:]
		switch status {
		case 429:
			w.Header().Set("Retry-After", "1")
			fail(429, "rate_limited")
			return
		case 500:
			fail(500, "rollup_error")
			return
		}
	}
	var p Payload
	switch {
	case json.Unmarshal(raw, &p) != nil:
		fail(400, "invalid_payload")
	case p.Text == "":
		fail(400, "no_text")
	case strings.ContainsAny(p.Text, "<>"):
		// A bare < starts a link or a mention in mrkdwn; the fake
		// refuses it, where Slack would post a broken message.
		fail(400, "invalid_payload")
	default:
		f.shown = append(f.shown, unescaper.Replace(p.Text))
		fmt.Fprint(w, "ok")
	}
}

func TestSlackDelivery(t *testing.T) {
	long := strings.Repeat("Torsdag 24 december (Julafton): stängt (vanligtvis öppet 08:00–16:00).\n", 60)
	tests := []struct {
		name          string
		path          string
		script        []int
		subject, body string
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"success", hookPath, nil, subject, body, true, 1, false, nil, ""},
		{"markup escaped", hookPath, nil, "Café <Kungsgatan> & co", "<!channel> öppet 08:00–11:30 & sedan stängt", true, 1, false, nil, ""},
		{"429 waits Retry-After", hookPath, []int{429}, subject, body, true, 2, false, []time.Duration{time.Second}, ""},
		{"500 then success", hookPath, []int{500}, subject, body, true, 2, false, []time.Duration{time.Second}, ""},
		{"long message cut", hookPath, nil, subject, long, true, 1, false, nil, ""},
		{"unknown webhook", "/services/T0HOURSD/B0GONE/x", nil, subject, body, false, 1, true, nil, "slack: post message: http 404 Not Found: no_service"},
		{"revoked", "/services/T0HOURSD/B0HOURSD/revokedT0ken", nil, subject, body, false, 1, true, nil, "slack: post message: http 403 Forbidden: invalid_token"},
		{"archived", "/services/T0HOURSD/B0ARCHIVE/s3cr3tWebhookT0ken", nil, subject, body, false, 1, true, nil, "slack: post message: http 410 Gone: channel_is_archived"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			n, err := New(Config{WebhookURL: f.URL + tt.path})
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "team/slack", Sender: n},
				notifier.Message{Subject: tt.subject, Body: tt.body}, notifiertest.InstantPolicy(&delays))
			if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || o.Permanent != tt.wantPermanent {
				t.Errorf("Send() = sent %v, %d attempts, permanent %v (err %v), want %v, %d, %v",
					o.Sent, o.Attempts, o.Permanent, o.Err, tt.wantSent, tt.wantAttempts, tt.wantPermanent)
			}
			if !slices.Equal(delays, tt.wantDelays) {
				t.Errorf("waits = %v, want %v", delays, tt.wantDelays)
			}
			if tt.wantErr != "" && (o.Err == nil || o.Err.Error() != tt.wantErr) {
				t.Errorf("error = %v, want %q", o.Err, tt.wantErr)
			}
			if o.Err != nil && strings.Contains(o.Err.Error(), "T0ken") {
				t.Errorf("error %q holds the webhook's token", o.Err)
			}
			if !o.Sent {
				return
			}
			got := f.shown[len(f.shown)-1]
			want := "*" + tt.subject + "*\n" + strings.TrimRight(tt.body, "\n")
			switch {
			case len([]rune(got)) > MaxText:
				t.Errorf("text is %d characters, want at most %d", len([]rune(got)), MaxText)
			case len([]rune(want)) > MaxText:
				if !strings.HasSuffix(got, textcut.Note) || !strings.HasPrefix(want, strings.TrimSuffix(got, textcut.Note)) {
					t.Errorf("Slack shows …%q, want the message's beginning and the note", got[len(got)-60:])
				}
			case got != want:
				t.Errorf("Slack shows %q, want %q", got, want)
			}
		})
	}
}

// TestSlackGolden compares the posted JSON with testdata/*.golden (reviewed
// by eye; go test ./notifier/slack -update rewrites them). It is decoded and
// written again without JSON's \u003c escapes, so that the escaping a
// reader checks is Slack's own (&lt;).
func TestSlackGolden(t *testing.T) {
	tests := []struct{ name, subject, body string }{
		{"valborg", subject, body},
		{"escaped", "Café <Kungsgatan> & co", "<!channel> öppet 08:00–11:30 & sedan stängt\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			n, err := New(Config{WebhookURL: f.URL + hookPath})
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Send(t.Context(), tt.subject, tt.body); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			var p Payload
			if err := json.Unmarshal(f.bodies[0], &p); err != nil {
				t.Fatalf("posted body %q: %v", f.bodies[0], err)
			}
			var got bytes.Buffer
			enc := json.NewEncoder(&got)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(p); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".golden")
			notifiertest.Golden(t, path, got.Bytes(), *update)
		})
	}
}

func TestSlackNetworkErrorsHideWebhook(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	hanging := notifiertest.HangingServer(t)
	for name, srv := range map[string]string{"gone": gone.URL, "hanging": hanging.URL} {
		t.Run(name, func(t *testing.T) {
			n, err := New(Config{WebhookURL: srv + hookPath, Timeout: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), subject, body), "s3cr3tWebhookT0ken")
		})
	}
}

func TestNewErrors(t *testing.T) {
	for _, u := range []string{"", "hooks.slack.com/services/x", "ftp://hooks.slack.com/x"} {
		if _, err := New(Config{WebhookURL: u}); err == nil || err.Error() != "slack: webhook_url must be an absolute http(s) URL" {
			t.Errorf("New(webhook_url %q) error = %v, want the URL refused", u, err)
		}
	}
}

func TestConfigHidesWebhook(t *testing.T) {
	cfg := Config{WebhookURL: "https://hooks.slack.com" + hookPath}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// slog's JSON handler would print every exported field without LogValue.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("channel", "cfg", cfg, "notifier", n)
	for _, out := range []string{logged.String(), fmt.Sprint(cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%+v", n), fmt.Sprintf("%#v", n)} {
		if strings.Contains(out, "T0ken") {
			t.Errorf("printed %q, shows the webhook", out)
		}
		if !strings.Contains(out, "hooks.slack.com") {
			t.Errorf("printed %q, want the host", out)
		}
	}
}
