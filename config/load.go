package config

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// defaultConfig is the configuration hoursd runs with when there is no file
// at all: Försäkringskassan's customer centre, announced on the console, so
// that `hoursd run` shows what hoursd does before anyone writes a file.
//
//go:embed default.yaml
var defaultConfig []byte

// DefaultSource is the Source of the embedded default configuration.
const DefaultSource = "built-in default"

// SystemPath is the configuration file hoursd reads when neither --config
// nor $HOURSD_CONFIG names one.
const SystemPath = "/etc/hoursd/config.yaml"

// envPrefix is the prefix of the environment variables that override
// top-level settings: HOURSD_TIMEZONE, HOURSD_LOG_LEVEL, …
const envPrefix = "HOURSD"

// envKeys are the settings an environment variable HOURSD_<KEY> overrides,
// the dots of nested keys written as underscores (log.level:
// HOURSD_LOG_LEVEL). viper's AutomaticEnv would not do: Unmarshal and
// AllSettings only see variables bound to keys viper already knows.
// An empty variable is ignored, as if unset (compose files pass
// HOURSD_TIMEZONE=${TZ} with TZ unset), except HOURSD_HTTP_LISTEN, which
// turns the listener off when empty, as listen: "" does.
var envKeys = []string{
	"timezone",
	"state_dir",
	"log.level",
	"log.format",
	"http.listen",
	"defaults.check",
	"defaults.language",
}

// emptyEnvKeys are the keys of envKeys whose variable counts when empty.
var emptyEnvKeys = []string{"http.listen"}

// maxFileSize bounds what hoursd reads as a configuration or a secret file:
// a file that lists a hundred thousand subscribers takes about 8 MiB, and a
// wrong path (a disk image, /dev/zero) must not eat the memory of the
// machine.
const maxFileSize = 16 << 20

// maxNesting bounds how deeply lists and tables nest in a TOML file. The
// TOML parser recurses without a limit, and a few megabytes of "[[[[" end
// the process with a stack overflow that no recover catches; hoursd's
// deepest key is five levels down. (The YAML and JSON parsers stop at
// 10000 levels on their own.)
const maxNesting = 100

// Load loads the configuration from path, or when path is "" from
// $HOURSD_CONFIG, /etc/hoursd/config.yaml if it exists, or the embedded
// default. The format follows the file's extension: .yaml, .yml, .toml or
// .json. A configuration that cannot be read or is wrong yields a
// *ValidationError listing every problem.
func Load(path string) (*Config, error) {
	return newLoader().load(path)
}

// loader is Load with its surroundings made replaceable, so that tests can
// check the search order and the secrets without touching the real
// environment or /etc.
type loader struct {
	lookupEnv  func(string) (string, bool)
	readFile   func(string) ([]byte, error)
	stat       func(string) (fs.FileInfo, error) // os.Lstat: a dangling link is there
	hostname   func() (string, error)
	systemPath string
	whole      bool // read every file the general way (tests compare the two ways)
}

func newLoader() *loader {
	return &loader{
		lookupEnv:  os.LookupEnv,
		readFile:   readFileLimited,
		stat:       os.Lstat,
		hostname:   os.Hostname,
		systemPath: SystemPath,
	}
}

func (l *loader) getenv(key string) string {
	v, _ := l.lookupEnv(key)
	return v
}

// locate applies the search order. from says where the path came from, for
// an error about it (the flag, the variable or the system path).
func (l *loader) locate(path string) (name, from string) {
	if path != "" {
		return path, "--config"
	}
	if p := l.getenv("HOURSD_CONFIG"); p != "" {
		return p, "$HOURSD_CONFIG"
	}
	// Only a system file that is not there at all means the built-in
	// default: a dangling symlink (a config volume that did not mount) or a
	// directory hoursd may not search is reported, not silently replaced
	// by the console configuration.
	if _, err := l.stat(l.systemPath); !errors.Is(err, fs.ErrNotExist) {
		return l.systemPath, l.systemPath
	}
	return "", ""
}

