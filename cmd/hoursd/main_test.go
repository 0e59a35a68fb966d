package main

import (
	"os"
	"strings"
	"testing"
)

// TestMain runs the tests of hoursd's commands in an environment of their
// own. hoursd reads HOURSD_* over the configuration file, secrets from
// $CREDENTIALS_DIRECTORY and talks to systemd through $NOTIFY_SOCKET: set in
// the shell of whoever runs the tests, they would move a test's state
// directory out of its temporary directory, change its output, or send
// notifications to a real systemd. The tests that want them set them. Only
// HOURSD_TEST_POSTGRES, the database of the PostgreSQL tests, stays.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOURSD_TEST_POSTGRES": // the tests' database, not a setting of hoursd
		case strings.HasPrefix(k, "HOURSD_"),
			k == "CREDENTIALS_DIRECTORY", k == "NOTIFY_SOCKET", k == "WATCHDOG_USEC", k == "WATCHDOG_PID":
			os.Unsetenv(k)
		}
	}
	os.Exit(m.Run())
}
