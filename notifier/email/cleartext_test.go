package email

import (
	"net"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/notifier"
)

// TestNewClearTextOnlyToLoopback pins down which hosts tls: none accepts:
// "localhost" and loopback addresses as written; names are never resolved,
// so one that merely points at 127.0.0.1 today is refused.
func TestNewClearTextOnlyToLoopback(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"localhost", true},
		{"LOCALHOST", true},
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"127.0.0.1.nip.io", false},
		{"localhost.example.com", false},
		{"0.0.0.0", false},
		{"192.0.2.25", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			_, err := New(Config{Host: tt.host, TLS: TLSNone, From: "a@b.se"}, "anna@example.com")
			if (err == nil) != tt.ok {
				t.Errorf("New(tls: none to %s) error = %v, want allowed %v", tt.host, err, tt.ok)
			}
		})
	}
}

// TestClearTextRefusedToARemotePeer sends with tls: none to an address of
// this machine that is not loopback, as "localhost" would if the resolver
// pointed it elsewhere: hoursd must not write a byte of SMTP (the password,
// the message) to it, and must not retry.
func TestClearTextRefusedToARemotePeer(t *testing.T) {
	ip := nonLoopbackIP(t)
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	defer l.Close()
	received := make(chan int, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			received <- -1
			return
		}
		defer c.Close()
		// Greet as a relay would, then count what the client writes.
		_, _ = c.Write([]byte("220 relay ESMTP\r\n"))
		buf := make([]byte, 512)
		n, _ := c.Read(buf)
		received <- n
	}()
	// Built past New, as New refuses a non-loopback host before any
	// connection: this is the check on the connection itself.
	n := &Notifier{cfg: Config{Host: ip.String(), Port: l.Addr().(*net.TCPAddr).Port, TLS: TLSNone,
		Username: user, Password: password, From: "hoursd@example.com", Timeout: DefaultTimeout}, to: "anna@example.com"}
	err = n.Send(t.Context(), "s", "b")
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Fatalf("Send(tls: none to %s) = %v, want a refusal naming the non-loopback address", ip, err)
	}
	if retry, _ := notifier.IsTransient(err); retry {
		t.Errorf("Send(tls: none to %s) = %v, transient; want permanent: only a change of configuration fixes it", ip, err)
	}
	if got := <-received; got > 0 {
		t.Errorf("hoursd wrote %d bytes in clear text to %s", got, ip)
	}
}

// nonLoopbackIP is an address of this machine other than loopback, or skips.
func nonLoopbackIP(t *testing.T) net.IP {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("interface addresses: %v", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address")
	return nil
}
