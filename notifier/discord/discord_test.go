package discord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/notifiertest"
)

const (
	hookPath = "/api/webhooks/1234567890/s3cr3t-webhook-t0ken"
	botToken = "MTIz.bot-s3cr3t"
)

// fakeDiscord answers like Discord: 204 for a webhook post, 200 for a bot
// post, 400 Invalid Form Body above 2000 characters, 401 for a wrong bot
// token, 404 Unknown Webhook, and whatever the test scripts first (429 with
// Retry-After and retry_after, 500).
type fakeDiscord struct {
	*httptest.Server
	mu       sync.Mutex
	script   []int // statuses to answer first, in order
	contents []string
}

// Script entries for 429 answers other than the usual one.
const (
	tooManyOldAPI   = 4291 // retry_after in milliseconds
	tooManyNoHeader = 4292 // no Retry-After header
)

func newFake(t *testing.T, script ...int) *fakeDiscord {
	f := &fakeDiscord{script: script}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	bot := r.URL.Path == "/api/v10/channels/42/messages"
	switch {
	case bot && r.Header.Get("Authorization") != "Bot "+botToken:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message": "401: Unauthorized", "code": 0}`)
		return
	case !bot && r.URL.Path != hookPath:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message": "Unknown Webhook", "code": 10015}`)
		return
	}
	var msg struct {
		Content string `json:"content"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil || msg.Content == "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"message": "Cannot send an empty message", "code": 50006}`)
		return
	}
	if utf8.RuneCountInString(msg.Content) > 2000 {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"message": "Invalid Form Body", "code": 50035, "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}}`)
		return
	}
	f.mu.Lock()
	status := http.StatusNoContent
	if bot {
		status = http.StatusOK
	}
	if len(f.script) > 0 {
		status, f.script = f.script[0], f.script[1:]
	}
	if status < 300 {
		f.contents = append(f.contents, msg.Content)
	}
	f.mu.Unlock()
	switch status {
	case http.StatusTooManyRequests:
		// As Discord answers: the header in whole seconds (rounded up),
		// the body's retry_after in seconds with a fraction.
		w.Header().Set("Retry-After", "3")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.WriteHeader(status)
		fmt.Fprint(w, `{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}`)
	case tooManyOldAPI:
		// An unversioned webhook URL may get the old API's answer, where
		// retry_after is in milliseconds.
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message": "You are being rate limited.", "retry_after": 2500, "global": false}`)
	case tooManyNoHeader:
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}`)
	case http.StatusNoContent:
		w.WriteHeader(status)
	case http.StatusOK:
		fmt.Fprint(w, `{"id": "1", "channel_id": "42", "content": "..."}`)
	case http.StatusBadRequest:
		w.WriteHeader(status)
		fmt.Fprint(w, `{"message": "Invalid Form Body", "code": 50035, "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}}`)
	default:
		w.WriteHeader(status)
		fmt.Fprint(w, `{"message": "Internal Server Error", "code": 0}`)
	}
}

