package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const minimalYAML = `
schedules: [{id: s, weekly: {mon-fri: ["08:00-16:00"]}}]
channels: [{id: out, type: console}]
subscribers: [{id: me, schedules: [s], targets: [{channel: out}]}]
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSearchOrder checks where Load looks: --config, $HOURSD_CONFIG,
// /etc/hoursd/config.yaml, the embedded default, in that order.
func TestSearchOrder(t *testing.T) {
	dir := t.TempDir()
	flagFile := writeFile(t, dir, "flag.yaml", minimalYAML+"state_dir: /from/flag\n")
	envFile := writeFile(t, dir, "env.yaml", minimalYAML+"state_dir: /from/env\n")
	sysFile := writeFile(t, dir, "system.yaml", minimalYAML+"state_dir: /from/system\n")

	tests := []struct {
		name       string
		flag       string
		env        string
		sysExists  bool
		wantSource string
		wantState  string
	}{
		{"flag wins over everything", flagFile, envFile, true, flagFile, "/from/flag"},
		{"environment without flag", "", envFile, true, envFile, "/from/env"},
		{"system file without flag or environment", "", "", true, sysFile, "/from/system"},
		{"embedded default when nothing is there", "", "", false, DefaultSource, "./state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.env != "" {
				env["HOURSD_CONFIG"] = tt.env
			}
			l := testLoader(env, nil)
			l.systemPath = sysFile
			if !tt.sysExists {
				l.systemPath = filepath.Join(dir, "missing.yaml")
			}
			l.stat = os.Lstat
			cfg, err := l.load(tt.flag)
			if err != nil {
				t.Fatalf("Load(%q): %v", tt.flag, err)
			}
			if cfg.Source != tt.wantSource || cfg.StateDir != tt.wantState {
				t.Errorf("Load(%q) read %s (state_dir %s), want %s (state_dir %s)", tt.flag, cfg.Source, cfg.StateDir, tt.wantSource, tt.wantState)
			}
		})
	}
}

// TestSystemFileTrouble checks that a system file that is there but cannot
// be read is reported, not replaced by the built-in default.
func TestSystemFileTrouble(t *testing.T) {
	dir := t.TempDir()
	dangling := filepath.Join(dir, "config.yaml")
	if err := os.Symlink(filepath.Join(dir, "not-mounted", "config.yaml"), dangling); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		stat    func(string) (fs.FileInfo, error)
		wantMsg string
	}{
		{"dangling symlink", newLoader().stat, "no such file or directory"},
		{"directory not searchable", func(name string) (fs.FileInfo, error) {
			return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrPermission}
		}, "cannot read " + dangling},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLoader(nil, nil)
			l.systemPath, l.stat = dangling, tt.stat
			cfg, err := l.load("")
			if err == nil {
				t.Fatalf("Load() = %s, want a problem with %s", cfg.Summary(), dangling)
			}
			ps := problemsOf(t, err)
			if len(ps) != 1 || ps[0].Path != dangling || !strings.Contains(ps[0].Message, tt.wantMsg) {
				t.Errorf("Load() problems = %q, want one at %s saying %q", ps, dangling, tt.wantMsg)
			}
		})
	}
}

// TestLoadFileErrors checks that a file that cannot be used is a
// ValidationError naming where its name came from.
func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	ini := writeFile(t, dir, "config.ini", minimalYAML)
	if err := os.Mkdir(filepath.Join(dir, "d.yaml"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		flag     string
		env      map[string]string
		wantPath string
		wantMsg  string
	}{
		{"missing file named by the flag", filepath.Join(dir, "nope.yaml"), nil, "--config", "no such file or directory"},
		{"missing file named by the environment", "", map[string]string{"HOURSD_CONFIG": filepath.Join(dir, "nope.toml")}, "$HOURSD_CONFIG", "no such file or directory"},
		{"unknown extension", ini, nil, "--config", "cannot tell the format"},
		{"a directory", filepath.Join(dir, "d.yaml"), nil, "--config", "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := testLoader(tt.env, nil).load(tt.flag)
			ps := problemsOf(t, err)
			if len(ps) != 1 || ps[0].Path != tt.wantPath || !strings.Contains(ps[0].Message, tt.wantMsg) {
				t.Errorf("Load(%q) problems = %v, want one at %s saying %q", tt.flag, ps, tt.wantPath, tt.wantMsg)
			}
		})
	}
}

// TestEnvOverrides checks that HOURSD_<KEY> overrides the file, and that
// an empty HOURSD_HTTP_LISTEN turns the listener off.
func TestEnvOverrides(t *testing.T) {
	file := writeFile(t, t.TempDir(), "c.yaml", minimalYAML+`
