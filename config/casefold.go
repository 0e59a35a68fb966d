package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// keyClashes finds the keys of one mapping that differ only in case
// (Authorization and authorization, Mon and mon), and in JSON the keys
// given twice. viper lower-cases every key and keeps one of the values, at
// random; the JSON decoder keeps the last. Either way a rule or a header
// would be lost without a word, so each clash is a problem. data has
// already been parsed by viper without error.
func keyClashes(format string, data []byte) []Problem {
	var ps problems
	switch format {
	case "yaml":
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) == nil {
			yamlClashes(&ps, &doc)
		}
	case "toml":
		var m map[string]any
		if toml.Unmarshal(data, &m) == nil {
			tomlClashes(&ps, "", m)
		}
	case "json":
		jsonClashes(&ps, data)
	}
	return ps
}

func clash(ps *problems, path, first, second string) {
	if first == second {
		ps.add(path, "key %q is given twice", first)
		return
	}
	ps.add(path, "keys %q and %q differ only in case; hoursd reads keys without regard to case, so give one of them", first, second)
}

// yamlClashes walks a YAML document; the problems are at the lines of the
// second keys. Aliases are not followed: their mappings are checked where
// they are written.
func yamlClashes(ps *problems, n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		seen := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			lower := strings.ToLower(k.Value)
			if first, ok := seen[lower]; ok {
				clash(ps, fmt.Sprintf("line %d", k.Line), first, k.Value)
			} else {
				seen[lower] = k.Value
			}
		}
	}
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			yamlClashes(ps, c)
		}
	}
}

// tomlClashes walks a decoded TOML document (the TOML parser refuses a key
// given twice itself) with key paths, since it keeps no lines.
func tomlClashes(ps *problems, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		seen := map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			lower := strings.ToLower(k)
			if first, ok := seen[lower]; ok {
				clash(ps, join(path, lower), first, k)
			} else {
				seen[lower] = k
			}
			tomlClashes(ps, join(path, lower), v[k])
		}
	case []any:
		for i, e := range v {
			tomlClashes(ps, index(path, i), e)
		}
	}
}

// jsonClashes reads the JSON's tokens, keeping one set of keys per open
// object; the problems are at the lines of the second keys.
func jsonClashes(ps *problems, data []byte) {
	dec := json.NewDecoder(bytes.NewReader(data))
	type level struct {
		object   bool
		seen     map[string]string
		wantsKey bool
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.wantsKey {
			lower := strings.ToLower(s)
			if first, ok := top.seen[lower]; ok {
				clash(ps, fmt.Sprintf("line %d", lineAt(data, dec.InputOffset())), first, s)
			} else {
				top.seen[lower] = s
			}
			top.wantsKey = false
			continue
		}
		// A value: the object it is in wants a key next.
		if top != nil && top.object {
			top.wantsKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{object: true, seen: map[string]string{}, wantsKey: true})
		case json.Delim('['):
			stack = append(stack, &level{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}
