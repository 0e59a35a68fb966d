// Package secret masks the secrets of a channel's configuration (passwords,
// tokens, webhook URLs, header values) in what hoursd prints about it: the
// channel Config types use it in their String, GoString and LogValue
// methods, so that a Config passed to fmt or slog by mistake shows whether a
// secret is set but never what it is.
package secret

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask stands for a secret that is set.
const Mask = "***"

// String is Mask for a set secret and "" for an empty one, so that a reader
// can still tell a missing secret from a present one.
func String(s string) string {
	if s == "" {
		return ""
	}
	return Mask
}

// URL keeps the scheme and the domain of a secret URL and masks the rest
// (path, query, user info, and the host's leading labels), where services
// put their keys: a Discord webhook's token is the last part of its path,
// an ntfy topic is its path, and some services (request bins, automation
// hooks) name the key in the host: https://k3y.m.example.net.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Mask
	}
	return u.Scheme + "://" + Host(u.Host) + "/" + Mask
}

// Host masks the labels of a host name before its domain (the last two
// labels) that are not ordinary words: k3y-9f2a.m.example.net is shown as
// ***.m.example.net, while hooks.slack.com and discord.com stay as they
// are. An IP address and localhost carry no key and are kept, and so is
// the port.
func Host(hostport string) string {
	host, port := hostport, ""
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	}
	labels := strings.Split(host, ".")
	if net.ParseIP(strings.Trim(host, "[]")) == nil && !strings.EqualFold(host, "localhost") {
		// A run of masked labels is one mask: how many labels a key
		// takes is not for the reader to count.
		var shownLabels []string
		for i, l := range labels {
			if (i < len(labels)-2 || len(labels) == 1) && !isWord(l) {
				if len(shownLabels) > 0 && shownLabels[len(shownLabels)-1] == Mask {
					continue
				}
				l = Mask
			}
			shownLabels = append(shownLabels, l)
		}
		labels = shownLabels
	}
	shown := strings.Join(labels, ".")
	if port != "" {
		return net.JoinHostPort(shown, port)
	}
	return shown
}

// Replace masks each of secrets in text. A secret that is an ordinary
// word (letters only, see isWord) is masked only where it stands as a
// whole word, not where it is a part of a longer one ("hook" in
// "webhook"), so that masking never edits ordinary text; a percent-escape
// (%2F) before it counts as a boundary, since escaped URLs put one right
// before their parts. Any other secret (a token has digits or signs) is
// masked wherever it is, even glued to a word, as Telegram's API puts
// "bot" before its token in every URL. The longest secrets are
// masked first, so a URL is masked whole and not cut into pieces around
// the token inside it. Values under four bytes are left alone: too short
// to be a secret, they would garble the text.
func Replace(text string, secrets ...string) string {
	secrets = slices.Clone(secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		text = replaceWhole(text, s)
	}
	return text
}

func replaceWhole(text, s string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, s)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := i + len(s)
		before, after := text[:i], text[end:]
		if isWord(s) && (endsInWord(before) || startsWithWord(after)) {
			// Part of a longer word: keep the first byte and look on.
			b.WriteString(text[:i+1])
			text = text[i+1:]
			continue
		}
		b.WriteString(before)
		b.WriteString(Mask)
		text = after
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// endsInWord says whether text ends with a letter or digit that is not
// the last of a percent-escape.
func endsInWord(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(text)
	if !isWordRune(r) {
		return false
	}
	if n := len(text); n >= 3 && text[n-3] == '%' && isHex(text[n-2]) && isHex(text[n-1]) {
		return false
	}
	return true
}

func startsWithWord(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	return isWordRune(r)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// URLParts are the parts of a secret URL that a service may echo on their
// own in an error ("unknown topic …", "invalid token …"): the URL whole,
// its path, its last path segment, the query and each of its values, the
// user info's password and the host's leading labels, escaped and not. A
// part that is an ordinary word (letters only, up to 12 of them: "hook",
// "post", "message") is left out: it is not what keeps the URL secret,
// and masking it would edit the text around it (webhook: post message).
func URLParts(raw string) []string {
	s := []string{raw}
	u, err := url.Parse(raw)
	if err != nil {
		return s
	}
	add := func(p string) {
		if !isWord(strings.Trim(p, "/")) {
			s = append(s, p)
		}
	}
	add(u.EscapedPath())
	add(u.Path)
	add(u.RawQuery)
	escaped := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if last := escaped[len(escaped)-1]; last != "" {
		add(last)
		if plain, err := url.PathUnescape(last); err == nil {
			add(plain)
		}
	}
	if q, err := url.ParseQuery(u.RawQuery); err == nil {
		for _, vs := range q {
			for _, v := range vs {
				add(v)
			}
		}
	}
	if pw, ok := u.User.Password(); ok {
		s = append(s, pw)
	}
	if shown := Host(u.Host); strings.HasPrefix(shown, Mask+".") {
		host := u.Hostname()
		labels := strings.Split(host, ".")
		add(strings.Join(labels[:len(labels)-2], "."))
	}
	return s
}

// isWord says whether s is an ordinary word: 1 to 12 ASCII letters.
func isWord(s string) bool {
	if s == "" || len(s) > 12 {
		return s == ""
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// Userinfo is a configured base URL (an API base, a server, a homeserver)
// with a password in it masked, as url.URL.Redacted does (a proxy's or
// Basic auth written into the URL); a URL that does not parse is masked
// whole. The rest is shown: it names where hoursd sends, not a secret.
func Userinfo(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return Mask
}