timezone: America/Chicago
state_dir: /var/lib/hoursd
log: {level: warn, format: text}
http: {listen: "127.0.0.1:9470"}
defaults: {check: "0 18 * * *", language: sv}
`)
	tests := []struct {
		name string
		env  map[string]string
		get  func(*Config) any
		want any
	}{
		{"timezone", map[string]string{"HOURSD_TIMEZONE": "America/New_York"}, func(c *Config) any { return c.Location.String() }, "America/New_York"},
		{"state_dir", map[string]string{"HOURSD_STATE_DIR": "/tmp/h"}, func(c *Config) any { return c.StateDir }, "/tmp/h"},
		{"log level and format", map[string]string{"HOURSD_LOG_LEVEL": "debug", "HOURSD_LOG_FORMAT": "json"}, func(c *Config) any { return c.Log }, Log{Level: "debug", Format: "json"}},
		{"http listen", map[string]string{"HOURSD_HTTP_LISTEN": "0.0.0.0:9999"}, func(c *Config) any { return c.HTTP.Listen }, "0.0.0.0:9999"},
		{"empty http listen turns it off", map[string]string{"HOURSD_HTTP_LISTEN": ""}, func(c *Config) any { return c.HTTP.Listen }, ""},
		{"defaults reach subscribers", map[string]string{"HOURSD_DEFAULTS_CHECK": "@daily", "HOURSD_DEFAULTS_LANGUAGE": "en"}, func(c *Config) any { return c.Subscribers[0].Check + " " + c.Subscribers[0].Language }, "@daily en"},
		{"nothing set keeps the file", nil, func(c *Config) any { return c.Timezone + " " + c.StateDir }, "America/Chicago /var/lib/hoursd"},
		// An empty variable is as good as unset: a compose file's
		// HOURSD_TIMEZONE=${TZ} with TZ unset must not put the file's
		// timezone back to the default.
		{"empty variables keep the file", map[string]string{"HOURSD_TIMEZONE": "", "HOURSD_STATE_DIR": "", "HOURSD_LOG_LEVEL": "", "HOURSD_DEFAULTS_CHECK": ""},
			func(c *Config) any {
				return c.Timezone + " " + c.StateDir + " " + c.Log.Level + " " + c.Subscribers[0].Check
			}, "America/Chicago /var/lib/hoursd warn 0 18 * * *"},
		{"lower-case variable names are not hoursd's", map[string]string{"hoursd_log_level": "debug", "HOURSD_log_level": "debug"}, func(c *Config) any { return c.Log.Level }, "warn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, testLoader(tt.env, nil), file)
			if got := tt.get(cfg); got != tt.want {
				t.Errorf("with %v: got %v, want %v", tt.env, got, tt.want)
			}
		})
	}

	// viper only reads variables bound to keys; they must count for keys
	// the file leaves out too.
	t.Run("keys the file leaves out", func(t *testing.T) {
		bare := writeFile(t, t.TempDir(), "bare.yaml", minimalYAML)
		env := map[string]string{"HOURSD_LOG_LEVEL": "warn", "HOURSD_HTTP_LISTEN": "", "HOURSD_TIMEZONE": "UTC"}
		cfg := mustLoad(t, testLoader(env, nil), bare)
		if cfg.Log.Level != "warn" || cfg.HTTP.Listen != "" || cfg.Timezone != "UTC" {
			t.Errorf("log level %q, listen %q, timezone %q; want warn, \"\" and UTC from the environment", cfg.Log.Level, cfg.HTTP.Listen, cfg.Timezone)
		}
	})

	t.Run("a bad value is reported at its key", func(t *testing.T) {
		_, err := testLoader(map[string]string{"HOURSD_TIMEZONE": "Mars/Olympus_Mons", "HOURSD_DEFAULTS_CHECK": "0 18 * *"}, nil).load(file)
		ps := problemsOf(t, err)
		want := []Problem{
			{"defaults.check", `"0 18 * *" is not a cron spec of 5 fields or a descriptor such as @daily: expected exactly 5 fields, found 4: [0 18 * *] (set by $HOURSD_DEFAULTS_CHECK)`},
			{"timezone", `unknown time zone "Mars/Olympus_Mons" (set by $HOURSD_TIMEZONE)`},
		}
		if !slices.Equal(ps, want) {
			t.Errorf("problems = %q, want %q", ps, want)
		}
	})
}

// TestStateDirDefault checks the default of state_dir: systemd's
// $STATE_DIRECTORY (its first entry), else ./state.
func TestStateDirDefault(t *testing.T) {
	file := writeFile(t, t.TempDir(), "c.yaml", minimalYAML)
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no STATE_DIRECTORY", nil, "./state"},
		{"STATE_DIRECTORY", map[string]string{"STATE_DIRECTORY": "/var/lib/hoursd"}, "/var/lib/hoursd"},
		{"several state directories", map[string]string{"STATE_DIRECTORY": "/var/lib/hoursd:/var/lib/other"}, "/var/lib/hoursd"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if cfg := mustLoad(t, testLoader(tt.env, nil), file); cfg.StateDir != tt.want {
				t.Errorf("StateDir = %q, want %q", cfg.StateDir, tt.want)
			}
		})
	}
}

// TestSecrets checks the three ways to give a secret.
func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	creds := t.TempDir()
	writeFile(t, creds, "pushover", "credtokencredtokencredtoken123\n")
	writeFile(t, creds, "blank-lines", "blanktokenblanktokenblanktok12\n\n\r\n")
	writeFile(t, dir, "pushover", "conftokenconftokenconftoken123\r\n")
	abs := writeFile(t, t.TempDir(), "token", "abstokenabstokenabstokenabs123")
	const literal = "littokenlittokenlittokenlit123"
	const fromEnv = "envtokenenvtokenenvtokenenv123"

	tests := []struct {
		name  string
		token string // the channel's token line
		env   map[string]string
		want  string
		shown string // the line of config show that says where it comes from
	}{
		{"literal", "token: " + literal, nil, literal, "token: '***'"},
		{"environment variable", `token: "${PUSHOVER_TOKEN}"`, map[string]string{"PUSHOVER_TOKEN": fromEnv}, fromEnv, "token: ${PUSHOVER_TOKEN}"},
		{"absolute file", "token_file: " + abs, nil, "abstokenabstokenabstokenabs123", "token_file: " + abs},
		{"relative file under CREDENTIALS_DIRECTORY", "token_file: pushover", map[string]string{"CREDENTIALS_DIRECTORY": creds}, "credtokencredtokencredtoken123", "token_file: pushover"},
		{"relative file beside the config without CREDENTIALS_DIRECTORY", "token_file: pushover", nil, "conftokenconftokenconftoken123", "token_file: pushover"},
		{"relative file beside the config when CREDENTIALS_DIRECTORY is empty", "token_file: pushover", map[string]string{"CREDENTIALS_DIRECTORY": ""}, "conftokenconftokenconftoken123", "token_file: pushover"},
		{"absolute file ignores CREDENTIALS_DIRECTORY", "token_file: " + abs, map[string]string{"CREDENTIALS_DIRECTORY": creds}, "abstokenabstokenabstokenabs123", "token_file: " + abs},
		{"file ending in blank lines", "token_file: blank-lines", map[string]string{"CREDENTIALS_DIRECTORY": creds}, "blanktokenblanktokenblanktok12", "token_file: blank-lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, dir, "c.yaml", `
