package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExposedSecrets: a configuration file that other users may read is
// reported when, and only when, it holds secrets written out in it; the
// report names the keys and never a value.
func TestExposedSecrets(t *testing.T) {
	const head = `schedules:
  - {id: kc, weekly: {mon-fri: ["08:00-16:00"]}}
channels:
`
	t.Setenv("SMTP_PASSWORD", "pw-from-env")
	t.Setenv("NTFY_TOKEN", "tk-from-env")
	tests := []struct {
		name     string
		channels string
		mode     os.FileMode
		want     string // "" for no report
	}{
		{"inline password, world-readable",
			"  - {id: c, type: email, host: smtp.example.com, from: a@example.com, username: u, password: INLINEs3cr3t}\n",
			0o644, "(mode 0644) and holds 1 secret written out in it (channels[0].password)"},
		{"inline password, owner only",
			"  - {id: c, type: email, host: smtp.example.com, from: a@example.com, username: u, password: INLINEs3cr3t}\n",
			0o600, ""},
		{"inline password, group-readable",
			"  - {id: c, type: email, host: smtp.example.com, from: a@example.com, username: u, password: INLINEs3cr3t}\n",
			0o640, ""},
		{"password from the environment",
			"  - {id: c, type: email, host: smtp.example.com, from: a@example.com, username: u, password: \"${SMTP_PASSWORD}\"}\n",
			0o644, ""},
		{"webhook url and header written out",
			"  - {id: c, type: webhook, url: \"https://ntfy.example/INLINEs3cr3t\", headers: {Authorization: \"Bearer INLINEs3cr3t\", X-Ref: \"Bearer ${NTFY_TOKEN}\"}}\n",
			0o604, "holds 2 secrets written out in it (channels[0].url, channels[0].headers.authorization)"},
		{"nothing secret", "  - {id: c, type: console}\n", 0o644, ""},
		{"ntfy token written out", "  - {id: c, type: ntfy, token: tk_INLINEs3cr3tINLINEs3cr3t12}\n", 0o644,
			"holds 1 secret written out in it (channels[0].token)"},
		{"telegram token written out", "  - {id: c, type: telegram, token: \"123456789:INLINEs3cr3tINLINEs3cr3tINLINEs3cr\"}\n", 0o644,
			"holds 1 secret written out in it (channels[0].token)"},
		{"slack webhook written out", "  - {id: c, type: slack, webhook_url: \"https://hooks.slack.com/services/T000/B000/INLINEs3cr3t\"}\n", 0o644,
			"holds 1 secret written out in it (channels[0].webhook_url)"},
		{"matrix token written out", "  - {id: c, type: matrix, homeserver: \"https://matrix.example.org\", token: syt_INLINEs3cr3t}\n", 0o644,
			"holds 1 secret written out in it (channels[0].token)"},
		{"gotify token written out", "  - {id: c, type: gotify, url: \"https://gotify.example.org\", token: AINLINEs3cr3t1}\n", 0o644,
			"holds 1 secret written out in it (channels[0].token)"},
		{"ntfy token from the environment", "  - {id: c, type: ntfy, token: \"${NTFY_TOKEN}\"}\n", 0o644, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(head+tt.channels+target(tt.channels)), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil { // WriteFile's mode is cut by the umask
				t.Fatal(err)
			}
			cfg, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.ExposedSecrets()
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("ExposedSecrets() = %q, want %q", got, tt.want)
			}
			for _, s := range []string{"INLINEs3cr3t", "pw-from-env", "tk-from-env"} {
				if strings.Contains(got, s) {
					t.Errorf("ExposedSecrets() = %q, shows the secret %q", got, s)
				}
			}
		})
	}
}

// target is the one subscriber the fixture needs, with an address when the
// channel is email.
func target(channels string) string {
	t := "{channel: c}"
	switch {
	case strings.Contains(channels, "type: email"):
		t = "{channel: c, address: anna@example.com}"
	case strings.Contains(channels, "type: ntfy"):
		t = "{channel: c, topic: hoursd-kundcenter}"
	case strings.Contains(channels, "type: telegram"):
		t = "{channel: c, chat: \"-1001234567890\"}"
	case strings.Contains(channels, "type: matrix"):
		t = "{channel: c, room: \"!abcdefgh:matrix.example.org\"}"
	}
	return "subscribers:\n  - {id: s, schedules: [kc], targets: [" + t + "]}\n"
}
