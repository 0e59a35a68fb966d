package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/notifiertest"
)

const (
	user     = "hoursd"
	password = "s3cr3t-smtp-pw"
)

// testCert makes a self-signed certificate for 127.0.0.1 and a pool that
// trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hoursd test relay"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// relay is an in-process SMTP server (emersion/go-smtp) with PLAIN auth
// and a script of replies to RCPT TO.
type relay struct {
	mu       sync.Mutex
	rcpt     []error // replies to the first RCPTs, in order; then 250
	messages []string
	authed   []string

	// Faults: the connection is closed before the reply to the next
	// dropBeforeReply messages (not accepted), or right after the 250 to
	// the next dropAfterAccept ones (accepted: RSET and QUIT then fail).
	dropBeforeReply, dropAfterAccept int
}

type session struct {
	r        *relay
	conn     *smtp.Conn
	authed   bool
	auth     bool // the server requires auth
	accepted bool // the last DATA was accepted and the connection is to drop
}

func (r *relay) serve(t *testing.T, mode string, cert tls.Certificate, requireAuth bool) (host string, port int) {
	t.Helper()
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{r: r, conn: c, auth: requireAuth}, nil })
	s := smtp.NewServer(be)
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}}
	switch mode {
	case TLSStartTLS:
		s.TLSConfig = tc
	case TLSImplicit:
		l = tls.NewListener(l, tc)
	case TLSNone:
		s.AllowInsecureAuth = true
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	a := l.Addr().(*net.TCPAddr)
	return "127.0.0.1", a.Port
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, pw string) error {
		if username != user || pw != password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.authed = true
		s.r.mu.Lock()
		s.r.authed = append(s.r.authed, username)
		s.r.mu.Unlock()
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.auth && !s.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if len(s.r.rcpt) > 0 {
		err := s.r.rcpt[0]
		s.r.rcpt = s.r.rcpt[1:]
		return err
	}
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if s.r.dropBeforeReply > 0 {
		s.r.dropBeforeReply--
		s.conn.Conn().Close() // the raw connection: go-smtp holds the Conn's lock here
		return nil
	}
	s.r.messages = append(s.r.messages, string(b))
	if s.r.dropAfterAccept > 0 {
		s.r.dropAfterAccept--
		s.accepted = true
	}
	return nil
}

// Reset runs after the reply to DATA has been written (and on RSET).
func (s *session) Reset() {
	if s.accepted {
		s.accepted = false
		s.conn.Conn().Close() // the raw connection: go-smtp holds the Conn's lock here
	}
}

func (s *session) Logout() error { return nil }

var (
	greylisted = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, try again later"}
	noMailbox  = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
)

func TestEmailDelivery(t *testing.T) {
	cert, pool := testCert(t)
	tests := []struct {
		name          string
		mode          string
		auth          bool
		password      string
		rcpt          []error
		dropBefore    int // connections lost before the reply to DATA
		dropAfter     int // connections lost right after the 250 to DATA
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"starttls with auth", TLSStartTLS, true, password, nil, 0, 0, true, 1, false, nil, ""},
		{"implicit tls with auth", TLSImplicit, true, password, nil, 0, 0, true, 1, false, nil, ""},
		{"none to loopback", TLSNone, false, "", nil, 0, 0, true, 1, false, nil, ""},
		{"451 then success", TLSStartTLS, true, password, []error{greylisted}, 0, 0, true, 2, false, []time.Duration{time.Second}, ""},
		{"550 permanent", TLSStartTLS, true, password, []error{noMailbox}, 0, 0, false, 1, true, nil, "550"},
		{"wrong password permanent", TLSImplicit, true, "wrong-pw", nil, 0, 0, false, 1, true, nil, "535"},
		// No reply to DATA: the mail was not accepted and is sent again.
		{"connection lost before the reply", TLSStartTLS, true, password, nil, 1, 0, true, 2, false, []time.Duration{time.Second}, ""},
		// 250 to DATA, then the connection is gone before RSET and QUIT:
		// the mail was accepted, and sending it again would duplicate it.
		{"connection lost after acceptance", TLSStartTLS, true, password, nil, 0, 1, true, 1, false, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &relay{rcpt: tt.rcpt, dropBeforeReply: tt.dropBefore, dropAfterAccept: tt.dropAfter}
			host, port := r.serve(t, tt.mode, cert, tt.auth)
			cfg := Config{Host: host, Port: port, TLS: tt.mode, From: "Öppettider <hoursd@example.com>",
				TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 10 * time.Second}
			if tt.auth {
				cfg.Username, cfg.Password = user, tt.password
			}
			n, err := New(cfg, "anna@example.com")
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "anna/mail/0", Sender: n},
				notifier.Message{Subject: "Ändrade öppettider i morgon: Försäkringskassan kundcenter",
					Body: "I morgon, torsdag 30 april (Valborgsmässoafton): öppet 08:00–11:30 i stället för 08:00–16:00.\n"},
				notifiertest.InstantPolicy(&delays))
			if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || o.Permanent != tt.wantPermanent {
				t.Fatalf("Deliver() = sent %v, %d attempts, permanent %v (err %v), want %v, %d, %v",
					o.Sent, o.Attempts, o.Permanent, o.Err, tt.wantSent, tt.wantAttempts, tt.wantPermanent)
			}
			if !slices.Equal(delays, tt.wantDelays) {
				t.Errorf("waits = %v, want %v", delays, tt.wantDelays)
			}
			t.Logf("outcome: %+v", o)
			if tt.wantErr != "" && (o.Err == nil || !strings.Contains(o.Err.Error(), tt.wantErr)) {
				t.Errorf("error = %v, want one saying %s", o.Err, tt.wantErr)
			}
			if o.Err != nil && strings.Contains(o.Err.Error(), password) {
				t.Errorf("error %q holds the password", o.Err)
			}
			if !tt.wantSent {
				return
			}
			if len(r.messages) != 1 {
				t.Errorf("the relay accepted %d messages, want 1", len(r.messages))
			}
			if tt.auth && len(r.authed) == 0 {
				t.Errorf("the relay saw no authentication")
			}
			checkMessage(t, r.messages[0])
		})
	}
}

