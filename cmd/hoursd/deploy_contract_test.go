package main

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestSystemdUnitContract checks the directives docs/deployment.md
// promises of deploy/systemd/hoursd.service, which the sandbox
// rating in .ci/run does not look at: hoursd speaks sd_notify (Type=notify
// with a watchdog), runs as a dynamic user, keeps its state and reads its
// configuration in the directories systemd makes for it, and reloads on
// SIGHUP.
func TestSystemdUnitContract(t *testing.T) {
	unit := readUnit(t, "../../deploy/systemd/hoursd.service")
	tests := []struct {
		key  string
		want func(string) bool
		says string
	}{
		{"Type", eq("notify"), "notify"},
		{"DynamicUser", eq("yes"), "yes"},
		{"StateDirectory", eq("hoursd"), "hoursd"},
		{"ConfigurationDirectory", eq("hoursd"), "hoursd"},
		{"WatchdogSec", func(v string) bool { return v != "" && v != "0" }, "a duration (hoursd sends WATCHDOG=1 from its loop)"},
		{"ExecStart", func(v string) bool { return strings.Contains(v, "hoursd run") }, "a `hoursd run` command line"},
		{"ExecReload", func(v string) bool { return strings.Contains(v, "HUP") }, "a SIGHUP to hoursd"},
		{"NoNewPrivileges", eq("yes"), "yes"},
		{"ProtectSystem", eq("strict"), "strict"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			values := unit[tt.key]
			if len(values) == 0 {
				t.Fatalf("hoursd.service has no %s=, want %s", tt.key, tt.says)
			}
			if got := values[len(values)-1]; !tt.want(got) {
				t.Errorf("hoursd.service: %s=%s, want %s", tt.key, got, tt.says)
			}
		})
	}
}

// TestSystemdCredentialsDropIn checks that the example drop-in hands
// secrets over with LoadCredential=, as docs/deployment.md says they are given.
func TestSystemdCredentialsDropIn(t *testing.T) {
	dropIn := readUnit(t, "../../deploy/systemd/hoursd.service.d/credentials.conf.example")
	creds := dropIn["LoadCredential"]
	if len(creds) == 0 {
		t.Fatal("credentials.conf.example has no LoadCredential= line")
	}
	names := make([]string, 0, len(creds))
	for _, c := range creds {
		name, _, _ := strings.Cut(c, ":")
		names = append(names, name)
	}
	if !slices.Contains(names, "pushover") {
		t.Errorf("credentials.conf.example loads %v, want the credential pushover that deploy/examples/forsakringskassan.yaml reads", names)
	}
}

// TestSystemdPostgresDropIn checks the drop-in of a replica on PostgreSQL
// (docs/deployment.md, "Two replicas on PostgreSQL"): it hands over the
// DSN under the credential name deploy/examples/replicas.yaml reads, keeps
// systemd restarting hoursd however long the database is away (hoursd
// cannot start without it), and changes nothing else of the unit but the
// restart delay, so the sandbox stays the one CI rates.
func TestSystemdPostgresDropIn(t *testing.T) {
	unit := readUnit(t, "../../deploy/systemd/hoursd.service")
	dropIn := readUnit(t, "../../deploy/systemd/hoursd.service.d/postgres.conf.example")
	dsn := exampleDSNFile(t)
	if !slices.ContainsFunc(dropIn["LoadCredential"], func(c string) bool { return strings.HasPrefix(c, dsn+":") }) {
		t.Errorf("postgres.conf.example loads %v, want the credential %s that deploy/examples/replicas.yaml reads as postgres.dsn_file", dropIn["LoadCredential"], dsn)
	}
	if got := dropIn["StartLimitIntervalSec"]; !slices.Equal(got, []string{"0"}) {
		t.Errorf("postgres.conf.example: StartLimitIntervalSec=%v, want 0: the unit's start limit would stop restarting a replica during a database outage", got)
	}
	for key := range dropIn {
		switch key {
		case "LoadCredential", "LoadCredentialEncrypted", "StartLimitIntervalSec", "RestartSec", "After", "Wants":
		default:
			if _, ok := unit[key]; ok {
				t.Errorf("postgres.conf.example overrides the unit's %s=, which the drop-in must leave as the unit has it", key)
			}
		}
	}
}

// readUnit reads a systemd unit file into its directives, each key with its
// values in file order (comments and section headers left out).
func readUnit(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("reading the unit: %v", err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("%s: %q is not a key=value line", path, line)
			continue
		}
		out[strings.TrimSpace(k)] = append(out[strings.TrimSpace(k)], strings.TrimSpace(v))
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return out
}

func eq(want string) func(string) bool {
	return func(v string) bool { return v == want }
}