func (l *loader) load(path string) (*Config, error) {
	name, from := l.locate(path)
	if name == "" {
		return l.parse(DefaultSource, "yaml", defaultConfig, "")
	}
	format, err := formatOf(name)
	if err != nil {
		return nil, &ValidationError{Source: name, Problems: []Problem{{Path: from, Message: err.Error()}}}
	}
	data, err := l.readFile(name)
	if err != nil {
		return nil, &ValidationError{Source: name, Problems: []Problem{{Path: from, Message: fmt.Sprintf("cannot read %s: %v", name, describeFileError(err))}}}
	}
	return l.parse(name, format, data, filepath.Dir(name))
}

// formatOf is viper's config type for a file name.
func formatOf(name string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".yaml", ".yml":
		return "yaml", nil
	case ".toml":
		return "toml", nil
	case ".json":
		return "json", nil
	default:
		return "", fmt.Errorf("cannot tell the format of %s: name it .yaml, .yml, .toml or .json", name)
	}
}

func readFileLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := &os.PathError{Op: "read", Path: name, Err: fmt.Errorf("larger than %d bytes", maxFileSize)}
	var buf bytes.Buffer
	// A file that says how large it is is refused before it is read, and
	// otherwise read into a buffer of its size; a device or a pipe is read
	// up to the limit.
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if fi.Size() > maxFileSize {
			return nil, tooLarge
		}
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err // an *os.PathError already
	}
	if n > maxFileSize {
		return nil, tooLarge
	}
	return buf.Bytes(), nil
}

// parse reads data, applies the environment, decodes strictly and
// validates. dir is where relative secret files are looked up when
// $CREDENTIALS_DIRECTORY is not set. A YAML or JSON file's subscribers
// list is read on its own when it can be (see split.go).
func (l *loader) parse(source, format string, data []byte, dir string) (*Config, error) {
	if !l.whole {
		if cfg := l.parseSplit(source, format, data, dir); cfg != nil {
			return cfg, nil
		}
	}
	return l.parseWhole(source, format, data, dir, nil)
}

// parseSplit reads a YAML or JSON file's subscribers list on its own and
// the rest of the file the general way; nil when the file is not one it
// can read so, or has a problem, which parseWhole then reports as it
// always did.
func (l *loader) parseSplit(source, format string, data []byte, dir string) *Config {
	var (
		rest []byte
		subs []rawSubscriber
		ok   bool
	)
	switch format {
	case "yaml":
		var chunks [][]byte
		var line int
		if rest, chunks, line, ok = splitSubscribers(data); !ok || !keyAt(rest, line) {
			return nil
		}
		if subs, ok = decodeSubscriberChunks(chunks); !ok {
			return nil
		}
	case "json":
		if rest, subs, ok = splitJSON(data); !ok {
			return nil
		}
	default:
		return nil
	}
	cfg, err := l.parseWhole(source, format, rest, dir, subs)
	if err != nil {
		return nil
	}
	return cfg
}

// errNotSplit is parseWhole's answer when the file parseSplit made does
// not hold its empty subscribers list where it should.
var errNotSplit = errors.New("the subscribers list is not where it was taken from")

