package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateWarnsOfExposedSecrets: validate accepts a world-readable file
// with a password written out in it (exit 0) but says so on stderr, naming
// the key and never the value; with mode 0600 it says nothing.
func TestValidateWarnsOfExposedSecrets(t *testing.T) {
	const file = `schedules:
  - {id: kc, weekly: {mon-fri: ["08:00-16:00"]}}
channels:
  - {id: mail, type: email, host: smtp.example.com, from: a@example.com, username: u, password: INLINEs3cr3t}
subscribers:
  - {id: s, schedules: [kc], targets: [{channel: mail, address: anna@example.com}]}
`
	tests := []struct {
		name       string
		mode       os.FileMode
		wantStderr string
	}{
		{"world-readable", 0o644, "hoursd: warning: "},
		{"owner only", 0o600, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"validate", "-c", path}, &stdout, &stderr); code != 0 {
				t.Fatalf("hoursd validate: exit %d, want 0\n%s", code, &stderr)
			}
			switch {
			case tt.wantStderr == "" && stderr.Len() > 0:
				t.Errorf("hoursd validate (mode %04o): stderr = %q, want nothing", tt.mode, &stderr)
			case tt.wantStderr != "" && !strings.HasPrefix(stderr.String(), tt.wantStderr):
				t.Errorf("hoursd validate (mode %04o): stderr = %q, want it to start %q", tt.mode, &stderr, tt.wantStderr)
			case tt.wantStderr != "" && !strings.Contains(stderr.String(), "channels[0].password"):
				t.Errorf("hoursd validate (mode %04o): stderr = %q, want it to name channels[0].password", tt.mode, &stderr)
			}
			if strings.Contains(stdout.String()+stderr.String(), "INLINEs3cr3t") {
				t.Errorf("hoursd validate reveals the password:\n%s%s", &stdout, &stderr)
			}
		})
	}
}