func TestDiscordDelivery(t *testing.T) {
	long := strings.Repeat("Torsdag 24 december (Julafton): stängt (vanligtvis öppet 08:00–16:00).\n", 60) // ~4300 characters
	tests := []struct {
		name          string
		bot           bool
		token         string
		path          string
		script        []int
		body          string
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantPosts     int
	}{
		{"webhook success", false, "", hookPath, nil, "Stängt.", true, 1, false, nil, 1},
		{"bot success", true, botToken, "", nil, "Stängt.", true, 1, false, nil, 1},
		{"500 then success", false, "", hookPath, []int{500}, "Stängt.", true, 2, false, []time.Duration{time.Second}, 1},
		{"429 then success", false, "", hookPath, []int{429}, "Stängt.", true, 2, false, []time.Duration{3 * time.Second}, 1},
		{"429 with milliseconds in the body", false, "", hookPath, []int{tooManyOldAPI}, "Stängt.", true, 2, false, []time.Duration{3 * time.Second}, 1},
		{"429 without Retry-After", false, "", hookPath, []int{tooManyNoHeader}, "Stängt.", true, 2, false, []time.Duration{2500 * time.Millisecond}, 1},
		{"400 invalid form body permanent", false, "", hookPath, []int{400}, "Stängt.", false, 1, true, nil, 0},
		{"unknown webhook", false, "", "/api/webhooks/1/wrong", nil, "Stängt.", false, 1, true, nil, 0},
		{"bad bot token", true, "wrong-token", "", nil, "Stängt.", false, 1, true, nil, 0},
		{"long message split", false, "", hookPath, nil, long, true, 1, false, nil, 3},
		{"split resumes after a failed part", false, "", hookPath, []int{204, 500}, long, true, 2, false, []time.Duration{time.Second}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			cfg := Config{WebhookURL: f.URL + tt.path}
			if tt.bot {
				cfg = Config{BotToken: tt.token, ChannelID: "42", APIURL: f.URL + "/api/v10"}
			}
			n, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "team/discord/0", Sender: n},
				notifier.Message{Subject: "Ändrade öppettider", Body: tt.body}, notifiertest.InstantPolicy(&delays))
			if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || o.Permanent != tt.wantPermanent {
				t.Errorf("Deliver() = sent %v, %d attempts, permanent %v (err %v), want %v, %d, %v",
					o.Sent, o.Attempts, o.Permanent, o.Err, tt.wantSent, tt.wantAttempts, tt.wantPermanent)
			}
			if !slices.Equal(delays, tt.wantDelays) {
				t.Errorf("waits = %v, want %v", delays, tt.wantDelays)
			}
			if len(f.contents) != tt.wantPosts {
				t.Errorf("accepted posts = %d, want %d", len(f.contents), tt.wantPosts)
			}
			if tt.wantPosts > 0 {
				if got, want := strings.Join(f.contents, "\n"), Content("Ändrade öppettider", tt.body); got != want {
					t.Errorf("posts joined = %q…, want the whole message %q…", got[:min(80, len(got))], want[:80])
				}
			}
			if o.Err != nil && (strings.Contains(o.Err.Error(), "s3cr3t") || strings.Contains(o.Err.Error(), "wrong-token")) {
				t.Errorf("error %q holds a secret", o.Err)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"fits", "a\nb", 10, []string{"a\nb"}},
		{"at line breaks", "aaaa\nbbbb\ncccc", 9, []string{"aaaa\nbbbb", "cccc"}},
		{"long line cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"runes not bytes", "ååååå", 2, []string{"åå", "åå", "å"}},
		{"blank lines at edges dropped", "aaaa\n\nbbbb", 4, []string{"aaaa", "bbbb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Split(tt.in, tt.limit); !slices.Equal(got, tt.want) {
				t.Errorf("Split(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"nothing", Config{}},
		{"both", Config{WebhookURL: "https://discord.com" + hookPath, BotToken: botToken, ChannelID: "42"}},
		{"relative url", Config{WebhookURL: hookPath}},
		{"token without channel", Config{BotToken: botToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil {
				t.Fatalf("New(%s) = nil error, want one", tt.name)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("New error %q holds a secret", err)
			}
		})
	}
}

// TestDiscordNetworkErrorHidesWebhook posts to a server that is gone: Go's
// HTTP client then reports a *url.Error that quotes the whole URL, the
// webhook's token with it.
func TestDiscordNetworkErrorHidesWebhook(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	n, err := New(Config{WebhookURL: gone.URL + hookPath})
	if err != nil {
		t.Fatal(err)
	}
	notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), "Ändrade öppettider", "Stängt."), "s3cr3t")
}

func TestDiscordHangingServer(t *testing.T) {
	srv := notifiertest.HangingServer(t)
	n, err := New(Config{WebhookURL: srv.URL + hookPath, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), "Ändrade öppettider", "Stängt."), "s3cr3t")
}
