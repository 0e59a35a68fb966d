package config

import (
	"bytes"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
)

// A file that lists a hundred thousand subscribers is mostly its
// subscribers list, and read the general way — the YAML parser's node
// tree, the map viper takes, viper's copies of it, mapstructure — it took
// seconds and hundreds of megabytes, at every start and reload. So a YAML
// file whose subscribers list is written the plain way is read in two
// parts: the list's items, a few hundred at a time, straight into
// rawSubscriber; and the rest of the file, with the list's lines left
// blank, the general way. A JSON file is read the same way
// (split_json.go); a TOML file always the general way. Only a file that
// reads without a single problem is taken from this path. Whatever the
// list holds that the plain way does not cover (anchors, tags, nulls,
// unknown or differently cased keys, values of another type), and any
// problem anywhere in the file, sends the whole file through the general
// way again, so that every message and key path is what it always was.

// subscribersKey matches the line that opens the top-level subscribers
// list: the key alone at the start of a line, maybe with a comment.
var subscribersKey = regexp.MustCompile(`^subscribers:(?:[ ]+#.*)?[ ]*$`)

// itemsPerChunk is how many items of the list are parsed at a time:
// enough that the parser's own setup does not count, few enough that a
// chunk's node tree is small.
const itemsPerChunk = 256

// splitSubscribers finds the top-level subscribers list of a YAML file
// written as a block sequence ("subscribers:" then one "- " item after
// another) and returns the file with that list replaced by
// "subscribers: []" and its lines blank (so that every other line keeps
// its number), and the list's items in chunks, each a YAML sequence of
// whole items. ok is false when the file has no such list or the list's
// lines are not what this expects; the caller reads the file as a whole
// then. line is the number of the key's line, which keyAt checks.
func splitSubscribers(data []byte) (rest []byte, chunks [][]byte, line int, ok bool) {
	// The offsets of the key line, and of the lines after it.
	keyStart, keyEnd := -1, -1
	for off := 0; off < len(data); {
		end := lineEnd(data, off)
		if data[off] == 's' && subscribersKey.Match(data[off:trimNewline(data, off, end)]) {
			keyStart, keyEnd = off, end
			break
		}
		off = end
	}
	if keyStart < 0 {
		return nil, nil, 0, false
	}
	indent := -1    // the column of the items' dashes
	blockEnd := -1  // where the list's lines end
	var items []int // where each item's first line starts
	for off := keyEnd; ; {
		if off >= len(data) {
			blockEnd = len(data)
			break
		}
		end := lineEnd(data, off)
		text := data[off:trimNewline(data, off, end)]
		col := 0
		for col < len(text) && text[col] == ' ' {
			col++
		}
		content := text[col:]
		switch {
		case col < len(text) && text[col] == '\t':
			return nil, nil, 0, false // a tab in the indentation: let the parser say what it makes of it
		case len(content) == 0 || content[0] == '#':
			off = end
			continue // blank or a comment
		}
		isItem := content[0] == '-' && (len(content) == 1 || content[1] == ' ')
		if indent < 0 {
			if !isItem {
				return nil, nil, 0, false // not a block sequence
			}
			indent = col
		}
		switch {
		case col == 0 && !isItem:
			blockEnd = off // the next top-level key
		case col == indent && isItem:
			items = append(items, off)
		case col > indent:
			// a line of the item
		default:
			return nil, nil, 0, false // left of the items, or not an item where one begins
		}
		if blockEnd >= 0 {
			break
		}
		off = end
	}
	if len(items) == 0 {
		return nil, nil, 0, false
	}
	for i := 0; i < len(items); i += itemsPerChunk {
		// The last chunk takes the blank lines after the last item too:
		// a block scalar kept with |+ ends in them.
		end := blockEnd
		if j := i + itemsPerChunk; j < len(items) {
			end = items[j]
		}
		chunks = append(chunks, data[items[i]:end])
	}
	rest = make([]byte, 0, keyStart+len("subscribers: []\n")+bytes.Count(data[keyEnd:blockEnd], []byte("\n"))+len(data)-blockEnd)
	rest = append(rest, data[:keyStart]...)
	rest = append(rest, "subscribers: []\n"...)
	rest = append(rest, bytes.Repeat([]byte("\n"), bytes.Count(data[keyEnd:blockEnd], []byte("\n")))...)
	rest = append(rest, data[blockEnd:]...)
	return rest, chunks, bytes.Count(data[:keyStart], []byte("\n")) + 1, true
}

// keyAt says whether the line of rest that splitSubscribers wrote is
// where the file's one top-level subscribers key is: a line that only
// looks like it, in a string that goes on over several lines, is not.
func keyAt(rest []byte, line int) bool {
	var doc yaml.Node
	if yaml.Unmarshal(rest, &doc) != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	top := doc.Content[0].Content
	found := false
	for i := 0; i+1 < len(top); i += 2 {
		if !strings.EqualFold(top[i].Value, "subscribers") {
			continue
		}
		v := top[i+1]
		if found || top[i].Line != line || top[i].Tag != "!!str" || v.Kind != yaml.SequenceNode || len(v.Content) != 0 {
			return false
		}
		found = true
	}
	return found
}

// lineEnd is the offset just after the line that starts at off (after
// its newline, or the end of data).
func lineEnd(data []byte, off int) int {
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(data)
}

// trimNewline is the end of the line [off, end) without its "\n" or
// "\r\n".
func trimNewline(data []byte, off, end int) int {
	if end > off && data[end-1] == '\n' {
		end--
	}
	if end > off && data[end-1] == '\r' {
		end--
	}
	return end
}

