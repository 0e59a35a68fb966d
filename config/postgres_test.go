package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

// pgPassword is the password of the test DSNs; no output may show it.
const pgPassword = "Pg5ecretPassw0rd"

var (
	pgURL     = "postgres://hoursd:" + pgPassword + "@db.example.com:5432/hoursd?sslmode=require"
	pgKeyword = "host=db.example.com user=hoursd password=" + pgPassword + " dbname=hoursd"
)

const pgHead = "schedules: [{id: s, weekly: {}}]\n"

// TestPostgres checks what a good postgres section gives, and that a file
// without one keeps the state in the state directory (nil).
func TestPostgres(t *testing.T) {
	dir := t.TempDir()
	creds := t.TempDir()
	writeFile(t, creds, "postgres-dsn", pgURL+"\n")
	writeFile(t, dir, "dsn", pgKeyword+"\r\n")

	tests := []struct {
		name     string
		section  string
		env      map[string]string
		hostname func() (string, error)
		want     *Postgres
	}{
		{"no section", "", nil, nil, nil},
		{"a URL, the defaults", "postgres: {dsn: \"" + pgURL + "\"}", nil, nil,
			&Postgres{DSN: pgURL, Replica: testHost, Lease: 30 * time.Second}},
		{"a keyword DSN", "postgres: {dsn: \"" + pgKeyword + "\"}", nil, nil,
			&Postgres{DSN: pgKeyword, Replica: testHost, Lease: 30 * time.Second}},
		{"from the environment", "postgres: {dsn: \"${HOURSD_POSTGRES_DSN}\"}", map[string]string{"HOURSD_POSTGRES_DSN": pgURL}, nil,
			&Postgres{DSN: pgURL, Replica: testHost, Lease: 30 * time.Second}},
		{"from a file in CREDENTIALS_DIRECTORY", "postgres: {dsn_file: postgres-dsn}", map[string]string{"CREDENTIALS_DIRECTORY": creds}, nil,
			&Postgres{DSN: pgURL, Replica: testHost, Lease: 30 * time.Second}},
		{"from a file beside the configuration", "postgres: {dsn_file: dsn}", nil, nil,
			&Postgres{DSN: pgKeyword, Replica: testHost, Lease: 30 * time.Second}},
		{"replica and lease given", "postgres: {dsn: \"" + pgURL + "\", replica: node-2, lease: 2m}", nil, nil,
			&Postgres{DSN: pgURL, Replica: "node-2", Lease: 2 * time.Minute}},
		{"replica empty means the default", "postgres: {dsn: \"" + pgURL + "\", replica: \"\"}", nil, nil,
			&Postgres{DSN: pgURL, Replica: testHost, Lease: 30 * time.Second}},
		{"the shortest lease", "postgres: {dsn: \"" + pgURL + "\", lease: 1s}", nil, nil,
			&Postgres{DSN: pgURL, Replica: testHost, Lease: time.Second}},
		{"the longest lease", "postgres: {dsn: \"" + pgURL + "\", lease: 10m}", nil, nil,
			&Postgres{DSN: pgURL, Replica: testHost, Lease: 10 * time.Minute}},
		{"no host name", "postgres: {dsn: \"" + pgURL + "\"}", nil, func() (string, error) { return "", errors.New("no uname") }, nil},
		{"a host name that is no id", "postgres: {dsn: \"" + pgURL + "\"}", nil, func() (string, error) { return "my host", nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil && tt.section != "" {
				tt.want = &Postgres{DSN: pgURL, Replica: DefaultReplica, Lease: DefaultLease}
			}
			l := testLoader(tt.env, nil)
			if tt.hostname != nil {
				l.hostname = tt.hostname
			}
			cfg := mustLoad(t, l, writeFile(t, dir, "c.yaml", pgHead+tt.section+"\n"))
			switch {
			case tt.want == nil && cfg.Postgres != nil:
				t.Errorf("Postgres = %+v, want nil", *cfg.Postgres)
			case tt.want != nil && cfg.Postgres == nil:
				t.Errorf("Postgres = nil, want %+v", *tt.want)
			case tt.want != nil && *cfg.Postgres != *tt.want:
				t.Errorf("Postgres = {%q %q %s}, want {%q %q %s}", cfg.Postgres.DSN, cfg.Postgres.Replica, cfg.Postgres.Lease,
					tt.want.DSN, tt.want.Replica, tt.want.Lease)
			}
		})
	}
}