// checkMessage reads the mail as a mail reader would: headers decoded, the
// body in UTF-8 plain text.
func checkMessage(t *testing.T, raw string) {
	t.Helper()
	m, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, raw)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != "Ändrade öppettider i morgon: Försäkringskassan kundcenter" {
		t.Errorf("Subject = %q (%v), want the message's subject", subject, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Öppettider" || from[0].Address != "hoursd@example.com" {
		t.Errorf("From = %v (%v), want Öppettider <hoursd@example.com>", from, err)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type = %q, want text/plain in UTF-8", ct)
	}
	for _, h := range []string{"Date", "Message-Id", "Mime-Version"} {
		if m.Header.Get(h) == "" {
			t.Errorf("header %s is missing", h)
		}
	}
	if m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q, want auto-generated", m.Header.Get("Auto-Submitted"))
	}
	var body []byte
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body, err = io.ReadAll(quotedprintable.NewReader(m.Body))
	} else {
		body, err = io.ReadAll(m.Body)
	}
	if err != nil || !strings.Contains(string(body), "öppet 08:00–11:30 i stället för 08:00–16:00") {
		t.Errorf("body = %q (%v), want the message", body, err)
	}
}

func TestEmailServerNeverAnswers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept() // and never say 220
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	n, err := New(Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: TLSNone,
		From: "hoursd@example.com", Timeout: 100 * time.Millisecond}, "anna@example.com")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = n.Send(t.Context(), "s", "b")
	if retry, _ := notifier.IsTransient(err); !retry {
		t.Errorf("Send() to a silent server = %v, want a transient error", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Send() took %v, want it bounded by the 100ms timeout", took)
	}
}

func TestEmailUntrustedCertificate(t *testing.T) {
	cert, _ := testCert(t)
	_, otherPool := testCert(t)
	r := &relay{}
	host, port := r.serve(t, TLSImplicit, cert, false)
	n, err := New(Config{Host: host, Port: port, TLS: TLSImplicit, From: "hoursd@example.com",
		TLSConfig: &tls.Config{RootCAs: otherPool}}, "anna@example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = n.Send(t.Context(), "s", "b")
	t.Logf("Send: %v", err)
	if retry, _ := notifier.IsTransient(err); err == nil || retry {
		t.Errorf("Send() to an untrusted relay = %v, want a permanent error", err)
	}
}

func TestEmailStartTLSRequired(t *testing.T) {
	cert, pool := testCert(t)
	r := &relay{}
	host, port := r.serve(t, TLSNone, cert, false) // offers no STARTTLS
	n, err := New(Config{Host: host, Port: port, TLS: TLSStartTLS, From: "hoursd@example.com",
		TLSConfig: &tls.Config{RootCAs: pool}}, "anna@example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = n.Send(t.Context(), "s", "b")
	t.Logf("Send: %v", err)
	if retry, _ := notifier.IsTransient(err); err == nil || retry {
		t.Errorf("Send() with starttls to a relay without STARTTLS = %v, want a permanent error", err)
	}
	if len(r.messages) != 0 {
		t.Errorf("the message went out unencrypted")
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		to   string
		want string
	}{
		{"no host", Config{From: "a@b.se"}, "anna@example.com", "email: host is required"},
		{"none to a remote host", Config{Host: "smtp.example.com", TLS: TLSNone, From: "a@b.se"}, "anna@example.com",
			`email: tls: none is allowed only to a loopback host, not "smtp.example.com": use starttls or tls`},
		{"unknown tls", Config{Host: "smtp.example.com", TLS: "ssl", From: "a@b.se"}, "anna@example.com",
			`email: tls: "ssl" is not one of starttls, tls, none`},
		{"bad from", Config{Host: "smtp.example.com", From: "not an address"}, "anna@example.com", `email: from "not an address": `},
		{"bad to", Config{Host: "smtp.example.com", From: "a@b.se"}, "anna", `email: address "anna": `},
		{"password without user", Config{Host: "smtp.example.com", From: "a@b.se", Password: password}, "anna@example.com",
			"email: password is set but username is not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, tt.to)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), password) {
				t.Errorf("error %q holds the password", err)
			}
		})
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "[::1]"} {
		if _, err := New(Config{Host: host, TLS: TLSNone, From: "a@b.se"}, "anna@example.com"); err != nil {
			t.Errorf("New(tls none to %s) = %v, want it allowed", host, err)
		}
	}
}
