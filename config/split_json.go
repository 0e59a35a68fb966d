package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// splitJSON is splitSubscribers for a JSON file (see split.go): it finds
// the top-level object's "subscribers" array, reads it straight into
// rawSubscriber, and returns the file with the array written as []
// followed by its newlines, so that every later line keeps its number.
// ok is false when the file is not an object with such an array, or an
// item is not plainly written; the caller reads the file as a whole then.
func splitJSON(data []byte) (rest []byte, subs []rawSubscriber, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		if key, _ := tok.(string); key != "subscribers" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil, nil, false
			}
			continue
		}
		// InputOffset is where the key ended; the array starts after
		// the colon.
		start := int(dec.InputOffset())
		open := start + bytes.IndexByte(data[start:], '[')
		if open < start || string(bytes.Trim(data[start:open], " \t\r\n")) != ":" {
			return nil, nil, false // not an array
		}
		start = open
		sc := &jsonScanner{data: data, pos: start}
		if !jsonList(sc, &subs, jsonSubscriber) || !json.Valid(data[start:sc.pos]) {
			return nil, nil, false
		}
		end := sc.pos
		rest = make([]byte, 0, len(data)-(end-start)+2+bytes.Count(data[start:end], []byte("\n")))
		rest = append(rest, data[:start]...)
		rest = append(rest, "[]"...)
		rest = append(rest, bytes.Repeat([]byte("\n"), bytes.Count(data[start:end], []byte("\n")))...)
		rest = append(rest, data[end:]...)
		return rest, subs, true
	}
	return nil, nil, false
}

// jsonScanner reads the tokens of a JSON value that json.Valid checks
// once it has been read: so it passes over commas and colons without
// checking where they stand, and stops at anything a plainly written
// subscribers list does not hold (true, false, null). It is what
// encoding/json's Decoder.Token would give, at a fraction of its cost.
type jsonScanner struct {
	data []byte
	pos  int
}

// skip passes over white space, commas and colons.
func (s *jsonScanner) skip() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r', '\n', ',', ':':
			s.pos++
		default:
			return
		}
	}
}

// More says whether the object or array being read has another item.
func (s *jsonScanner) More() bool {
	s.skip()
	return s.pos < len(s.data) && s.data[s.pos] != '}' && s.data[s.pos] != ']'
}

// Token is the next delimiter (json.Delim), string or number
// (json.Number).
func (s *jsonScanner) Token() (json.Token, error) {
	s.skip()
	if s.pos >= len(s.data) {
		return nil, errJSONToken
	}
	switch c := s.data[s.pos]; {
	case c == '{' || c == '}' || c == '[' || c == ']':
		s.pos++
		return json.Delim(c), nil
	case c == '"':
		return s.str()
	case c == '-' || '0' <= c && c <= '9':
		start := s.pos
		for s.pos < len(s.data) && strings.IndexByte("0123456789-+.eE", s.data[s.pos]) >= 0 {
			s.pos++
		}
		return json.Number(s.data[start:s.pos]), nil
	}
	return nil, errJSONToken
}

// str reads a string: as it stands when it has no escape and is UTF-8,
// else as encoding/json decodes it.
func (s *jsonScanner) str() (json.Token, error) {
	start := s.pos
	s.pos++
	plain := true
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; {
		case c == '"':
			s.pos++
			raw := s.data[start:s.pos]
			if plain && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1]), nil
			}
			var v string
			if json.Unmarshal(raw, &v) != nil || !utf8.Valid(raw) {
				return nil, errJSONToken
			}
			return v, nil
		case c == '\\':
			plain = false
			s.pos += 2
		case c < 0x20:
			return nil, errJSONToken
		default:
			s.pos++
		}
	}
	return nil, errJSONToken
}

var errJSONToken = errors.New("not a token of a plainly written subscribers list")

// jsonDelim reads the delimiter d.
func jsonDelim(dec *jsonScanner, d json.Delim) bool {
	tok, err := dec.Token()
	return err == nil && tok == d
}

// jsonObject calls field for each key of the object that comes next,
// which must have at least one, each in lower case and given once.
func jsonObject(dec *jsonScanner, field func(key string) bool) bool {
	if !jsonDelim(dec, '{') {
		return false
	}
	var seen []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := tok.(string)
		if key == "" || key != strings.ToLower(key) || contains(seen, key) || !field(key) {
			return false
		}
		seen = append(seen, key)
	}
	return jsonDelim(dec, '}') && len(seen) > 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonList reads a list of at least one item.
func jsonList[T any](dec *jsonScanner, out *[]T, item func(*jsonScanner, *T) bool) bool {
	if !jsonDelim(dec, '[') {
		return false
	}
	for dec.More() {
		var v T
		if !item(dec, &v) {
			return false
		}
		*out = append(*out, v)
	}
	return jsonDelim(dec, ']') && len(*out) > 0
}

// jsonString reads a string that is not blank, or a whole number written
// in decimal that a float64 holds exactly, which the general way turns
// into its digits ("chat": -1001234567890).
func jsonString(dec *jsonScanner, out *string) bool {
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	switch v := tok.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return false
		}
		*out = v
		return true
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || !decimal.MatchString(string(v)) || n > 1<<53 || n < -(1<<53) {
			return false
		}
		*out = string(v)
		return true
	}
	return false
}

// jsonInt reads a whole number in decimal that fits an int32, as remind's
// days do.
func jsonInt(dec *jsonScanner, out *int) bool {
	tok, err := dec.Token()
	if err != nil {
		return false
	}
	v, ok := tok.(json.Number)
	if !ok || !decimal.MatchString(string(v)) {
		return false
	}
	// The general way refuses -2147483648, as it does every number
	// whose size is over math.MaxInt32.
	n, err := strconv.ParseInt(string(v), 10, 32)
	if err != nil || n < -math.MaxInt32 {
		return false
	}
	*out = int(n)
	return true
}

// jsonSubscriber reads a subscriber as plainSubscriber does in YAML.
func jsonSubscriber(dec *jsonScanner, r *rawSubscriber) bool {
	return jsonObject(dec, func(key string) bool {
		switch key {
		case "id":
			return jsonString(dec, &r.ID)
		case "language":
			return jsonString(dec, &r.Language)
		case "check":
			return jsonString(dec, &r.Check)
		case "schedules":
			return jsonList(dec, &r.Schedules, jsonString)
		case "remind":
			r.Remind = new([]int)
			return jsonList(dec, r.Remind, jsonInt)
		case "targets":
			return jsonList(dec, &r.Targets, jsonTarget)
		case "templates":
			r.Templates = new(rawTemplates)
			return jsonObject(dec, func(key string) bool {
				switch key {
				case "subject":
					return jsonString(dec, &r.Templates.Subject)
				case "body":
					return jsonString(dec, &r.Templates.Body)
				}
				return false
			})
		}
		return false
	})
}

func jsonTarget(dec *jsonScanner, t *rawTarget) bool {
	return jsonObject(dec, func(key string) bool {
		switch key {
		case "channel":
			return jsonString(dec, &t.Channel)
		case "address":
			return jsonString(dec, &t.Address)
		case "user":
			return jsonString(dec, &t.User)
		case "topic":
			return jsonString(dec, &t.Topic)
		case "chat":
			return jsonString(dec, &t.Chat)
		case "room":
			return jsonString(dec, &t.Room)
		}
		return false
	})
}