// parseWhole reads data with viper, applies the environment, decodes
// strictly and validates. subs, when not nil, are the subscribers of a
// file whose list parseSplit took out of data.
func (l *loader) parseWhole(source, format string, data []byte, dir string, subs []rawSubscriber) (cfg *Config, err error) {
	// viper and the decoders below are not ours; whatever a file does to
	// them, the user gets a message, never a stack trace.
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, &ValidationError{Source: source, Problems: []Problem{{Path: source, Message: fmt.Sprintf("cannot read the configuration (hoursd bug, please report it): %v", r)}}}
		}
	}()

	if format == "toml" {
		if line, deep := tooDeep(data); deep {
			return nil, &ValidationError{Source: source, Problems: []Problem{{Path: fmt.Sprintf("line %d", line), Message: fmt.Sprintf("toml: lists and tables nest more than %d deep", maxNesting)}}}
		}
	}
	// A key delimiter that no key contains: viper splits keys on it, and
	// a webhook header or a weekly key may well contain a dot.
	v := viper.NewWithOptions(viper.KeyDelimiter("::"))
	v.SetConfigType(format)
	// A YAML file is parsed once, into the map viper takes, and only a
	// file whose keys clash is parsed again for the lines of the clashes:
	// a node tree of a file that lists a hundred thousand subscribers
	// takes hundreds of megabytes.
	var ps problems
	m, more, isYAML := parseYAML(format, data)
	if isYAML {
		if caseClash(m) {
			ps = problems(keyClashes(format, data))
		}
		ps = append(ps, more...)
		if err := v.MergeConfigMap(m); err != nil {
			return nil, &ValidationError{Source: source, Problems: syntaxProblems(source, format, data, err)}
		}
	} else {
		if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
			return nil, &ValidationError{Source: source, Problems: syntaxProblems(source, format, data, err)}
		}
		ps = problems(keyClashes(format, data))
	}
	// The environment is set as viper's overrides rather than bound with
	// BindEnv: viper would read os.Getenv behind the loader's back (the
	// secrets and the tests go through lookupEnv), and it can only take
	// all empty variables or none.
	fromEnv := map[string]string{} // key -> the variable that set it
	for _, k := range envKeys {
		name := envPrefix + "_" + strings.ToUpper(strings.ReplaceAll(k, ".", "_"))
		if val, ok := l.lookupEnv(name); ok && (val != "" || slices.Contains(emptyEnvKeys, k)) {
			v.Set(strings.ReplaceAll(k, ".", "::"), val)
			fromEnv[k] = name
		}
	}

	var raw rawFile
	b := builder{
		raw:         &raw,
		undecodable: map[string]bool{},
		ps:          &ps,
		getenv:      l.getenv,
		hostname:    l.hostname,
		secrets:     secretSource{lookupEnv: l.lookupEnv, readFile: l.readFile, baseDir: dir},
	}
	settings := v.AllSettings()
	for _, p := range emptyItems("", settings) {
		ps.add(p, "is empty: give a value or remove the item")
		b.undecodable[p] = true
	}
	if !isYAML {
		m = settings // viper keeps "" but drops null, which only YAML has besides in lists
	}
	emptyDefaults(&ps, m, fromEnv)
	// Of the tree, the build needs only the postgres section (see
	// buildPostgres): a large file's tree is let go before the build.
	b.tree = map[string]any{}
	if pg, ok := lookupFold(m, []string{"postgres"}); ok {
		b.tree["postgres"] = pg
	}
	b.decode("", settings, &raw)
	if subs != nil {
		// The list parseSplit took out must be where it was, empty.
		if list, ok := m["subscribers"].([]any); !ok || len(list) != 0 {
			return nil, errNotSplit
		}
		raw.Subscribers = subs
	}
	cfg = b.build()
	cfg.Source = source
	if len(ps) > 0 {
		// The value is not in the file: say where it came from.
		for i, p := range ps {
			if name, ok := fromEnv[p.Path]; ok {
				ps[i].Message += " (set by $" + name + ")"
			}
		}
		ps.sort()
		return nil, &ValidationError{Source: source, Problems: ps}
	}
	return cfg, nil
}

// syntaxProblems turn a parser's error into problems at the lines where
// the file stops making sense. A problem no line can be given for is at
// source, the file's name.
func syntaxProblems(source, format string, data []byte, err error) []Problem {
	ps := parserProblems(format, data, err)
	for i := range ps {
		if ps[i].Path == "" {
			ps[i].Path = source
		}
		// The parsers quote the character they stumbled on, which in a
		// binary file is a control character for the terminal.
		ps[i].Message = printable(ps[i].Message)
	}
	return ps
}

