package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestHostileFiles loads files that are not configurations at all, or are
// built to make a parser hang, recurse or allocate without end. Each must
// give one problem saying what is wrong, at its line where there is one,
// without a panic and without eating memory.
func TestHostileFiles(t *testing.T) {
	laughs := "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i, c := range "bcdefghi" {
		prev := string("abcdefgh"[i])
		laughs += string(c) + ": &" + string(c) + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
	}
	tests := []struct {
		name     string
		file     string
		content  string
		wantPath string
		wantMsg  string
	}{
		{"empty YAML file", "c.yaml", "", "schedules", "no schedule is configured"},
		{"empty TOML file", "c.toml", "", "schedules", "no schedule is configured"},
		{"empty JSON file", "c.json", "", "line 1", "json: unexpected end of JSON input"},
		{"binary YAML", "c.yaml", "timezone: UTC\n\x00\x01\x02\xff\xfe\x7f", "line 2", "yaml: control characters are not allowed"},
		{"binary TOML", "c.toml", "\x7f\x00\x01\xff", "line 1", `toml: invalid character at start of key: \x7f`},
		{"binary JSON", "c.json", "\x00\x01\xff", "line 1", `json: invalid character '\x00' looking for beginning of value`},
		{"billion laughs", "c.yaml", laughs, "c.yaml", "yaml: document contains excessive aliasing"},
		{"YAML nested 20000 deep", "c.yaml", "a: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "c.yaml", "yaml: exceeded max depth of 10000"},
		{"JSON nested 20000 deep", "c.json", `{"a": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}", "line 1", "json: invalid character '[' exceeded max depth"},
		// Without the nesting limit the TOML parser recursed until the
		// process died of a stack overflow, which no recover catches.
		{"TOML lists nested 300000 deep", "c.toml", "\n\na = " + strings.Repeat("[", 300000) + strings.Repeat("]", 300000), "line 3", "toml: lists and tables nest more than 100 deep"},
		{"TOML tables nested 200000 deep", "c.toml", "a = " + strings.Repeat("{b=", 200000) + "1" + strings.Repeat("}", 200000), "line 1", "toml: lists and tables nest more than 100 deep"},
		{"a file over the size limit", "c.yaml", "#" + strings.Repeat(" ", maxFileSize), "--config", fmt.Sprintf("larger than %d bytes", maxFileSize)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := writeFile(t, t.TempDir(), tt.file, tt.content)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := testLoader(nil, nil).load(name)
			runtime.ReadMemStats(&after)
			ps := problemsOf(t, err)
			if tt.wantPath == tt.file {
				tt.wantPath = name
			}
			if len(ps) != 1 || ps[0].Path != tt.wantPath || !strings.Contains(ps[0].Message, tt.wantMsg) {
				t.Errorf("Load(%s) problems = %q, want one at %s saying %q", tt.name, ps, tt.wantPath, tt.wantMsg)
			}
			if used := after.TotalAlloc - before.TotalAlloc; used > 64<<20 {
				t.Errorf("Load(%s) allocated %d MiB, want at most 64", tt.name, used>>20)
			}
		})
	}
}

// TestTooDeep checks the TOML nesting count where strings and comments
// hold brackets that nest nothing.
func TestTooDeep(t *testing.T) {
	deep := strings.Repeat("[", maxNesting+1)
	tests := []struct {
		name     string
		toml     string
		wantLine int // 0: not too deep
	}{
		{"flat", "a = [[1], [2]]\n[[schedules]]\nid = \"s\"\n", 0},
		{"exactly the limit", "a = " + strings.Repeat("[", maxNesting) + strings.Repeat("]", maxNesting), 0},
		{"one more", "a = 1\nb = " + deep, 2},
		{"brackets in a basic string", `a = "` + deep + `"` + "\nb = 1", 0},
		{"brackets in an escaped string", `a = "\"` + deep + `\\"`, 0},
		{"brackets in a literal string", "a = '" + deep + "'", 0},
		{"brackets in a multi-line string", "a = \"\"\"\n" + deep + "\n\"\"\"\nb = 1", 0},
		{"brackets in a comment", "# " + deep + "\nb = 1", 0},
		{"an unclosed string ends at its line", "a = \"x\nb = " + deep, 2},
		{"lines counted through a multi-line string", "a = '''\n\n'''\nb = " + deep, 4},
	}
	for _, tt := range tests {
		line, deep := tooDeep([]byte(tt.toml))
		if deep != (tt.wantLine > 0) || line != tt.wantLine {
			t.Errorf("%s: tooDeep = line %d, %v; want line %d, %v", tt.name, line, deep, tt.wantLine, tt.wantLine > 0)
		}
	}
}

// TestPrintable checks that control characters quoted by a parser reach
// the terminal as escapes.
func TestPrintable(t *testing.T) {
	if got, want := printable("key: \x7f\x00ä\t"), `key: \x7f\x00ä\t`; got != want {
		t.Errorf("printable = %q, want %q", got, want)
	}
}

// TestSuggest checks which unknown words are taken for typos of a known
// one: short words only when one letter is off.
func TestSuggest(t *testing.T) {
	keys := []string{"timezone", "state_dir", "log", "http", "defaults", "templates", "schedules", "channels", "subscribers", "tls", "hours"}
	tests := []struct{ word, want string }{
		{"timzone", " (did you mean timezone?)"},
		{"tsl", " (did you mean tls?)"}, // letters swapped
		{"hour", " (did you mean hours?)"},
		{"subscibers", " (did you mean subscribers?)"},
		{"a", ""},
		{"x", ""},
		{"lg", " (did you mean log?)"},
		{"colour", ""},
		{"channel_id", ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.word, keys); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

// TestSecretsNeverInProblems puts a secret where it does not belong — a
// field of another type, an unknown key, a key of another channel type, a
// broken line — and checks that no problem repeats it.
func TestSecretsNeverInProblems(t *testing.T) {
	const secret = "Zq8SecretValue7Kx"
	head := "schedules: [{id: s, weekly: {}}]\n"
	tests := []struct {
		name, file, content string
		env                 map[string]string
	}{
		{"password as a list", "c.yaml", head + "channels: [{id: m, type: email, host: localhost, from: a@example.com, username: u, password: [" + secret + "]}]", nil},
		{"password as a mapping", "c.yaml", head + "channels: [{id: m, type: email, host: localhost, from: a@example.com, username: u, password: {" + secret + ": 1}}]", nil},
		{"password in the port", "c.yaml", head + "channels: [{id: m, type: email, host: localhost, from: a@example.com, port: " + secret + "}]", nil},
		{"token in closed", "c.yaml", "schedules: [{id: s, weekly: {}, exceptions: [{date: 2026-01-01, closed: " + secret + "}]}]", nil},
		{"token in remind", "c.yaml", head + "defaults: {remind: [" + secret + "]}", nil},
		{"token in a list of ids", "c.yaml", head + "subscribers: [{id: a, schedules: " + secret + ", targets: [{channel: x}]}]", nil},
		{"unknown top-level key", "c.yaml", head + "pasword: " + secret, nil},
		{"unknown channel key", "c.yaml", head + "channels: [{id: p, type: pushover, tokn: " + secret + "}]", nil},
		{"key of another channel type", "c.yaml", head + "channels: [{id: p, type: pushover, password: " + secret + "}]", nil},
		{"key of an unknown channel type", "c.yaml", head + "channels: [{id: p, type: pushovr, token: " + secret + "}]", nil},
		{"header as a list", "c.yaml", head + "channels: [{id: w, type: webhook, url: https://example.com/, headers: {x-key: [" + secret + "]}}]", nil},
		{"token that is not a Pushover token", "c.yaml", head + "channels: [{id: p, type: pushover, token: " + secret + "}]", nil},
		{"webhook URL that is not http", "c.yaml", head + "channels: [{id: w, type: webhook, url: ftp://" + secret + "}]", nil},
		{"variable holding a bad URL", "c.yaml", head + "channels: [{id: d, type: discord, webhook_url: \"${HOOK}\"}]", map[string]string{"HOOK": "discord.com/api/webhooks/" + secret}},
		{"secret around a variable", "c.yaml", head + "channels: [{id: d, type: discord, webhook_url: \"https://" + secret + "/${HOOK}\"}]", nil},
		{"DSN as a list", "c.yaml", head + "postgres: {dsn: [postgres://u:" + secret + "@db/h]}", nil},
		{"DSN under an unknown key", "c.yaml", head + "postgres: {dns: postgres://u:" + secret + "@db/h}", nil},
		{"DSN URL that does not parse", "c.yaml", head + "postgres: {dsn: \"postgres://u:" + secret + "@db:x/h\"}", nil},
		{"DSN keywords that do not parse", "c.yaml", head + "postgres: {dsn: \"host=db password=" + secret + " port=x\"}", nil},
		{"variable holding a DSN that does not parse", "c.yaml", head + "postgres: {dsn: \"${DSN}\"}", map[string]string{"DSN": "password='" + secret}},
		{"YAML broken after a secret", "c.yaml", head + "channels: [{id: m, password: " + secret + " x: y}]", nil},
		{"YAML secret as a stray scalar", "c.yaml", head + "channels:\n  - id: m\n  " + secret + "\n", nil},
		{"YAML document that is a secret", "c.yaml", secret, nil},
		{"TOML string not ended", "c.toml", "[[channels]]\npassword = \"" + secret + "\n", nil},
		{"TOML secret as a key", "c.toml", "[[channels]]\n" + secret + "\n", nil},
		{"TOML value that is no value", "c.toml", "[[channels]]\npassword = " + secret + "\n", nil},
		{"JSON broken after a secret", "c.json", `{"channels": [{"password": "` + secret + `" "x": 1}]}`, nil},
		{"JSON document that is a secret", "c.json", `"` + secret + `"`, nil},
		{"JSON bare secret", "c.json", `{"password": ` + secret + `}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := writeFile(t, t.TempDir(), tt.file, tt.content)
			_, err := testLoader(tt.env, nil).load(name)
			ps := problemsOf(t, err)
			if got := formatProblems(ps) + err.Error(); strings.Contains(strings.ToLower(got), strings.ToLower(secret)) {
				t.Errorf("Load(%s) repeats the secret:\n%s", tt.name, got)
			}
		})
	}
}

