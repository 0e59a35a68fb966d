package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/notifiertest"
)

// answer is one scripted HTTP answer.
type answer struct {
	status int
	header map[string]string
	body   string
}

// server answers each post with the next scripted answer (repeating the
// last) and records what it got.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	answers  []answer
	payloads []Payload
	headers  []http.Header
}

func newServer(t *testing.T, answers ...answer) *server {
	s := &server{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p Payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.payloads = append(s.payloads, p)
		s.headers = append(s.headers, r.Header.Clone())
		a := s.answers[min(len(s.payloads), len(s.answers))-1]
		s.mu.Unlock()
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(s.Close)
	return s
}

const secretPath = "/hooks/s3cr3t-t0ken"

func TestWebhookDelivery(t *testing.T) {
	tests := []struct {
		name          string
		answers       []answer
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"success", []answer{{status: 200}}, true, 1, false, nil, ""},
		{"500 then success", []answer{{status: 500, body: "oops"}, {status: 204}}, true, 2, false, []time.Duration{time.Second}, ""},
		{"429 then success", []answer{{status: 429, header: map[string]string{"Retry-After": "12"}}, {status: 200}},
			true, 2, false, []time.Duration{12 * time.Second}, ""},
		{"permanent 400", []answer{{status: 400, body: `{"message":"unknown topic"}`}}, false, 1, true, nil,
			"webhook: post message: http 400 Bad Request: unknown topic"},
		{"permanent 404", []answer{{status: 404, body: "no such hook"}}, false, 1, true, nil,
			"webhook: post message: http 404 Not Found: no such hook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.answers...)
			n, err := New(Config{URL: srv.URL + secretPath, Headers: map[string]string{"Authorization": "Bearer tk_secret"}})
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "team/hook/0", Sender: n},
				notifier.Message{Subject: "Ändrade öppettider i morgon", Body: "Stängt."}, notifiertest.InstantPolicy(&delays))
			if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || o.Permanent != tt.wantPermanent {
				t.Errorf("Deliver() = sent %v, %d attempts, permanent %v (err %v), want %v, %d, %v",
					o.Sent, o.Attempts, o.Permanent, o.Err, tt.wantSent, tt.wantAttempts, tt.wantPermanent)
			}
			if !slices.Equal(delays, tt.wantDelays) {
				t.Errorf("waits = %v, want %v", delays, tt.wantDelays)
			}
			if tt.wantErr != "" && (o.Err == nil || o.Err.Error() != tt.wantErr) {
				t.Errorf("error = %v, want %q", o.Err, tt.wantErr)
			}
			p, h := srv.payloads[0], srv.headers[0]
			if p.Subject != "Ändrade öppettider i morgon" || p.Body != "Stängt." || p.Text != "Ändrade öppettider i morgon\n\nStängt." {
				t.Errorf("payload = %+v, want the message", p)
			}
			if h.Get("Authorization") != "Bearer tk_secret" || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
				t.Errorf("headers = %v, want Authorization and JSON content type", h)
			}
		})
	}
}

func TestWebhookHangingServerTimesOut(t *testing.T) {
	srv := notifiertest.HangingServer(t)
	// The client's own timeout is what ends the request here: Deliver's
	// timeout is larger, so this tests that the channel does not hang.
	n, err := New(Config{URL: srv.URL + secretPath, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	notifiertest.CheckTransientWithoutSecrets(t, n.Send(context.Background(), "s", "b"), "s3cr3t")
}

func TestWebhookErrorsHideSecrets(t *testing.T) {
	srv := newServer(t, answer{status: 401, body: "bad token Bearer tk_secret for " + secretPath})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, base := range []string{srv.URL, closed.URL} {
		n, err := New(Config{URL: base + secretPath, Headers: map[string]string{"Authorization": "Bearer tk_secret"}})
		if err != nil {
			t.Fatal(err)
		}
		err = n.Send(t.Context(), "s", "b")
		if err == nil {
			t.Fatalf("Send(%s) succeeded, want an error", base)
		}
		for e := err; e != nil; e = errors.Unwrap(e) {
			if strings.Contains(e.Error(), "s3cr3t") || strings.Contains(e.Error(), "tk_secret") {
				t.Errorf("error %q holds a secret", e)
			}
		}
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "/relative", "http://"} {
		if _, err := New(Config{URL: u}); err == nil {
			t.Errorf("New(url %q) = nil error, want one", u)
		}
	}
}

// TestWebhookConcurrentSends posts from many goroutines through one
// Notifier: notify's http service shares the webhook's header map between
// requests, and under -race this fails if anything writes to it.
func TestWebhookConcurrentSends(t *testing.T) {
	srv := newServer(t, answer{status: 204})
	n, err := New(Config{URL: srv.URL + secretPath})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() { errs[i] = n.Send(t.Context(), "s", "b") })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Send %d = %v, want success", i, err)
		}
	}
	if len(srv.payloads) != 20 {
		t.Errorf("server got %d posts, want 20", len(srv.payloads))
	}
}