// TestPostgresProblems checks each mistake in the postgres section, at its
// key path, and that no problem quotes the connection string.
func TestPostgresProblems(t *testing.T) {
	creds := t.TempDir()
	writeFile(t, creds, "empty", "\n")
	env := map[string]string{"CREDENTIALS_DIRECTORY": creds, "EMPTY_DSN": ""}
	tests := []struct {
		name    string
		section string
		want    []Problem
	}{
		{"both dsn and dsn_file", "postgres: {dsn: \"" + pgURL + "\", dsn_file: dsn}",
			[]Problem{{"postgres.dsn", "give either dsn or dsn_file, not both"}}},
		{"neither", "postgres: {lease: 1m}",
			[]Problem{{"postgres.dsn", `missing: the PostgreSQL connection string (dsn or dsn_file), e.g. dsn: "${HOURSD_POSTGRES_DSN}"`}}},
		{"an empty section", "postgres:",
			[]Problem{{"postgres", "is empty: give dsn or dsn_file, or remove the section to keep the state in the state directory"}}},
		{"an empty mapping", "postgres: {}",
			[]Problem{{"postgres.dsn", `missing: the PostgreSQL connection string (dsn or dsn_file), e.g. dsn: "${HOURSD_POSTGRES_DSN}"`}}},
		{"dsn empty", "postgres: {dsn: \"\"}",
			[]Problem{{"postgres.dsn", `is empty: give the connection string (a postgres:// URL or host=… dbname=…), or "${NAME}" of the variable that holds it`}}},
		{"dsn null", "postgres: {dsn: ~}",
			[]Problem{{"postgres.dsn", `is empty: give the connection string (a postgres:// URL or host=… dbname=…), or "${NAME}" of the variable that holds it`}}},
		{"dsn_file empty", "postgres: {dsn_file: \" \"}",
			[]Problem{{"postgres.dsn_file", "is empty: give the path of the file that holds the connection string"}}},
		{"dsn not a string", "postgres: {dsn: [\"" + pgURL + "\"]}",
			[]Problem{{"postgres.dsn", "must be a string, not a list"}}},
		{"variable not set", "postgres: {dsn: \"${HOURSD_POSTGRES_DSN}\"}",
			[]Problem{{"postgres.dsn", "environment variable HOURSD_POSTGRES_DSN is not set"}}},
		{"variable empty", "postgres: {dsn: \"${EMPTY_DSN}\"}",
			[]Problem{{"postgres.dsn", "environment variable EMPTY_DSN is empty"}}},
		{"a file that cannot be read", "postgres: {dsn_file: postgres-dsn}",
			[]Problem{{"postgres.dsn_file", "cannot read secret file " + creds + "/postgres-dsn (in $CREDENTIALS_DIRECTORY): no such file or directory"}}},
		{"a file that is empty", "postgres: {dsn_file: empty}",
			[]Problem{{"postgres.dsn_file", "secret file " + creds + "/empty is empty"}}},
		{"a URL pgx cannot parse", "postgres: {dsn: \"postgres://hoursd:" + pgPassword + "@db:port/hoursd\"}",
			[]Problem{{"postgres.dsn", "is not a postgres:// URL that PostgreSQL's client can use (the reason is not shown: it would quote the connection string and its password)"}}},
		{"a keyword DSN pgx cannot parse", "postgres: {dsn: \"host=db password=" + pgPassword + " sslmode=sometimes\"}",
			[]Problem{{"postgres.dsn", "is not a connection string that PostgreSQL's client can use (the reason is not shown: it would quote the connection string and its password)"}}},
		{"a keyword DSN with a quote left open", "postgres: {dsn: \"host=db password='" + pgPassword + "\"}",
			[]Problem{{"postgres.dsn", "is not a connection string that PostgreSQL's client can use (the reason is not shown: it would quote the connection string and its password)"}}},
		{"a text around a variable", "postgres: {dsn: \"postgres://hoursd:${PW}@db/hoursd\"}",
			[]Problem{{"postgres.dsn", `only a whole value can name an environment variable ("${NAME}"): put all of the value in the variable`}}},
		{"lease too short", "postgres: {dsn: \"" + pgURL + "\", lease: 500ms}",
			[]Problem{{"postgres.lease", "500ms is out of range: a lease lasts from 1s to 10m"}}},
		{"lease too long", "postgres: {dsn: \"" + pgURL + "\", lease: 1h}",
			[]Problem{{"postgres.lease", "1h is out of range: a lease lasts from 1s to 10m"}}},
		{"lease negative", "postgres: {dsn: \"" + pgURL + "\", lease: -30s}",
			[]Problem{{"postgres.lease", "-30s is out of range: a lease lasts from 1s to 10m"}}},
		{"lease without a unit", "postgres: {dsn: \"" + pgURL + "\", lease: 30}",
			[]Problem{{"postgres.lease", `"30" is not a duration such as 30s or 2m`}}},
		{"lease empty", "postgres: {dsn: \"" + pgURL + "\", lease: \"\"}",
			[]Problem{{"postgres.lease", "is empty: give a value, or leave the key out for the default 30s"}}},
		{"lease a list", "postgres: {dsn: \"" + pgURL + "\", lease: [30s]}",
			[]Problem{{"postgres.lease", "must be a string, not a list"}}},
		{"replica not an id", "postgres: {dsn: \"" + pgURL + "\", replica: node 2}",
			[]Problem{{"postgres.replica", `replica name "node 2" may only hold letters, digits, '.', '_' and '-'`}}},
		{"replica too long", "postgres: {dsn: \"" + pgURL + "\", replica: " + strings.Repeat("n", 65) + "}",
			[]Problem{{"postgres.replica", "is 65 characters long; at most 64 are allowed"}}},
		{"an unknown key", "postgres: {dsn: \"" + pgURL + "\", leas: 1m}",
			[]Problem{{"postgres.leas", "unknown key (did you mean lease?)"}}},
		{"not a mapping", "postgres: \"" + pgURL + "\"",
			[]Problem{{"postgres", "must be a mapping of keys to values, not a string"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "c.yaml", pgHead+tt.section+"\n")
			_, err := testLoader(env, nil).load(file)
			ps := problemsOf(t, err)
			if !slices.Equal(ps, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", formatProblems(ps), formatProblems(tt.want))
			}
			if got := formatProblems(ps) + err.Error(); strings.Contains(got, pgPassword) {
				t.Errorf("the problems repeat the password:\n%s", got)
			}
		})
	}
}

