package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateAndShow(t *testing.T) {
	t.Setenv("SMTP_PASSWORD", "smtp-secret-value")
	t.Setenv("DISCORD_WEBHOOK", "https://discord.com/api/webhooks/1/discord-secret")
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
		never      []string // in neither stream
		env        map[string]string
	}{
		{
			name:       "validate a good file",
			args:       []string{"validate", "--config", "../../deploy/examples/minimal.yaml"},
			wantStdout: []string{"../../deploy/examples/minimal.yaml: 1 schedule, 1 channel, 1 subscriber, time zone Europe/Stockholm\n"},
		},
		{
			name:       "validate the built-in default",
			args:       []string{"validate", "--config", ""},
			wantStdout: []string{"built-in default: 1 schedule, 1 channel, 1 subscriber, time zone Europe/Stockholm\n"},
		},
		{
			name:     "validate a bad file lists every problem and exits 2",
			args:     []string{"validate", "--config", "../../config/testdata/bad/unknown-references.yaml"},
			wantCode: 2,
			wantStderr: []string{
				"  subscribers[0].schedules[0]: unknown schedule \"kundcentre\" (configured: kundcenter)\n",
				"  subscribers[1].targets[0].channel: unknown channel \"mial\" (configured: mail)\n",
				"  subscribers[2].targets: missing",
			},
		},
		{
			name:       "validate a file with a syntax error names the line",
			args:       []string{"validate", "-c", "../../config/testdata/bad/syntax-yaml.yaml"},
			wantCode:   2,
			wantStderr: []string{"  line 3: yaml: "},
		},
		{
			name:       "validate does not reveal secrets in its problems",
			args:       []string{"validate", "-c", "../../config/testdata/bad/webhook-urls.yaml"},
			wantCode:   2,
			wantStderr: []string{"  channels[2].webhook_url: must be an http:// or https:// URL\n"},
			never:      []string{"SECRETPART", "sometoken"},
		},
		{
			name:       "config show of a file whose secret file is missing exits 2 naming it",
			args:       []string{"config", "show", "--config", "../../deploy/examples/forsakringskassan.yaml"},
			wantCode:   2, // the credentials are not beside the example
			wantStderr: []string{"  channels[1].token_file: cannot read secret file ../../deploy/examples/pushover (beside the configuration, as $CREDENTIALS_DIRECTORY is not set)"},
		},
		{
			name:       "config show of a file whose variable is unset exits 2 naming it",
			args:       []string{"config", "show", "--config", "../../config/testdata/good/everything.yaml"},
			wantCode:   2,
			wantStderr: []string{"environment variable DISCORD_BOT_TOKEN is not set"},
		},
		{
			name:       "config show of the minimal example fills in the defaults",
			args:       []string{"config", "show", "--config", "../../deploy/examples/minimal.yaml"},
			wantStdout: []string{"timezone: Europe/Stockholm\n", "  listen: 127.0.0.1:9470\n", "    check: 0 18 * * *\n", "    timeout: 30s\n"},
		},
		{
			name:       "validate with an argument is a usage error",
			args:       []string{"validate", "config.yaml"},
			wantCode:   2,
			wantStderr: []string{"hoursd: validate takes no arguments: name the file with --config\n"},
		},
		{
			name:       "config show with an argument is a usage error",
			args:       []string{"config", "show", "config.yaml"},
			wantCode:   2,
			wantStderr: []string{"hoursd: config show takes no arguments: name the file with --config\n"},
		},
		{
			name:       "config with an unknown subcommand",
			args:       []string{"config", "shwo"},
			wantCode:   2,
			wantStderr: []string{"hoursd: config: unknown subcommand \"shwo\"; the subcommand is show\n"},
		},
		{
			name:       "validate with HOURSD_CONFIG naming a missing file",
			args:       []string{"validate"},
			env:        map[string]string{"HOURSD_CONFIG": "/nonexistent/hoursd.yaml"},
			wantCode:   2,
			wantStderr: []string{"  $HOURSD_CONFIG: cannot read /nonexistent/hoursd.yaml: no such file or directory\n"},
		},
		{
			name:       "config without a subcommand",
			args:       []string{"config"},
			wantCode:   2,
			wantStderr: []string{"show"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("hoursd %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), code, tt.wantCode, &stdout, &stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("hoursd %s: stdout lacks %q:\n%s", strings.Join(tt.args, " "), w, &stdout)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("hoursd %s: stderr lacks %q:\n%s", strings.Join(tt.args, " "), w, &stderr)
				}
			}
			for _, n := range append(tt.never, "smtp-secret-value", "discord-secret") {
				if strings.Contains(stdout.String()+stderr.String(), n) {
					t.Errorf("hoursd %s reveals %q", strings.Join(tt.args, " "), n)
				}
			}
		})
	}
}

// TestShowHidesSecrets runs config show on a configuration whose secrets
// all resolve, and checks that none of them is printed.
func TestShowHidesSecrets(t *testing.T) {
	t.Setenv("DISCORD_BOT_TOKEN", "bot-secret-token")
	t.Setenv("NTFY_TOKEN", "ntfy-secret")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"config", "show", "-c", "../../config/testdata/good/everything.yaml"}, &stdout, &stderr); code != 0 {
		t.Fatalf("config show: exit %d\n%s", code, &stderr)
	}
	out := stdout.String()
	for _, secret := range []string{"bot-secret-token", "ntfy-secret", "azGDORePK8gMaC0QOYAMyEEuzJnyUi"} {
		if strings.Contains(out, secret) {
			t.Errorf("config show reveals %q:\n%s", secret, out)
		}
	}
	// Literal secrets are ***; a value that only names a variable is
	// shown as written, since the name is no secret and the output then
	// loads again.
	if n := strings.Count(out, "'***'"); n != 4 {
		t.Errorf("config show has %d '***', want 4 (pushover token, webhook URL, both header values: every header is treated as a secret):\n%s", n, out)
	}
	if !strings.Contains(out, "\n    bot_token: ${DISCORD_BOT_TOKEN}\n") {
		t.Errorf("config show does not name the variable of the bot token:\n%s", out)
	}
}

// TestValidateWarnsOfSkippedHours: hours that fall in the hour the clocks
// skip are a warning, not a problem. Every year has a night the clocks go
// forward within the feed's 400 days, so a Sunday opening at 02:15 is
// always warned of.
func TestValidateWarnsOfSkippedHours(t *testing.T) {
	name := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(name, []byte(`
schedules:
  - {id: natt, weekly: {sun: ["02:15-02:45"]}}
channels:
  - {id: out, type: console}
subscribers:
  - {id: anna, schedules: [natt], targets: [{channel: out}]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"validate", "-c", name}, &stdout, &stderr); code != 0 {
		t.Fatalf("validate: exit %d, want 0\n%s", code, &stderr)
	}
	if want := "hoursd: warning: schedules[0] (natt): on "; !strings.Contains(stderr.String(), want) ||
		!strings.Contains(stderr.String(), ", 02:15-02:45 falls in the hour the clocks skip in Europe/Stockholm") {
		t.Errorf("validate: stderr = %q, want a warning of 02:15-02:45", &stderr)
	}
}
