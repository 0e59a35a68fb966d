// Package textcut shortens a message to a channel's length limit and marks
// the cut, so that a reader knows there was more. Services count their
// limits differently — ntfy and Gotify in bytes, Slack in characters,
// Telegram in UTF-16 code units — so the unit is a parameter; the cut always
// falls between two characters, never inside one.
package textcut

import (
	"strings"
	"unicode/utf8"
)

// Note ends a message that was cut. It is in both languages because a
// channel does not know whose message it carries (the same note Pushover's
// channel uses).
const Note = "… (avkortat · cut)"

// Unit is how a service counts one character towards its limit.
type Unit func(r rune) int

// The units services count in.
var (
	// Bytes counts UTF-8 bytes (ntfy's message-size-limit, Matrix's event size).
	Bytes Unit = utf8.RuneLen
	// Runes counts characters (Slack).
	Runes Unit = func(rune) int { return 1 }
	// UTF16 counts UTF-16 code units (Telegram, where an emoji outside the
	// Basic Multilingual Plane counts twice).
	UTF16 Unit = func(r rune) int {
		if r >= 0x10000 {
			return 2
		}
		return 1
	}
)

// Size is the length of s in unit.
func Size(s string, unit Unit) int {
	n := 0
	for _, r := range s {
		n += unit(r)
	}
	return n
}

// Cut returns s when it fits in limit, else its longest beginning that fits
// together with note, with trailing spaces and line breaks dropped before
// the note. A limit too small for the note gives the note cut to the limit.
func Cut(s string, limit int, unit Unit, note string) string {
	if Size(s, unit) <= limit {
		return s
	}
	budget := limit - Size(note, unit)
	if budget < 0 {
		return Cut(note, limit, unit, "")
	}
	end, used := 0, 0
	for i, r := range s {
		if used+unit(r) > budget {
			break
		}
		used += unit(r)
		end = i + utf8.RuneLen(r)
	}
	return strings.TrimRight(s[:end], " \n") + note
}
