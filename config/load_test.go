package config

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .want files of testdata/bad from what Load reports (review the diff!)")

// Secret values the fixtures use; tests assert that none of them ever shows
// up in an error or in `config show`.
const (
	smtpPassword   = "smtp-secret-value"
	discordWebhook = "https://discord.com/api/webhooks/1/discord-secret"
	pushoverToken  = "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
	credentials    = "/run/credentials/hoursd.service"
	pushoverFile   = credentials + "/pushover"
	postgresDSN    = "postgres://hoursd:pg-secret-value@db.example.com:5432/hoursd?sslmode=verify-full"
)

var fixtureEnv = map[string]string{
	"SMTP_PASSWORD":     smtpPassword,
	"DISCORD_WEBHOOK":   discordWebhook,
	"HOURSD_TEST_EMPTY": "",
}

// exampleEnv is fixtureEnv with what systemd, compose and the README's
// docker run all give hoursd: deploy/examples name their secrets relative
// to $CREDENTIALS_DIRECTORY.
var exampleEnv = func() map[string]string {
	env := map[string]string{"CREDENTIALS_DIRECTORY": credentials}
	for k, v := range fixtureEnv {
		env[k] = v
	}
	return env
}()

var fixtureFiles = map[string]string{
	pushoverFile:                     pushoverToken + "\n",
	credentials + "/smtp-password":   smtpPassword + "\n",
	credentials + "/discord-webhook": discordWebhook + "\n",
	credentials + "/postgres-dsn":    postgresDSN + "\n",
}

// testHost is the host name testLoader gives, the default replica name.
const testHost = "test-host"

// testLoader is a loader that sees env instead of the environment, files
// on top of the real file system, and no /etc/hoursd/config.yaml.
func testLoader(env, files map[string]string) *loader {
	l := newLoader()
	l.lookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	l.readFile = func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return readFileLimited(name)
	}
	l.stat = func(name string) (fs.FileInfo, error) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	l.hostname = func() (string, error) { return testHost, nil }
	l.systemPath = "/nonexistent/etc/hoursd/config.yaml"
	return l
}

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v (%T), want a *ValidationError", err, err)
	}
	return ve.Problems
}

func formatProblems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintln(&b, p)
	}
	return b.String()
}

// TestBadFixtures loads every file of testdata/bad and compares the
// problems with its .want file, one problem a line, in order.
func TestBadFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, ".want") {
			continue
		}
		n++
		t.Run(filepath.Base(name), func(t *testing.T) {
			cfg, loadErr := testLoader(fixtureEnv, fixtureFiles).load(name)
			if loadErr == nil {
				t.Fatalf("Load(%s) = %s, want problems", name, cfg.Summary())
			}
			got := formatProblems(problemsOf(t, loadErr))
			wantFile := strings.TrimSuffix(name, filepath.Ext(name)) + ".want"
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("no expectations: %v (run go test -update and review the file)", err)
			}
			if got != string(want) {
				t.Errorf("Load(%s) problems:\n%s\nwant:\n%s", name, got, want)
			}
			for _, secret := range []string{smtpPassword, discordWebhook, pushoverToken, "pg-secret-value", "hunter2", "SECRETPART", "sometoken"} {
				if strings.Contains(got, secret) || strings.Contains(loadErr.Error(), secret) {
					t.Errorf("Load(%s) reveals the secret %q:\n%s", name, secret, got)
				}
			}
		})
	}
	if n < 25 {
		t.Errorf("testdata/bad holds %d fixtures, want at least 25", n)
	}
}