// decodeSubscriberChunks parses the chunks of splitSubscribers, on every
// core, into the list's items in order. ok is false when a chunk does not
// parse or an item is not plainly written (see plainSubscriber).
func decodeSubscriberChunks(chunks [][]byte) (subs []rawSubscriber, ok bool) {
	parts := make([][]rawSubscriber, len(chunks))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(chunks) {
					return
				}
				p, ok := decodeSubscriberChunk(chunks[i])
				if !ok {
					failed.Store(true)
					return
				}
				parts[i] = p
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return nil, false
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	subs = make([]rawSubscriber, 0, n)
	for _, p := range parts {
		subs = append(subs, p...)
	}
	return subs, true
}

func decodeSubscriberChunk(chunk []byte) (subs []rawSubscriber, ok bool) {
	// The parser is not ours; what it does with a chunk is no reason to
	// stop: the file is read as a whole then, with the usual guard.
	defer func() {
		if recover() != nil {
			subs, ok = nil, false
		}
	}()
	var doc yaml.Node
	if yaml.Unmarshal(chunk, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	seq := doc.Content[0]
	if !plainNode(seq, yaml.SequenceNode, "!!seq") {
		return nil, false
	}
	subs = make([]rawSubscriber, len(seq.Content))
	for i, n := range seq.Content {
		if !plainSubscriber(n, &subs[i]) {
			return nil, false
		}
	}
	return subs, true
}

// plainNode says whether n is of kind and tag, without an anchor.
func plainNode(n *yaml.Node, kind yaml.Kind, tag string) bool {
	return n.Kind == kind && n.Tag == tag && n.Anchor == ""
}

// plainSubscriber decodes a subscriber written with hoursd's keys in
// lower case, each once, and values of their own types that are not
// empty; for anything else it returns false. What it decodes is what
// the general way decodes from the same item.
func plainSubscriber(n *yaml.Node, r *rawSubscriber) bool {
	return plainMapping(n, func(key string, v *yaml.Node) bool {
		switch key {
		case "id":
			return plainString(v, &r.ID)
		case "language":
			return plainString(v, &r.Language)
		case "check":
			return plainString(v, &r.Check)
		case "schedules":
			return plainList(v, &r.Schedules, plainString)
		case "remind":
			r.Remind = new([]int)
			return plainList(v, r.Remind, plainInt)
		case "targets":
			return plainList(v, &r.Targets, plainTarget)
		case "templates":
			r.Templates = new(rawTemplates)
			return plainMapping(v, func(key string, v *yaml.Node) bool {
				switch key {
				case "subject":
					return plainString(v, &r.Templates.Subject)
				case "body":
					return plainString(v, &r.Templates.Body)
				}
				return false
			})
		}
		return false
	})
}

func plainTarget(n *yaml.Node, t *rawTarget) bool {
	return plainMapping(n, func(key string, v *yaml.Node) bool {
		switch key {
		case "channel":
			return plainString(v, &t.Channel)
		case "address":
			return plainString(v, &t.Address)
		case "user":
			return plainString(v, &t.User)
		case "topic":
			return plainString(v, &t.Topic)
		case "chat":
			return plainString(v, &t.Chat)
		case "room":
			return plainString(v, &t.Room)
		}
		return false
	})
}

// plainMapping calls field for each key of the mapping n, which must be
// plain strings, each given once (the parser leaves that to the decoder),
// and at least one.
func plainMapping(n *yaml.Node, field func(key string, v *yaml.Node) bool) bool {
	if !plainNode(n, yaml.MappingNode, "!!map") || len(n.Content) == 0 {
		return false // {} may read as nothing at all the general way
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !plainNode(k, yaml.ScalarNode, "!!str") {
			return false
		}
		for j := 0; j < i; j += 2 {
			if n.Content[j].Value == k.Value {
				return false
			}
		}
		if !field(k.Value, n.Content[i+1]) {
			return false
		}
	}
	return true
}

// plainList decodes a sequence of items, none of them empty, and never
// to an empty list: `schedules: []` reads as a problem, found the
// general way.
func plainList[T any](n *yaml.Node, out *[]T, item func(*yaml.Node, *T) bool) bool {
	if !plainNode(n, yaml.SequenceNode, "!!seq") || len(n.Content) == 0 {
		return false
	}
	*out = make([]T, len(n.Content))
	for i, c := range n.Content {
		if !item(c, &(*out)[i]) {
			return false
		}
	}
	return true
}

// decimal matches a whole number as YAML reads it the same in every
// version: no sign but -, no leading zero, no underscores, base 10.
var decimal = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)$`)

// plainString decodes a string that is not blank, or a whole number,
// which the general way turns into its digits (chat: -1001234567890).
func plainString(n *yaml.Node, out *string) bool {
	switch {
	case n.Kind != yaml.ScalarNode || n.Anchor != "":
		return false
	case n.Tag == "!!str":
		if strings.TrimSpace(n.Value) == "" {
			return false
		}
		*out = n.Value
		return true
	case n.Tag == "!!int" && decimal.MatchString(n.Value):
		if _, err := strconv.ParseInt(n.Value, 10, 64); err != nil {
			return false
		}
		*out = n.Value
		return true
	}
	return false
}

// plainInt decodes a whole number in decimal that fits an int32, as
// remind's days do; a larger one is left to the general way's checks.
func plainInt(n *yaml.Node, out *int) bool {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Tag != "!!int" || !decimal.MatchString(n.Value) {
		return false
	}
	v, err := strconv.ParseInt(n.Value, 10, 32)
	if err != nil {
		return false
	}
	*out = int(v)
	return true
}
