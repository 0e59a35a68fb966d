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
		got := l.parseSplit("c.yaml", data, dir)
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
