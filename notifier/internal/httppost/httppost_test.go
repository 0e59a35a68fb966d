package httppost

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 4, 29, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name, value string
		want        time.Duration
	}{
		{"absent", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"fraction", "1.5", 1500 * time.Millisecond},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"date in the past", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"garbage", "soon", 0},
		{"negative", "-5", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			if got := RetryAfter(h, now); got != tt.want {
				t.Errorf("RetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

// TestErrorsKeepWords: a webhook URL whose path ends in an ordinary word
// (/hook, /post) is masked whole in an error, but the word is not masked
// inside the error's own text ("webhook: post message").
func TestErrorsKeepWords(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no such hook", http.StatusNotFound)
	}))
	defer srv.Close()
	tests := []struct{ name, path, want string }{
		{"ends in hook", "/hook", "webhook: post message: http 404 Not Found: no such hook"},
		{"ends in post", "/post", "webhook: post message: http 404 Not Found: no such hook"},
		{"ends in a key", "/k3y-s3cr3t", "webhook: post message: http 404 Not Found: no such hook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New(Options{What: "webhook", URL: srv.URL + tt.path, Client: srv.Client(),
				Payload: func(subject, body string) any { return map[string]string{"text": body} }})
			err := p.Send(t.Context(), "s", "b")
			if err == nil || err.Error() != tt.want {
				t.Errorf("Send to %s = %v, want %q", tt.path, err, tt.want)
			}
		})
	}
}
