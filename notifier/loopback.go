package notifier

import (
	"net"
	"strings"
)

// IsLoopback reports whether host is this machine as it is written: the name
// "localhost" or a loopback address, bare or in brackets ("127.0.0.1",
// "::1", "[::1]"). Other names are not resolved: "127.0.0.1.nip.io" or a
// name in /etc/hosts is not loopback, because what a name resolves to when
// the configuration is loaded is no promise for a later send, and a typo'd
// relay name must not become a clear-text connection across the network.
//
// It is the one rule for where hoursd may speak in clear text — an email
// channel with tls: none, an http:// URL — and lives here because both the
// configuration (which imports notifier to build channels) and the channels
// themselves (notifier/email, which checks again) need it; a package under
// notifier/internal could not be imported by config.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if inner, bracketed := strings.CutPrefix(host, "["); bracketed {
		if host, bracketed = strings.CutSuffix(inner, "]"); !bracketed {
			return false
		}
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
