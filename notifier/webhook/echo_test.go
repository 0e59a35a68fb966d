package webhook

import (
	"context"
	"strings"
	"testing"
)

// TestWebhookErrorsHideEchoedSecretParts: a service that refuses a post
// often names what it refused — the topic or token alone (the last part
// of the path), a query value, the token from the Authorization header
// without its scheme. None of these pieces may reach hoursd's error, which
// is logged, kept in the state file and shown on the status page.
func TestWebhookErrorsHideEchoedSecretParts(t *testing.T) {
	tests := []struct {
		name, url, header, echo, secret string
	}{
		{"path token", "/hooks/s3cr3t-t0ken", "", "unknown topic s3cr3t-t0ken", "s3cr3t-t0ken"},
		{"escaped path token", "/hooks/s3cr3t%20t0ken", "", "unknown topic s3cr3t t0ken", "s3cr3t t0ken"},
		{"query value", "/hooks/x?auth=q-s3cr3t&f=1", "", "auth q-s3cr3t rejected", "q-s3cr3t"},
		{"bearer token alone", "/hooks/x", "Bearer tk_s3cr3t", "token tk_s3cr3t expired", "tk_s3cr3t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, answer{status: 403, body: tt.echo})
			cfg := Config{URL: srv.URL + tt.url}
			if tt.header != "" {
				cfg.Headers = map[string]string{"Authorization": tt.header}
			}
			n, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = n.Send(context.Background(), "s", "b")
			if err == nil {
				t.Fatal("Send() = nil, want the 403")
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Errorf("Send() error = %q, holds the secret %q", err, tt.secret)
			}
			if !strings.Contains(err.Error(), "403") {
				t.Errorf("Send() error = %q, want it to still say 403", err)
			}
		})
	}
}
