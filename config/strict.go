package config

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxIDLength bounds a schedule's, a channel's and a subscriber's id. Ids
// are parts of the state store's keys and of target ids
// ("anna/mail/anna@example.com"), and the store refuses a key longer than
// 32 KiB; no one names a place or a person in more than 64 characters, so
// a longer id is a mistake (a pasted text, a URL) long before it is too
// long to keep.
const MaxIDLength = 64

// emptyItems lists the paths of the list items in tree that are empty (~,
// null, or a "-" with nothing after it). The decoder would make each the
// zero value of its type: remind: [1, ~] would become [1, 0] and switch
// on same-day messages nobody asked for, and an empty target would be a
// target with every key missing.
func emptyItems(path string, tree any) []string {
	var out []string
	switch v := tree.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, emptyItems(join(path, k), v[k])...)
		}
	case []any:
		for i, x := range v {
			if x == nil {
				out = append(out, index(path, i))
				continue
			}
			out = append(out, emptyItems(index(path, i), x)...)
		}
	}
	return out
}

// defaulted is a key that hoursd fills in when it is left out, and what
// leaving it out gives.
type defaulted struct {
	key, instead string
}

// Keys whose empty value ("" or ~) would be replaced by their default
// without a word: `check: ""` would silently check at 18:00, `timezone: ""`
// would silently be Stockholm. An empty value is most likely a value that
// was meant to be filled in (a template, an unset variable in a generated
// file), so it is a problem; leaving the key out is how to ask for the
// default. http.listen is not here: "" turns the listener off.
var (
	topDefaulted = []defaulted{
		{"timezone", "the default " + DefaultTimezone},
		{"state_dir", "$STATE_DIRECTORY, else " + DefaultStateDir},
		{"log::level", "the default info"},
		{"log::format", "the default text"},
		{"defaults::check", "the default " + DefaultCheck},
		{"defaults::language", "the default " + DefaultLanguage},
		{"defaults::remind", "the default [1]"},
	}
	subscriberDefaulted = []defaulted{
		{"check", "defaults.check"},
		{"language", "defaults.language"},
		{"remind", "defaults.remind"},
	}
	channelDefaulted = []defaulted{
		{"timeout", "the default " + DefaultTimeout.String()},
		{"tls", "the default " + DefaultTLS},
		{"server", "the default, ntfy.sh"},
	}
)

// emptyDefaults reports every key of tree (the file as parsed) that is
// given an empty value although leaving it out means a default. skip are
// the keys the environment set, which replace the file's value.
func emptyDefaults(ps *problems, tree map[string]any, skip map[string]string) {
	check := func(path string, m map[string]any, ds []defaulted) {
		for _, d := range ds {
			keys := strings.Split(d.key, "::")
			v, ok := lookupFold(m, keys)
			dotted := strings.Join(keys, ".")
			if _, set := skip[dotted]; !ok || set || !isEmpty(v) {
				continue
			}
			ps.add(join(path, dotted), "is empty: give a value, or leave the key out for %s", d.instead)
		}
	}
	check("", tree, topDefaulted)
	for name, ds := range map[string][]defaulted{"subscribers": subscriberDefaulted, "channels": channelDefaulted} {
		list, _ := lookupFold(tree, []string{name})
		items, _ := list.([]any)
		for i, x := range items {
			if m, ok := x.(map[string]any); ok {
				check(index(name, i), m, ds)
			}
		}
	}
}

// lookupFold finds the value at keys in m, comparing keys without case as
// viper does.
func lookupFold(m map[string]any, keys []string) (any, bool) {
	for i, k := range keys {
		var v any
		found := false
		for mk, mv := range m {
			if strings.EqualFold(mk, k) {
				v, found = mv, true
				break
			}
		}
		if !found {
			return nil, false
		}
		if i == len(keys)-1 {
			return v, true
		}
		if m, found = v.(map[string]any); !found {
			return nil, false
		}
	}
	return nil, false
}

// isEmpty says whether a value as parsed is empty: null or "".
func isEmpty(v any) bool {
	s, isString := v.(string)
	return v == nil || (isString && strings.TrimSpace(s) == "")
}

// moreDocuments returns a problem when a YAML file goes on after its first
// document (a "---" line followed by more keys); dec has read the first
// document of data. hoursd reads one document, so whatever follows would be
// silently ignored: a subscriber appended after "---" would never be told
// anything. Only what follows is parsed into nodes: the first document of
// a file of a hundred thousand subscribers would take hundreds of
// megabytes as a node tree.
func moreDocuments(dec *yaml.Decoder, data []byte) []Problem {
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// A mistake in a document yaml.Unmarshal never reads.
			return parserProblems("yaml", data, err)
		}
		if len(next.Content) == 0 || (next.Content[0].Kind == yaml.ScalarNode && next.Content[0].Tag == "!!null") {
			continue // a bare "---" at the end holds nothing
		}
		line := next.Line
		if next.Content[0].Line > 0 {
			line = next.Content[0].Line
		}
		return []Problem{{Path: fmt.Sprintf("line %d", line), Message: "yaml: a second document begins here (after ---); hoursd reads one document, so join them into one"}}
	}
}
