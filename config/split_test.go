package config

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// splitHead is the rest of the files of TestSplitSameAsWhole.
const splitHead = `timezone: Europe/Stockholm
schedules:
  - {id: s, weekly: {mon-fri: ["08:00-16:00"]}}
  - {id: t, weekly: {mon-fri: ["09:00-15:00"]}}
channels:
  - {id: hook, type: webhook, url: "http://127.0.0.1:8080/hook"}
  - {id: mail, type: email, host: localhost, from: hoursd@example.com, tls: none}
  - {id: tg, type: telegram, token: "123456:abcdefghijklmnopqrstuvwxyz"}
`

// TestSplitSameAsWhole loads YAML files with subscribers written in many
// ways, once as Load does and once the general way only, and expects the
// same configuration or the same problems. fast says whether the list is
// plain enough to be read on its own (see split.go), so that the test
// covers both ways.
func TestSplitSameAsWhole(t *testing.T) {
	tests := []struct {
		name string
		file string
		fast bool
	}{
		{"flow items", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n  - {id: b, schedules: [s, t], targets: [{channel: hook}]}\n", true},
		{"block items with every key", splitHead + `subscribers:
  - id: anna
    language: en
    check: "0 17 * * *"
    remind: [7, 1, 0]
    schedules:
      - s
      - t
    targets:
      - channel: mail
        address: "Anna <anna@example.com>"
      - {channel: tg, chat: -1001234567890}
    templates:
      subject: "{{.Subject}} for Anna"
      body: |
        Hello Anna,

        {{.Body}}
  - id: 42
    schedules: [s]
    targets: [{channel: hook}]
`, true},
		{"items at the key's column, comments, blank lines", splitHead + "subscribers: # everyone\n# the first\n- id: a\n  schedules: [s]\n\n  targets: [{channel: hook}]\n   # more\n- {id: b, schedules: [s], targets: [{channel: hook}]}\n# the end\nlog: {level: warn}\n", true},
		{"CRLF line ends", strings.ReplaceAll(splitHead+"subscribers:\n\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n\n  - {id: b, schedules: [s], targets: [{channel: hook}]}\nhttp: {listen: \"\"}\n", "\n", "\r\n"), true},
		{"a template that keeps its blank lines, last", splitHead + "subscribers:\n  - id: a\n    schedules: [s]\n    targets: [{channel: hook}]\n    templates:\n      body: |+\n        {{.Body}}\n\n\n# the end\nlog: {level: info}\n", true},
		{"a template that keeps its blank lines, at the end of the file", splitHead + "subscribers:\n  - id: a\n    schedules: [s]\n    targets: [{channel: hook}]\n    templates:\n      body: |+\n        {{.Body}}\n\n\n", true},
		{"no newline at the end", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}", true},
		{"a string that goes on over lines", splitHead + "subscribers:\n  - id: a\n    schedules: [s]\n    targets: [{channel: mail, address: \"Anna\n      <anna@example.com>\"}]\n", true},
		{"a list before the others", "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n" + splitHead, true},
		{"more than one chunk", splitHead + "subscribers:\n  - {id: x, schedules: [s], targets: [{channel: hook}]}\n" + manySubscribers(2*itemsPerChunk+3), true},

		{"a hexadecimal id", splitHead + "subscribers:\n  - {id: 0x1F, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"an id that is a date", splitHead + "subscribers:\n  - {id: 2026-01-01, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"an id with a leading zero", splitHead + "subscribers:\n  - {id: 0123, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"anchors and merge keys", splitHead + "subscribers:\n  - &base {id: a, schedules: [s], targets: [{channel: hook}]}\n  - {<<: *base, id: b}\n", false},
		{"an alias of a list", splitHead + "subscribers:\n  - {id: a, schedules: &ss [s, t], targets: [{channel: hook}]}\n  - {id: b, schedules: *ss, targets: [{channel: hook}]}\n", false},
		{"a string's own tag", splitHead + "subscribers:\n  - {id: !!str 12, schedules: [s], targets: [{channel: hook}]}\n", true},
		{"another tag", splitHead + "subscribers:\n  - {id: !!binary aGk=, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"a key in capitals", splitHead + "subscribers:\n  - {ID: a, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"keys that differ in case", splitHead + "subscribers:\n  - {id: a, Id: b, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"a key given twice", splitHead + "subscribers:\n  - {id: a, id: b, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"an unknown key", splitHead + "subscribers:\n  - {id: a, schedule: [s], targets: [{channel: hook}]}\n", false},
		{"an empty check", splitHead + "subscribers:\n  - {id: a, check: \"\", schedules: [s], targets: [{channel: hook}]}\n", false},
		{"a null in remind", splitHead + "subscribers:\n  - {id: a, remind: [1, ~], schedules: [s], targets: [{channel: hook}]}\n", false},
		{"an empty item", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n  -\n", false},
		{"a string for a list", splitHead + "subscribers:\n  - {id: a, schedules: s, targets: [{channel: hook}]}\n", false},
		{"a number with a fraction in remind", splitHead + "subscribers:\n  - {id: a, remind: [1.5], schedules: [s], targets: [{channel: hook}]}\n", false},
		{"empty templates", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}], templates: {}}\n", false},
		{"an empty target", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{}]}\n", false},
		{"an empty list", splitHead + "subscribers:\n  - {id: a, schedules: [], targets: [{channel: hook}]}\n", false},
		{"a tab in the indentation", splitHead + "subscribers:\n\t- {id: a, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"a line left of the items", splitHead + "subscribers:\n  - id: a\n schedules: [s]\n", false},
		{"a mapping, not a list", splitHead + "subscribers:\n  id: a\n", false},
		{"a flow list", splitHead + "subscribers: [{id: a, schedules: [s], targets: [{channel: hook}]}]\n", false},
		{"the key in a string over several lines", "title: \"a\nsubscribers:\n  - {id: x}\"\n" + splitHead + "subscribers: []\n", false},

		// A problem somewhere: the file is read again as a whole, so the
		// problems are those of the general way.
		{"an unknown channel", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hok}]}\n", true},
		{"an unknown schedule", splitHead + "subscribers:\n  - {id: a, schedules: [x], targets: [{channel: hook}]}\n", true},
		{"a duplicate id", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n", true},
		{"a bad time zone", "timezone: Mars/Olympus\n" + strings.TrimPrefix(splitHead, "timezone: Europe/Stockholm\n") + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n", true},
		{"a second subscribers key", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\nsubscribers:\n  - {id: b, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"a clash with the key in capitals", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\nSubscribers:\n  - {id: b, schedules: [s], targets: [{channel: hook}]}\n", false},
		{"a second document", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n---\nsubscribers:\n  - {id: b, schedules: [s], targets: [{channel: hook}]}\n", true},
		{"a top-level line left of the items after them", splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n- {id: b, schedules: [s], targets: [{channel: hook}]}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.file)
			fast := false
			if rest, chunks, line, ok := splitSubscribers(data); ok && keyAt(rest, line) {
				_, fast = decodeSubscriberChunks(chunks)
			}
			if fast != tt.fast {
				t.Errorf("read on its own: %v, want %v", fast, tt.fast)
			}

			name := writeFile(t, t.TempDir(), "c.yaml", tt.file)
			got, gotErr := testLoader(nil, nil).load(name)
			whole := testLoader(nil, nil)
			whole.whole = true
			want, wantErr := whole.load(name)
			switch {
			case (gotErr == nil) != (wantErr == nil):
				t.Fatalf("Load: %v; the general way: %v", gotErr, wantErr)
			case gotErr != nil:
				if g, w := problemsOf(t, gotErr), problemsOf(t, wantErr); !slices.Equal(g, w) {
					t.Errorf("problems:\n%s\nthe general way:\n%s", formatProblems(g), formatProblems(w))
				}
			default:
				if !reflect.DeepEqual(got.Subscribers, want.Subscribers) {
					t.Errorf("subscribers:\n%+v\nthe general way:\n%+v", got.Subscribers, want.Subscribers)
				}
				if g, w := show(t, got), show(t, want); g != w {
					t.Errorf("Show:\n%s\nthe general way:\n%s", g, w)
				}
			}
		})
	}
}

// manySubscribers is a subscribers list of n items, each a block mapping.
func manySubscribers(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("  - id: m" + strings.Repeat("x", i%7) + strconv.Itoa(i) + "\n    schedules: [s]\n    targets:\n      - channel: hook\n")
	}
	return b.String()
}

// FuzzSplitSameAsWhole checks, for any file that the subscribers list can
// be read from on its own, that the general way reads the same
// configuration from it.
func FuzzSplitSameAsWhole(f *testing.F) {
	f.Add([]byte(splitHead + "subscribers:\n  - {id: a, schedules: [s], targets: [{channel: hook}]}\n"))
	f.Add([]byte(splitHead + "subscribers:\n- id: a\n  schedules: [s, t]\n  remind: [2, 1]\n  targets:\n  - {channel: tg, chat: -100123}\n  templates: {body: \"|+\\n x\\n\"}\n# x\nlog: {level: info}\n"))
	f.Add([]byte(splitHead + "subscribers:\n  - id: a\n    schedules: [s]\n    targets: [{channel: mail, address: \"a\n     <a@example.com>\"}]\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		l := testLoader(nil, nil)
		got := l.parseSplit("c.yaml", "yaml", data, dir)
		if got == nil {
			return
		}
		l.whole = true
		want, err := l.parse("c.yaml", "yaml", data, dir)
		if err != nil {
			t.Fatalf("read on its own, the file loads; the general way: %v\n%s", err, data)
		}
		if !reflect.DeepEqual(got.Subscribers, want.Subscribers) {
			t.Fatalf("subscribers:\n%+v\nthe general way:\n%+v\nof:\n%s", got.Subscribers, want.Subscribers, data)
		}
		if g, w := show(t, got), show(t, want); g != w {
			t.Fatalf("Show:\n%s\nthe general way:\n%s\nof:\n%s", g, w, data)
		}
	})
}

// jsonHead is the rest of the files of TestSplitJSONSameAsWhole, which
// end with their subscribers.
const jsonHead = `{"timezone": "Europe/Stockholm",
"schedules": [{"id": "s", "weekly": {"mon-fri": ["08:00-16:00"]}}, {"id": "t", "weekly": {"mon-fri": ["09:00-15:00"]}}],
"channels": [{"id": "hook", "type": "webhook", "url": "http://127.0.0.1:8080/hook"},
  {"id": "mail", "type": "email", "host": "localhost", "from": "hoursd@example.com", "tls": "none"},
  {"id": "tg", "type": "telegram", "token": "123456:abcdefghijklmnopqrstuvwxyz"}],
`

// TestSplitJSONSameAsWhole is TestSplitSameAsWhole for JSON files.
func TestSplitJSONSameAsWhole(t *testing.T) {
	const a = `{"id": "a", "schedules": ["s"], "targets": [{"channel": "hook"}]}`
	tests := []struct {
		name string
		file string
		fast bool
	}{
		{"plain", jsonHead + `"subscribers": [` + a + `]}`, true},
		{"every key", jsonHead + `"subscribers": [
  {"id": "anna", "language": "en", "check": "0 17 * * *", "remind": [7, 1, 0], "schedules": ["s", "t"],
   "targets": [{"channel": "mail", "address": "Anna \"A\" <anna@example.com>"}, {"channel": "tg", "chat": -1001234567890}],
   "templates": {"subject": "{{.Subject}} f\u00f6r Anna", "body": "Hej\n\n{{.Body}}\t\/"}},
  {"id": 42, "schedules": ["s"], "targets": [{"channel": "hook"}]}
]}`, true},
		{"the list first, CRLF, tabs", strings.Replace(strings.ReplaceAll(jsonHead, "\n", "\r\n"), "{", "{\"subscribers\"\t:\r\n\t[ "+a+" ,\r\n"+strings.Replace(a, `"a"`, `"b"`, 1)+"\r\n],", 1) + `"log": {"level": "warn"}}`, true},
		{"many", jsonHead + `"subscribers": [` + strings.Repeat(a+", ", 300)[:len(strings.Repeat(a+", ", 300))-2] + `]}`, true},

		{"a number with a fraction for an id", jsonHead + `"subscribers": [{"id": 42.0, "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"an exponent", jsonHead + `"subscribers": [{"id": 4e2, "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"a number too large to be exact", jsonHead + `"subscribers": [{"id": 9007199254740993, "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"true for a string", jsonHead + `"subscribers": [{"id": true, "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"a null item", jsonHead + `"subscribers": [` + a + `, null]}`, false},
		{"a null value", jsonHead + `"subscribers": [{"id": "a", "check": null, "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"an empty check", jsonHead + `"subscribers": [{"id": "a", "check": "", "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"a key in capitals", jsonHead + `"subscribers": [{"ID": "a", "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"a key given twice", jsonHead + `"subscribers": [{"id": "a", "id": "b", "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"an empty object", jsonHead + `"subscribers": [` + a + `, {}]}`, false},
		{"empty templates", jsonHead + `"subscribers": [{"id": "a", "templates": {}, "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"an empty list", jsonHead + `"subscribers": [{"id": "a", "schedules": [], "targets": [{"channel": "hook"}]}]}`, false},
		{"a fraction in remind", jsonHead + `"subscribers": [{"id": "a", "remind": [1.5], "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"the smallest int32 in remind", jsonHead + `"subscribers": [{"id": "a", "remind": [-2147483648], "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"an object, not a list", jsonHead + `"subscribers": ` + a + `}`, false},
		{"a missing comma", jsonHead + `"subscribers": [` + a + ` ` + a + `]}`, false},
		{"a comma too many", jsonHead + `"subscribers": [` + a + `,]}`, false},
		{"a colon for a comma", jsonHead + `"subscribers": [{"id": "a": "schedules", ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"invalid UTF-8", jsonHead + `"subscribers": [{"id": "a\xff", "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`, false},
		{"a list nested elsewhere only", `{"x": {"subscribers": [` + a + `]}, ` + jsonHead[1:] + `"subscribers": []}`, false},

		{"an unknown channel", jsonHead + `"subscribers": [{"id": "a", "schedules": ["s"], "targets": [{"channel": "hok"}]}]}`, true},
		{"a second subscribers key", jsonHead + `"subscribers": [` + a + `], "subscribers": [` + a + `]}`, true},
		{"a clash with the key in capitals", jsonHead + `"subscribers": [` + a + `], "Subscribers": []}`, true},
		{"something after the object", jsonHead + `"subscribers": [` + a + `]} x`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.file)
			if _, _, fast := splitJSON(data); fast != tt.fast {
				t.Errorf("read on its own: %v, want %v", fast, tt.fast)
			}
			name := writeFile(t, t.TempDir(), "c.json", tt.file)
			got, gotErr := testLoader(nil, nil).load(name)
			whole := testLoader(nil, nil)
			whole.whole = true
			want, wantErr := whole.load(name)
			switch {
			case (gotErr == nil) != (wantErr == nil):
				t.Fatalf("Load: %v; the general way: %v", gotErr, wantErr)
			case gotErr != nil:
				if g, w := problemsOf(t, gotErr), problemsOf(t, wantErr); !slices.Equal(g, w) {
					t.Errorf("problems:\n%s\nthe general way:\n%s", formatProblems(g), formatProblems(w))
				}
			default:
				if !reflect.DeepEqual(got.Subscribers, want.Subscribers) {
					t.Errorf("subscribers:\n%+v\nthe general way:\n%+v", got.Subscribers, want.Subscribers)
				}
				if g, w := show(t, got), show(t, want); g != w {
					t.Errorf("Show:\n%s\nthe general way:\n%s", g, w)
				}
			}
		})
	}
}

// FuzzSplitJSONSameAsWhole is FuzzSplitSameAsWhole for JSON files.
func FuzzSplitJSONSameAsWhole(f *testing.F) {
	f.Add([]byte(jsonHead + `"subscribers": [{"id": "a", "schedules": ["s"], "targets": [{"channel": "hook"}]}]}`))
	f.Add([]byte(jsonHead + `"subscribers": [{"id": 12, "remind": [3, 1], "schedules": ["s", "t"], "targets": [{"channel": "tg", "chat": -100123}], "templates": {"body": "x\u00e9\n"}}]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		l := testLoader(nil, nil)
		got := l.parseSplit("c.json", "json", data, dir)
		if got == nil {
			return
		}
		l.whole = true
		want, err := l.parse("c.json", "json", data, dir)
		if err != nil {
			t.Fatalf("read on its own, the file loads; the general way: %v\n%s", err, data)
		}
		if !reflect.DeepEqual(got.Subscribers, want.Subscribers) {
			t.Fatalf("subscribers:\n%+v\nthe general way:\n%+v\nof:\n%s", got.Subscribers, want.Subscribers, data)
		}
		if g, w := show(t, got), show(t, want); g != w {
			t.Fatalf("Show:\n%s\nthe general way:\n%s\nof:\n%s", g, w, data)
		}
	})
}
