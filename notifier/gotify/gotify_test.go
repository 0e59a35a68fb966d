package gotify

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
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const token = "As3cr3tAppT0ken"

const (
	subject = notifiertest.Subject
	body    = notifiertest.Body
)

// fakeGotify answers POST /message like a Gotify server: 200 with the
// stored message; 401 for an unknown token; 400 when message is missing;
// and what the test scripts first (429 with Retry-After from a proxy in
// front, 503 while the server restarts).
type fakeGotify struct {
	*httptest.Server
	mu       sync.Mutex
	script   []int
	bodies   [][]byte
	accepted []Payload
}

func newFake(t *testing.T, script ...int) *fakeGotify {
	f := &fakeGotify{script: script}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeGotify) serve(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":%q,"errorCode":%d,"errorDescription":%q}`, http.StatusText(status), status, desc)
	}
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, raw)
	if r.Method != http.MethodPost || r.URL.Path != "/gotify/message" {
		fail(404, "page not found")
		return
	}
	if r.Header.Get("X-Gotify-Key") != token && r.URL.Query().Get("token") != token {
		fail(401, "you need to provide a valid access token or user credentials to access this api")
		return
	}
	if len(f.script) > 0 {
		status := f.script[0]
		f.script = f.script[1:]
		switch status {
		case 429:
			w.Header().Set("Retry-After", "20")
			w.WriteHeader(429)
			fmt.Fprint(w, "Too Many Requests")
			return
		case 503:
			w.WriteHeader(503)
			fmt.Fprint(w, "<html><body>503 Service Unavailable</body></html>")
			return
		}
	}
	var p Payload
	switch {
	case json.Unmarshal(raw, &p) != nil:
		fail(400, "invalid character in JSON")
	case p.Message == "":
		fail(400, "Field 'message' is required")
	default:
		f.accepted = append(f.accepted, p)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":25,"appid":5,"message":"…","title":%q,"priority":%d,"date":"2026-04-29T18:00:00+02:00"}`, p.Title, p.Priority)
	}
}

func TestGotifyDelivery(t *testing.T) {
	tests := []struct {
		name          string
		token         string
		script        []int
		body          string
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"success", token, nil, body, true, 1, false, nil, ""},
		{"429 from a proxy", token, []int{429}, body, true, 2, false, []time.Duration{20 * time.Second}, ""},
		{"503 then success", token, []int{503}, body, true, 2, false, []time.Duration{time.Second}, ""},
		{"unknown token", "Cwr0ngClientT0k", nil, body, false, 1, true, nil,
			`gotify: post message: http 401 Unauthorized: {"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}`},
		{"empty message", token, nil, "\n", false, 1, true, nil,
			`gotify: post message: http 400 Bad Request: {"error":"Bad Request","errorCode":400,"errorDescription":"Field 'message' is required"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			n, err := New(Config{URL: f.URL + "/gotify/", Token: tt.token})
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "anna/gotify", Sender: n},
				notifier.Message{Subject: subject, Body: tt.body}, notifiertest.InstantPolicy(&delays))
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
			if o.Err != nil && (strings.Contains(o.Err.Error(), "T0ken") || strings.Contains(o.Err.Error(), "T0k")) {
				t.Errorf("error %q holds the token", o.Err)
			}
			if o.Sent {
				p := f.accepted[len(f.accepted)-1]
				if p.Title != subject || p.Message != strings.TrimRight(tt.body, "\n") {
					t.Errorf("stored title %q message %q, want the subject and the body", p.Title, p.Message)
				}
			}
		})
	}
}

// TestGotifyGolden compares the posted JSON with testdata/*.golden
// (reviewed by eye; go test ./notifier/gotify -update rewrites them).
func TestGotifyGolden(t *testing.T) {
	tests := []struct {
		name     string
		priority int
		body     string
	}{
		{"valborg", 0, body},
		{"priority", 8, body},
		{"long", 0, strings.Repeat("Torsdag 24 december (Julafton): stängt (vanligtvis öppet 08:00–16:00).\n", 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			n, err := New(Config{URL: f.URL + "/gotify", Token: token, Priority: tt.priority})
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Send(t.Context(), subject, tt.body); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			if got := len(f.accepted[0].Message); got > MaxMessage {
				t.Errorf("message is %d bytes, want at most %d", got, MaxMessage)
			}
			got := f.bodies[0]
			if len(got) > 1000 { // the long case: its beginning and end are what a reader checks
				got = append(append(slices.Clone(got[:300]), "\n…\n"...), got[len(got)-300:]...)
			}
			path := filepath.Join("testdata", tt.name+".golden")
			notifiertest.Golden(t, path, got, *update)
		})
	}
}

func TestGotifyNetworkErrorsHideToken(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	hanging := notifiertest.HangingServer(t)
	for name, srv := range map[string]string{"gone": gone.URL, "hanging": hanging.URL} {
		t.Run(name, func(t *testing.T) {
			// A proxy's password in the URL is a secret too.
			withUser := strings.Replace(srv, "://", "://proxy:pw-s3cr3t@", 1)
			n, err := New(Config{URL: withUser, Token: token, Timeout: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), subject, body), token, "pw-s3cr3t")
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"relative url", Config{URL: "gotify.example.com", Token: token}, "gotify: url must be an absolute http(s) URL"},
		{"no token", Config{URL: "https://gotify.example.com"}, "gotify: token is missing"},
		{"token in the url", Config{URL: "https://gotify.example.com/?token=" + token, Token: token},
			"gotify: url must be the server's address without a query; give the token as token"},
		{"priority", Config{URL: "https://gotify.example.com", Token: token, Priority: 11}, "gotify: priority 11 is not from 1 to 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestConfigHidesToken(t *testing.T) {
	cfg := Config{URL: "https://proxy:pw-T0ken@gotify.example.com", Token: token}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A Config printed before New refused its ?token= shows no token either.
	withQuery := Config{URL: "https://gotify.example.com/?token=" + token, Token: token}
	// slog's JSON handler would print every exported field without LogValue.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("channel", "cfg", cfg, "notifier", n)
	for _, out := range []string{logged.String(), fmt.Sprint(cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%+v", n), fmt.Sprintf("%#v", n), fmt.Sprint(withQuery)} {
		if strings.Contains(out, "T0ken") {
			t.Errorf("printed %q, shows the token", out)
		}
		if !strings.Contains(out, "gotify.example.com") {
			t.Errorf("printed %q, want the host", out)
		}
	}
}