// TestSecretFileProblems checks what is said of a secret file that cannot
// be used: where hoursd looked, and never its content.
func TestSecretFileProblems(t *testing.T) {
	creds := t.TempDir()
	writeFile(t, creds, "empty", "\n")
	if err := os.Mkdir(filepath.Join(creds, "dir"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file string
		want       string
	}{
		{"missing in CREDENTIALS_DIRECTORY", "pushover", "cannot read secret file " + filepath.Join(creds, "pushover") + " (in $CREDENTIALS_DIRECTORY): no such file or directory"},
		{"only a newline", "empty", "secret file " + filepath.Join(creds, "empty") + " is empty"},
		{"a directory", "dir", "cannot read secret file " + filepath.Join(creds, "dir") + " (in $CREDENTIALS_DIRECTORY): is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "c.yaml", "schedules: [{id: s, weekly: {}}]\nchannels: [{id: p, type: pushover, token_file: "+tt.file+"}]\n")
			_, err := testLoader(map[string]string{"CREDENTIALS_DIRECTORY": creds}, nil).load(file)
			want := []Problem{{Path: "channels[0].token_file", Message: tt.want}}
			if ps := problemsOf(t, err); !slices.Equal(ps, want) {
				t.Errorf("problems = %q, want %q", ps, want)
			}
		})
	}
}
