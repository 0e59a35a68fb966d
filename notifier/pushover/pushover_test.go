package pushover

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/notifiertest"
)

const (
	appToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
	userKey  = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
)

// clock is test time shared by the delivery policy and the notifier, so
// that waiting for a limit reset really moves past it.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	delays []time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) policy() notifier.Policy {
	return notifier.Policy{
		Timeout: 5 * time.Second, Deadline: c.Now().Add(3 * time.Hour),
		Now: c.Now, Jitter: func() float64 { return 0 },
		Sleep: func(_ context.Context, d time.Duration) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.delays = append(c.delays, d)
			c.now = c.now.Add(d)
			return nil
		},
	}
}

// fakePushover answers like api.pushover.net/1/messages.json: status 1 and
// the X-Limit-App-* headers on success, status 0 with errors[] on 400, and
// what the test scripts first (500, 429 over the monthly limit).
type fakePushover struct {
	*httptest.Server
	clock     *clock
	mu        sync.Mutex
	script    []int
	remaining int
	messages  []string
	titles    []string
	requests  int
}

func newFake(t *testing.T, c *clock, script ...int) *fakePushover {
	f := &fakePushover{clock: c, script: script, remaining: 7496}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePushover) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	reset := f.clock.Now().Add(time.Hour).Unix()
	w.Header().Set("X-Limit-App-Limit", "10000")
	w.Header().Set("X-Limit-App-Reset", strconv.FormatInt(reset, 10))
	fail := func(status int, field, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{%q:"invalid","errors":[%q],"status":0,"request":"5042853c-402d-4a18-abcb-168734a801de"}`, field, msg)
	}
	if r.URL.Path != "/1/messages.json" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(400, "message", "bad form")
		return
	}
	if len(f.script) > 0 {
		status := f.script[0]
		f.script = f.script[1:]
		switch status {
		case 500:
			w.WriteHeader(500)
			fmt.Fprint(w, "<html><body>Internal Server Error</body></html>")
			return
		case 429:
			w.Header().Set("X-Limit-App-Remaining", "0")
			fail(429, "token", "application is over its monthly message limit")
			return
		}
	}
	switch {
	case r.PostForm.Get("token") != appToken:
		fail(400, "token", "application token is invalid, see https://pushover.net/api")
	case r.PostForm.Get("user") != userKey:
		fail(400, "user", "user identifier is not a valid user, group, or subscribed user key, see https://pushover.net/api#identifiers")
	case utf8.RuneCountInString(r.PostForm.Get("message")) > 1024:
		fail(400, "message", "message cannot be longer than 1024 characters")
	case utf8.RuneCountInString(r.PostForm.Get("title")) > 250:
		fail(400, "title", "title cannot be longer than 250 characters")
	default:
		f.remaining--
		f.messages = append(f.messages, r.PostForm.Get("message"))
		f.titles = append(f.titles, r.PostForm.Get("title"))
		w.Header().Set("X-Limit-App-Remaining", strconv.Itoa(f.remaining))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}`)
	}
}

