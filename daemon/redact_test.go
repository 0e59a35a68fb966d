package daemon

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestRedact checks what hoursd keeps of a channel's error in the state,
// status and /healthz: every URL cut to its scheme and host, so a Discord
// webhook URL, a token in a query or a password in the authority never
// leaves the process, while the rest of the error still says what happened.
func TestRedact(t *testing.T) {
	// Go's HTTP client quotes the whole URL, as a refused Discord post does.
	urlErr := &url.Error{Op: "Post", URL: "https://discord.com/api/webhooks/123/SECRETTOKEN?wait=true",
		Err: errors.New("dial tcp 162.159.128.233:443: connect: connection refused")}
	tests := []struct {
		name    string
		err     error
		want    string
		secrets []string
	}{
		{"no url", errors.New("http 401 Unauthorized: invalid token"), "http 401 Unauthorized: invalid token", nil},
		{"discord webhook in a url.Error", urlErr,
			`Post "https://discord.com/…": dial tcp 162.159.128.233:443: connect: connection refused`,
			[]string{"SECRETTOKEN", "webhooks/123", "wait=true"}},
		{"token in a query", fmt.Errorf("webhook: post message: %w", errors.New("get http://127.0.0.1:8080/hook?token=SECRET failed: EOF")),
			"webhook: post message: get http://127.0.0.1:8080/… failed: EOF", []string{"SECRET", "token="}},
		{"password in the authority", errors.New("smtp://hoursd:SECRETPW@mail.example.com:587 refused"),
			"smtp://mail.example.com:587/… refused", []string{"SECRETPW", "hoursd:"}},
		{"two urls", errors.New("https://a.example/x/SECRET1 redirected to https://b.example/y/SECRET2"),
			"https://a.example/… redirected to https://b.example/…", []string{"SECRET1", "SECRET2"}},
		{"url without a host", errors.New("open file:///run/credentials/hoursd/SECRETFILE"),
			"open <url>", []string{"SECRETFILE"}},
		{"key in the host name", errors.New(`Post "https://eo1a2b3c4d5e6f7.m.pipedream.net/hook": EOF`),
			`Post "https://***.m.pipedream.net/…": EOF`, []string{"eo1a2b3c4d5e6f7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redact(tt.err)
			if got != tt.want {
				t.Errorf("redact(%q) = %q, want %q", tt.err, got, tt.want)
			}
			for _, s := range tt.secrets {
				if strings.Contains(got, s) {
					t.Errorf("redact(%q) = %q, which still holds %q", tt.err, got, s)
				}
			}
		})
	}
}
