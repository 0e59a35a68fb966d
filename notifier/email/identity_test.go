package email

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestIdentityIsTheAddress: a target with a display name is named by its
// address alone in what hoursd prints about it (String, errors), while the
// message still goes to the name and the address.
func TestIdentityIsTheAddress(t *testing.T) {
	// A port nothing listens on: the send fails at once, and its error
	// names the target.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cfg := Config{Host: "127.0.0.1", Port: port, TLS: TLSNone, From: "hoursd@example.com", Timeout: time.Second}
	tests := []struct{ name, to, want string }{
		{"plain", "anna@example.com", "anna@example.com"},
		{"display name", "Anna Andersson <anna@example.com>", "anna@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := New(cfg, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if got := n.String(); !strings.HasPrefix(got, "email to "+tt.want+" via ") || strings.Contains(got, "Anna") {
				t.Errorf("String() = %q, want it to name %s alone", got, tt.want)
			}
			if n.to != tt.to {
				t.Errorf("the message goes to %q, want %q", n.to, tt.to)
			}
			err = n.Send(t.Context(), "s", "b")
			if err == nil || !strings.Contains(err.Error(), "send to "+tt.want+" via") || strings.Contains(err.Error(), "Anna") {
				t.Errorf("Send to a closed port = %v, want an error naming %s alone", err, tt.want)
			}
		})
	}
}
