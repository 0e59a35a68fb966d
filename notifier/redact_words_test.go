package notifier

import (
	"errors"
	"testing"
)

// TestRedactKeepsWords: a secret that is an ordinary word is masked only
// where it stands as a word, never inside a longer one; a token is masked
// wherever it is, glued to a word or not.
func TestRedactKeepsWords(t *testing.T) {
	tests := []struct {
		name    string
		msg     string
		secrets []string
		want    string
	}{
		{"word inside a word", "webhook: post message: http 404 Not Found", []string{"hook"}, "webhook: post message: http 404 Not Found"},
		{"word as a word", "unknown topic alerts", []string{"alerts"}, "unknown topic ***"},
		{"word after an escape", "GET /x%2Falerts: 404", []string{"alerts"}, "GET /x%2F***: 404"},
		{"token glued to a word", `Post "http://127.0.0.1/bot123:AAs3cr3t/sendMessage": refused`, []string{"123:AAs3cr3t"}, `Post "http://127.0.0.1/bot***/sendMessage": refused`},
		{"token inside a word", "invalid key xk3y-s3cr3t9", []string{"k3y-s3cr3t9"}, "invalid key x***"},
		{"too short", "no id 42 here", []string{"42"}, "no id 42 here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(errors.New(tt.msg), tt.secrets...).Error(); got != tt.want {
				t.Errorf("Redact(%q, %q) = %q, want %q", tt.msg, tt.secrets, got, tt.want)
			}
		})
	}
}
