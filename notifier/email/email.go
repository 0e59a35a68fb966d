// Package email sends hoursd messages as plain-text email over SMTP.
//
// notify's mail service cannot do what a daemon needs here: it has no
// implicit TLS (port 465), no TLS settings and no timeout. This package
// implements the same one-method Notifier with github.com/wneessen/go-mail,
// which has all three, and classifies what the server says: SMTP 4xx is
// transient (greylisting, a full queue), 5xx permanent (no such mailbox,
// authentication refused).
package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/textproto"
	"time"

	"github.com/nikoksr/notify"
	mail "github.com/wneessen/go-mail"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/secret"
)

// The TLS modes.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587); required, never optional
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only to a loopback host (a local relay)
)

// DefaultTimeout bounds a whole send (dial, TLS, auth, the message).
const DefaultTimeout = 30 * time.Second

// Config is an SMTP channel.
type Config struct {
	Host     string
	Port     int    // default: 465 for tls, 587 for starttls, 25 for none
	TLS      string // "starttls" (default), "tls" or "none"
	Username string // empty: no authentication
	Password string
	From     string // "Öppettider <hoursd@example.com>"
	Timeout  time.Duration

	// TLSConfig adds trusted roots or a client certificate (tests, private
	// relays); nil trusts the system roots. ServerName is always Host.
	TLSConfig *tls.Config
}

// Notifier sends to one address.
type Notifier struct {
	cfg Config
	to  string // as configured, with a display name if it has one: the To header
	// addr is to without its display name: how hoursd names the target in
	// errors and logs, as config's target ids do, so that "Anna
	// <anna@example.com>" and anna@example.com read as the one target
	// they are, and a masked form is made from the address alone.
	addr string
}

var (
	_ notify.Notifier = (*Notifier)(nil)
	_ notifier.Sender = (*Notifier)(nil)
)

// New returns a Notifier that sends to the address to. A configuration that
// cannot work (no host, an unknown TLS mode, tls: none to a remote host,
// addresses that do not parse) is refused here so that config reports it at
// load. The password never appears in an error.
func New(cfg Config, to string) (*Notifier, error) {
	if cfg.Host == "" {
		return nil, errors.New("email: host is required")
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !notifier.IsLoopback(cfg.Host) {
			return nil, fmt.Errorf("email: tls: none is allowed only to a loopback host, not %q: use starttls or tls", cfg.Host)
		}
	default:
		return nil, fmt.Errorf("email: tls: %q is not one of starttls, tls, none", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[cfg.TLS]
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("email: port %d is not a TCP port", cfg.Port)
	}
	if cfg.Username == "" && cfg.Password != "" {
		return nil, errors.New("email: password is set but username is not")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	probe := mail.NewMsg()
	if err := probe.From(cfg.From); err != nil {
		return nil, fmt.Errorf("email: from %q: %w", cfg.From, err)
	}
	if err := probe.To(to); err != nil {
		return nil, fmt.Errorf("email: address %q: %w", to, err)
	}
	addr := to
	if a, err := netmail.ParseAddress(to); err == nil {
		addr = a.Address
	}
	return &Notifier{cfg: cfg, to: to, addr: addr}, nil
}

// checkLoopbackPeer refuses a clear-text connection that did not reach this
// machine. New lets tls: none through for "localhost" without resolving it;
// what "localhost" resolves to is the resolver's business (/etc/hosts, a
// container's DNS), so the address actually dialled is checked before the
// password or a message is written to it.
func checkLoopbackPeer(addr net.Addr) error {
	if ta, ok := addr.(*net.TCPAddr); ok && ta.IP.IsLoopback() {
		return nil
	}
	return fmt.Errorf("tls: none connected to %s, which is not a loopback address: refusing to send in clear text", addr)
}

// Send sends one message as UTF-8 plain text. The whole exchange is bounded
// by the channel's timeout (and ctx): the connection is closed when either
// ends, so a server that stops answering cannot hold the send.
func (n *Notifier) Send(ctx context.Context, subject, body string) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()

	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP))
	if err := msg.From(n.cfg.From); err != nil {
		return fmt.Errorf("email: from: %w", err)
	}
	if err := msg.To(n.to); err != nil {
		return fmt.Errorf("email: to: %w", err)
	}
	msg.Subject(subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies to hoursd
	msg.SetBodyString(mail.TypeTextPlain, body)

	client, err := mail.NewClient(n.cfg.Host, n.options(ctx)...)
	if err != nil {
		return n.redact(fmt.Errorf("email: set up client: %w", err))
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if msg.IsDelivered() {
			// The relay said 250 to the message; what failed is the RSET or
			// QUIT after it. Reporting a failure would make hoursd send
			// the same mail again.
			return nil
		}
		return n.redact(classify(fmt.Errorf("email: send to %s via %s:%d: %w", n.addr, n.cfg.Host, n.cfg.Port, err)))
	}
	return nil
}

