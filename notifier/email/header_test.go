package email

import (
	netmail "net/mail"
	"strings"
	"testing"
)

// TestSubjectCannotAddHeaders: a subject is rendered from schedule titles
// and templates; a line break in it must stay inside the Subject header,
// never start a header of its own (a Bcc that copies every message).
func TestSubjectCannotAddHeaders(t *testing.T) {
	cert, _ := testCert(t)
	r := &relay{}
	host, port := r.serve(t, TLSNone, cert, false)
	n, err := New(Config{Host: host, Port: port, TLS: TLSNone, From: "hoursd@example.com"}, "anna@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, subject := range []string{"Öppettider\r\nBcc: eve@example.com", "Hours\nBcc: eve@example.com", "Hours\rBcc: eve@example.com"} {
		if err := n.Send(t.Context(), subject, "body"); err != nil {
			t.Fatalf("Send(subject %q) = %v", subject, err)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, raw := range r.messages {
		m, err := netmail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("read message: %v\n%s", err, raw)
		}
		if bcc := m.Header.Get("Bcc"); bcc != "" {
			t.Errorf("message carries Bcc: %q from its subject:\n%s", bcc, raw)
		}
	}
	if len(r.messages) != 3 {
		t.Errorf("relay got %d messages, want 3", len(r.messages))
	}
}