func TestPushoverDelivery(t *testing.T) {
	tests := []struct {
		name          string
		token, user   string
		script        []int
		subject, body string
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"success", appToken, userKey, nil, "Ändrade öppettider i morgon", "Stängt.", true, 1, false, nil, ""},
		{"500 then success", appToken, userKey, []int{500}, "s", "b", true, 2, false, []time.Duration{5 * time.Second}, ""},
		{"429 waits for the limit reset", appToken, userKey, []int{429}, "s", "b", true, 2, false, []time.Duration{time.Hour}, ""},
		{"invalid token", "bzGDORePK8gMaC0QOYAMyEEuzJnyUi", userKey, nil, "s", "b", false, 1, true, nil,
			"pushover: send message: http 400: application token is invalid, see https://pushover.net/api"},
		{"unknown user", appToken, "xQiRzpo4DXghDmr9QzzfQu27cmVRsG", nil, "s", "b", false, 1, true, nil,
			"pushover: send message: http 400: user identifier is not a valid user, group, or subscribed user key, see https://pushover.net/api#identifiers"},
		{"long message and title cut", appToken, userKey, nil, strings.Repeat("Ä", 300), strings.Repeat("Öppet 08:00–11:30. ", 100), true, 1, false, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{now: time.Date(2026, 4, 29, 18, 0, 0, 0, time.UTC)}
			f := newFake(t, c, tt.script...)
			n, err := New(Config{Token: tt.token, APIURL: f.URL + "/1", Now: c.Now}, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			o := notifier.Send(t.Context(), notifier.Target{ID: "anna/push/0", Sender: n},
				notifier.Message{Subject: tt.subject, Body: tt.body}, c.policy())
			if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || o.Permanent != tt.wantPermanent {
				t.Errorf("Deliver() = sent %v, %d attempts, permanent %v (err %v), want %v, %d, %v",
					o.Sent, o.Attempts, o.Permanent, o.Err, tt.wantSent, tt.wantAttempts, tt.wantPermanent)
			}
			if !slices.Equal(c.delays, tt.wantDelays) {
				t.Errorf("waits = %v, want %v", c.delays, tt.wantDelays)
			}
			if tt.wantErr != "" && (o.Err == nil || o.Err.Error() != tt.wantErr) {
				t.Errorf("error = %v, want %q", o.Err, tt.wantErr)
			}
			if o.Err != nil && (strings.Contains(o.Err.Error(), appToken) || strings.Contains(o.Err.Error(), userKey)) {
				t.Errorf("error %q holds a key", o.Err)
			}
			if o.Sent {
				msg, title := f.messages[0], f.titles[0]
				if utf8.RuneCountInString(msg) > 1024 || utf8.RuneCountInString(title) > 250 {
					t.Errorf("sent %d/%d characters, want at most 1024/250", utf8.RuneCountInString(msg), utf8.RuneCountInString(title))
				}
				if len(tt.body) > 1024 && !strings.HasSuffix(msg, CutNote) {
					t.Errorf("cut message ends %q, want the note %q", msg[len(msg)-40:], CutNote)
				}
				if len(tt.body) <= 1024 && msg != tt.body {
					t.Errorf("message = %q, want %q", msg, tt.body)
				}
			}
		})
	}
}

func TestPushoverLimitUsedUp(t *testing.T) {
	c := &clock{now: time.Date(2026, 4, 29, 18, 0, 0, 0, time.UTC)}
	f := newFake(t, c)
	f.remaining = 1 // the next message uses the last one
	n, err := New(Config{Token: appToken, APIURL: f.URL + "/1", Now: c.Now}, userKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Send(t.Context(), "s", "b"); err != nil {
		t.Fatalf("first Send() = %v, want success", err)
	}
	// Another target of the same application learns of the limit too.
	other, _ := New(Config{Token: appToken, APIURL: f.URL + "/1", Now: c.Now}, "gQiRzpo4DXghDmr9QzzfQu27cmVRsG")
	err = other.Send(t.Context(), "s", "b")
	retry, after := notifier.IsTransient(err)
	if !retry || after != time.Hour {
		t.Errorf("Send() with the allowance used up = %v (transient %v, after %v), want transient after 1h", err, retry, after)
	}
	if f.requests != 1 {
		t.Errorf("server saw %d requests, want 1: a used-up allowance is known without asking", f.requests)
	}
}

func TestPushoverHangingServer(t *testing.T) {
	srv := notifiertest.HangingServer(t)
	n, err := New(Config{Token: appToken, APIURL: srv.URL, Timeout: 50 * time.Millisecond}, userKey)
	if err != nil {
		t.Fatal(err)
	}
	notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), "s", "b"), appToken, userKey)
}

func TestNewRefusesBadKeys(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		user, want string
	}{
		{"short token", Config{Token: "abc"}, userKey, "pushover: token must be an application token of 30 letters and digits"},
		{"bad user", Config{Token: appToken}, "anna@example.com", "pushover: user must be a user or group key of 30 letters and digits"},
		{"bad api url", Config{Token: appToken, APIURL: "api.pushover.net"}, userKey, "pushover: api_url must be an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, tt.user); err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  string
	}{
		{"kort", 10, "kort"},
		{"åäöåäöåäöå", 10, "åäöåäöåäöå"},
		{"åäöåäöåäöåx", 10, "åäöåäöåäö…"},
		{"ord ord ord ord", 9, "ord ord…"},
	}
	for _, tt := range tests {
		if got := Cut(tt.in, tt.limit, "…"); got != tt.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}