// options are the go-mail settings for one send. hoursd dials itself (and
// does implicit TLS itself) so that the connection can be closed when ctx
// ends: go-mail uses its context only for dialing and then relies on
// per-command deadlines, which do not bound the whole send.
func (n *Notifier) options(ctx context.Context) []mail.Option {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if n.cfg.TLSConfig != nil {
		tlsConfig = n.cfg.TLSConfig.Clone()
	}
	tlsConfig.ServerName = n.cfg.Host

	implicit := n.cfg.TLS == TLSImplicit
	dial := func(_ context.Context, network, addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: n.cfg.Timeout}
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if n.cfg.TLS == TLSNone {
			if err := checkLoopbackPeer(conn.RemoteAddr()); err != nil {
				conn.Close()
				return nil, err
			}
		}
		if implicit {
			tc := tls.Client(conn, tlsConfig)
			if err := tc.HandshakeContext(ctx); err != nil {
				conn.Close()
				return nil, err
			}
			conn = tc
		}
		context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}

	opts := []mail.Option{
		mail.WithPort(n.cfg.Port),
		mail.WithTimeout(n.cfg.Timeout),
		mail.WithTLSConfig(tlsConfig),
		mail.WithDialContextFunc(dial),
	}
	switch n.cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		// The connection is TLS already; go-mail sees a *tls.Conn, treats
		// it as encrypted and does not look for STARTTLS.
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if n.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(n.cfg.Username), mail.WithPassword(n.cfg.Password))
	}
	return opts
}

func (n *Notifier) redact(err error) error {
	return notifier.Redact(err, n.cfg.Password)
}

// classify marks err transient or leaves it permanent: SMTP 4xx and network
// failures are transient; SMTP 5xx, refused authentication, a certificate
// that does not verify and a server without STARTTLS are permanent, because
// the same send will fail the same way until someone changes something.
//
// A go-mail SendError carries the server's reply code (ErrorCode) when
// there was a reply. Without one (code 0) the connection failed in the
// middle of the transaction — an EOF, a reset, the timeout closing it — and
// that is transient, although SendError.IsTemp says false for it: IsTemp
// only looks for a leading "4" in the text, and SendError does not unwrap
// to the network error. Only the reasons that are about the message itself
// stay permanent.
func classify(err error) error {
	var se *mail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case code >= 400 && code < 500:
			return notifier.Transient(err, 0)
		case code >= 500:
			return err
		}
		switch se.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
			return err
		}
		return notifier.Transient(err, 0)
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		if te.Code >= 400 && te.Code < 500 {
			return notifier.Transient(err, 0)
		}
		return err
	}
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	if errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &hne) {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return notifier.Transient(err, 0)
	}
	return err
}

// String shows the configuration with the password masked, so that a Config
// that reaches a log line or an error by mistake does not carry it.
func (c Config) String() string {
	return fmt.Sprintf("email.Config{Host:%q, Port:%d, TLS:%q, Username:%q, Password:%q, From:%q, Timeout:%s}",
		c.Host, c.Port, c.TLS, c.Username, secret.String(c.Password), c.From, c.Timeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is what slog logs for a Config (the JSON handler would otherwise
// marshal every exported field, the password included).
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", c.Host), slog.Int("port", c.Port), slog.String("tls", c.TLS),
		slog.String("username", c.Username), slog.String("password", secret.String(c.Password)),
		slog.String("from", c.From), slog.Duration("timeout", c.Timeout))
}

// String names the notifier without its configuration's secrets.
func (n *Notifier) String() string { return "email to " + n.addr + " via " + n.cfg.String() }

// GoString is String, for %#v.
func (n *Notifier) GoString() string { return n.String() }

// LogValue logs the notifier as String describes it.
func (n *Notifier) LogValue() slog.Value { return slog.StringValue(n.String()) }