schedules: [{id: s, weekly: {}}]
channels:
  - id: push
    type: pushover
    `+tt.token+`
`)
			cfg := mustLoad(t, testLoader(tt.env, nil), file)
			if got := cfg.Channel("push").Pushover.Token; got != tt.want {
				t.Errorf("token = %q, want %q", got, tt.want)
			}
			out := show(t, cfg)
			if strings.Contains(out, tt.want) || !strings.Contains(out, "\n    "+tt.shown+"\n") {
				t.Errorf("Show reveals the token or lacks %q:\n%s", tt.shown, out)
			}
		})
	}
}

// TestSecretsStayHidden checks that no way of printing a loaded
// configuration shows a secret.
func TestSecretsStayHidden(t *testing.T) {
	cfg := mustLoad(t, testLoader(exampleEnv, fixtureFiles), "../deploy/examples/forsakringskassan.yaml")
	var b bytes.Buffer
	if err := cfg.Show(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, secret := range []string{smtpPassword, discordWebhook, pushoverToken} {
		if strings.Contains(out, secret) {
			t.Errorf("Show reveals %q:\n%s", secret, out)
		}
	}
	// The design's example takes its secrets from files in
	// $CREDENTIALS_DIRECTORY: Show names the files, which are no secrets.
	for _, line := range []string{"password_file: smtp-password", "token_file: pushover", "webhook_url_file: discord-webhook"} {
		if !strings.Contains(out, "\n    "+line+"\n") {
			t.Errorf("Show lacks %q:\n%s", line, out)
		}
	}

	s := Secret(smtpPassword)
	for _, f := range []string{"%v", "%s", "%q", "%#v", "%+v", "%x"} {
		if got := fmtSprintf(f, s); strings.Contains(got, smtpPassword) || strings.Contains(got, "736d7470") {
			t.Errorf("fmt %s of a Secret = %q", f, got)
		}
	}
	if got := s.LogValue().String(); got != "***" {
		t.Errorf("Secret.LogValue() = %q, want ***", got)
	}
}

// TestShowRoundTrip checks that what Show prints loads again to the same
// configuration, for every example and fixture whose secrets come from the
// environment or files (a literal secret is printed as ***, which is the
// point).
func TestShowRoundTrip(t *testing.T) {
	env := map[string]string{"CREDENTIALS_DIRECTORY": credentials, "SMTP_PASSWORD": smtpPassword, "DISCORD_WEBHOOK": discordWebhook, "DISCORD_BOT_TOKEN": "bot-secret-token"}
	for _, name := range []string{"", "../deploy/examples/minimal.yaml", "../deploy/examples/forsakringskassan.yaml", "../deploy/examples/forsakringskassan.toml", "testdata/good/numbers.yaml"} {
		label := filepath.Base(name)
		if name == "" {
			label = DefaultSource
		}
		t.Run(label, func(t *testing.T) {
			first := show(t, mustLoad(t, testLoader(env, fixtureFiles), name))
			file := writeFile(t, t.TempDir(), "shown.yaml", first)
			if second := show(t, mustLoad(t, testLoader(env, fixtureFiles), file)); second != first {
				t.Errorf("Show of the reloaded configuration:\n%s\nwant:\n%s", second, first)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		e    *ValidationError
		want string
	}{
		{"one", &ValidationError{Source: "c.yaml", Problems: []Problem{{"timezone", "unknown time zone \"X\""}}}, `invalid configuration c.yaml: timezone: unknown time zone "X"`},
		{"several", &ValidationError{Source: "c.yaml", Problems: []Problem{{"a", "x"}, {"b", "y"}}}, "invalid configuration c.yaml: 2 problems, the first: a: x"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%s: Error() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestComparePaths(t *testing.T) {
	in := []Problem{{Path: "schedules[10].id"}, {Path: "timezone"}, {Path: "schedules[2].weekly"}, {Path: "schedules[2].id"}, {Path: "channels[0]"}}
	ps := problems(in)
	ps.sort()
	var got []string
	for _, p := range ps {
		got = append(got, p.Path)
	}
	want := "channels[0] schedules[2].id schedules[2].weekly schedules[10].id timezone"
	if strings.Join(got, " ") != want {
		t.Errorf("sorted paths = %v, want %s", got, want)
	}
}

// TestReadFileLimited checks that a wrong path cannot make hoursd read a
// huge file into memory.
func TestReadFileLimited(t *testing.T) {
	big := writeFile(t, t.TempDir(), "big.yaml", strings.Repeat("#", maxFileSize+1))
	_, err := readFileLimited(big)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("readFileLimited(a file of %d bytes) = %v, want an error saying it is too large", maxFileSize+1, err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Errorf("error %v is not an fs.PathError", err)
	}
}

func fmtSprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