// TestPostgresStaysHidden checks that no way of printing a loaded
// configuration shows the DSN's password, in either form of DSN.
func TestPostgresStaysHidden(t *testing.T) {
	for _, dsn := range []string{pgURL, pgKeyword} {
		t.Run(strings.Fields(dsn)[0], func(t *testing.T) {
			file := writeFile(t, t.TempDir(), "c.yaml", pgHead+"postgres: {dsn: \""+dsn+"\"}\n")
			cfg := mustLoad(t, testLoader(nil, nil), file)
			if cfg.Postgres.DSN != dsn {
				t.Fatalf("DSN = %q, want %q", cfg.Postgres.DSN, dsn)
			}
			out := show(t, cfg)
			if !strings.Contains(out, "\npostgres:\n  dsn: '***'\n  lease: 30s\n") {
				t.Errorf("Show lacks the postgres section with the DSN as ***:\n%s", out)
			}
			var printed []string
			printed = append(printed, out)
			for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
				printed = append(printed, fmt.Sprintf(f, *cfg.Postgres), fmt.Sprintf(f, cfg.Postgres))
			}
			js, err := json.Marshal(cfg.Postgres)
			if err != nil {
				t.Fatal(err)
			}
			printed = append(printed, string(js))
			var logged bytes.Buffer
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("start", "postgres", cfg.Postgres)
			slog.New(slog.NewTextHandler(&logged, nil)).Info("start", "postgres", *cfg.Postgres)
			printed = append(printed, logged.String())
			for _, p := range printed {
				if strings.Contains(p, pgPassword) || strings.Contains(p, "db.example.com") {
					t.Errorf("the DSN shows in %s", p)
				}
			}
			if want := `{"dsn":"***","replica":"test-host","lease":"30s"}`; string(js) != want {
				t.Errorf("json.Marshal = %s, want %s", js, want)
			}
		})
	}
}