func parserProblems(format string, data []byte, err error) []Problem {
	var pe viper.ConfigParseError
	if errors.As(err, &pe) {
		err = pe.Unwrap()
	}
	var te *toml.DecodeError
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		row, _ := te.Position()
		return []Problem{{Path: fmt.Sprintf("line %d", row), Message: "toml: " + strings.TrimPrefix(te.Error(), "toml: ")}}
	case errors.As(err, &se):
		return []Problem{{Path: fmt.Sprintf("line %d", lineAt(data, se.Offset)), Message: "json: " + se.Error()}}
	case errors.As(err, &ue):
		return []Problem{{Path: fmt.Sprintf("line %d", lineAt(data, ue.Offset)), Message: "json: the file must hold an object of keys and values"}}
	}
	msg := err.Error()
	// yaml.v3 says "yaml: line 3: did not find expected key" for a
	// syntax error, and "yaml: unmarshal errors:" followed by one
	// "  line 4: …" line per error for a well-formed file that does not
	// fit (a duplicate key, a list where the keys should be). Lift the
	// line numbers into the paths, like the others.
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if n, text, ok := strings.Cut(rest, ": "); ok {
			return []Problem{{Path: "line " + n, Message: "yaml: " + text}}
		}
	}
	if rest, ok := strings.CutPrefix(msg, "yaml: unmarshal errors:\n"); ok {
		var ps []Problem
		for l := range strings.Lines(rest) {
			l = strings.TrimSpace(l)
			n, text, ok := strings.Cut(strings.TrimPrefix(l, "line "), ": ")
			if !ok {
				continue
			}
			if strings.Contains(text, "cannot unmarshal") {
				text = "the file must hold a mapping of keys and values"
			}
			ps = append(ps, Problem{Path: "line " + n, Message: "yaml: " + text})
		}
		if len(ps) > 0 {
			return ps
		}
	}
	msg = strings.TrimPrefix(msg, format+": ")
	if strings.Contains(msg, "control characters") || strings.Contains(msg, "UTF-8") {
		if off := firstUnprintable(data); off >= 0 {
			return []Problem{{Path: fmt.Sprintf("line %d", lineAt(data, int64(off))), Message: format + ": " + msg}}
		}
	}
	return []Problem{{Message: format + ": " + msg}}
}

// firstUnprintable is the offset of the first byte of data that is not
// UTF-8 or is a control character other than tab, CR and LF; -1 if none.
func firstUnprintable(data []byte) int {
	for i, r := range string(data) {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r') {
			return i
		}
	}
	return -1
}

// printable writes the control characters of s as Go escapes (\x01).
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// tooDeep says whether lists and tables nest more than maxNesting deep in
// the TOML data, and at which line they get there. It skips strings and
// comments; it need not be exact about broken files, which the parser
// reports after it.
func tooDeep(data []byte) (line int, deep bool) {
	depth := 0
	line = 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			delim := []byte{c}
			if bytes.HasPrefix(data[i:], []byte{c, c, c}) {
				delim = []byte{c, c, c}
			}
			i += len(delim)
			for i < len(data) && !bytes.HasPrefix(data[i:], delim) {
				if data[i] == '\n' {
					if len(delim) == 1 {
						break // a one-line string does not go on
					}
					line++
				}
				if data[i] == '\\' && c == '"' && i+1 < len(data) && data[i+1] != '\n' {
					i++ // an escaped character, maybe the quote
				}
				i++
			}
			if len(delim) == 1 && i < len(data) && data[i] == '\n' {
				i-- // the newline is counted above
			} else {
				i += len(delim) - 1
			}
		case '[', '{':
			if depth++; depth > maxNesting {
				return line, true
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return 0, false
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// parseYAML parses a YAML file into the map viper takes, and reports what
// follows its first document (see moreDocuments); ok is false for another
// format, or a file that does not decode into a map (a syntax error, an
// empty file), which then goes through viper and its messages.
func parseYAML(format string, data []byte) (m map[string]any, more []Problem, ok bool) {
	if format != "yaml" {
		return nil, nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if dec.Decode(&m) != nil || m == nil {
		return nil, nil, false
	}
	return m, moreDocuments(dec, data), true
}

// caseClash reports whether a mapping anywhere in v has two keys that
// differ only in case (YAML itself refuses a key given twice).
func caseClash(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		var lower map[string]bool
		if len(v) > 1 {
			lower = make(map[string]bool, len(v))
		}
		for k, x := range v {
			if lower != nil {
				l := strings.ToLower(k)
				if lower[l] {
					return true
				}
				lower[l] = true
			}
			if caseClash(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if caseClash(x) {
				return true
			}
		}
	}
	return false
}
