// Package secret masks the secrets of a channel's configuration (passwords,
// tokens, webhook URLs, header values) in what hoursd prints about it: the
// channel Config types use it in their String, GoString and LogValue
// methods, so that a Config passed to fmt or slog by mistake shows whether a
// secret is set but never what it is.
package secret

import "net/url"

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

// URL keeps the scheme and host of a secret URL and masks the rest (path,
// query, user info), where services put their keys: a Discord webhook's
// token is the last part of its path, an ntfy topic is its path.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Mask
	}
	return u.Scheme + "://" + u.Host + "/" + Mask
}