// TestPostgresShow checks what `config show` prints of the section: a
// variable's name and a file's path as written (they say where the
// secret is, and load again as they are), the lease filled in, the
// replica as written.
func TestPostgresShow(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "dsn", pgURL+"\n")
	env := map[string]string{"HOURSD_POSTGRES_DSN": pgKeyword}
	tests := []struct{ section, want string }{
		{"postgres: {dsn: \"${HOURSD_POSTGRES_DSN}\"}", "postgres:\n  dsn: ${HOURSD_POSTGRES_DSN}\n  lease: 30s\n"},
		{"postgres: {dsn_file: dsn, replica: node-1, lease: 1m}", "postgres:\n  dsn_file: dsn\n  replica: node-1\n  lease: 1m\n"},
	}
	for _, tt := range tests {
		file := writeFile(t, dir, "c.yaml", pgHead+tt.section+"\n")
		first := show(t, mustLoad(t, testLoader(env, nil), file))
		if !strings.Contains(first, "\n"+tt.want) {
			t.Errorf("Show of %s:\n%s\nwant it to hold:\n%s", tt.section, first, tt.want)
		}
		again := writeFile(t, dir, "shown.yaml", first)
		if second := show(t, mustLoad(t, testLoader(env, nil), again)); second != first {
			t.Errorf("Show of the reloaded configuration:\n%s\nwant:\n%s", second, first)
		}
	}
}

// TestPostgresInlineSecret checks that a DSN written out with a password
// counts as a secret in the file, and one without a password or from a
// variable does not.
func TestPostgresInlineSecret(t *testing.T) {
	tests := []struct {
		dsn  string
		want []string
	}{
		{pgURL, []string{"postgres.dsn"}},
		{pgKeyword, []string{"postgres.dsn"}},
		{"host=/run/postgresql dbname=hoursd", nil},
		{"postgres://hoursd@db.example.com/hoursd", nil},
		{"${HOURSD_POSTGRES_DSN}", nil},
	}
	for _, tt := range tests {
		file := writeFile(t, t.TempDir(), "c.yaml", pgHead+"postgres: {dsn: \""+tt.dsn+"\"}\n")
		cfg := mustLoad(t, testLoader(map[string]string{"HOURSD_POSTGRES_DSN": pgURL}, nil), file)
		if got := cfg.InlineSecrets(); !slices.Equal(got, tt.want) {
			t.Errorf("InlineSecrets() with dsn %s = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}

// TestPostgresInEveryFormat checks that the section reads the same in
// YAML, TOML and JSON.
func TestPostgresInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"c.yaml": pgHead + "postgres: {dsn: \"" + pgURL + "\", replica: node-1, lease: 45s}\n",
		"c.toml": "[[schedules]]\nid = \"s\"\nweekly = {}\n[postgres]\ndsn = \"" + pgURL + "\"\nreplica = \"node-1\"\nlease = \"45s\"\n",
		"c.json": `{"schedules": [{"id": "s", "weekly": {}}], "postgres": {"dsn": "` + pgURL + `", "replica": "node-1", "lease": "45s"}}`,
	}
	want := Postgres{DSN: pgURL, Replica: "node-1", Lease: 45 * time.Second}
	for name, content := range files {
		cfg := mustLoad(t, testLoader(nil, nil), writeFile(t, dir, name, content))
		if cfg.Postgres == nil || *cfg.Postgres != want {
			t.Errorf("Postgres of %s = %v, want %v", name, cfg.Postgres, want)
		}
	}
}
