package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Postgres is where the state lives when several replicas of hoursd share
// it: a PostgreSQL database instead of the state directory's file. A
// Config without a postgres section has a nil Postgres, and keeps its state
// in the embedded file.
type Postgres struct {
	// DSN is the connection string, a libpq keyword/value string or a
	// postgres:// URL, with the secret resolved (from dsn, ${NAME} or
	// dsn_file). It holds the password: String, GoString, LogValue and
	// MarshalJSON leave it out.
	DSN string
	// Replica is this replica's name in status and metrics: the
	// configured one, else the host name, else DefaultReplica.
	Replica string
	// Lease is how long a replica's claim on a message lasts unless it
	// is renewed, between MinLease and MaxLease.
	Lease time.Duration
}

// The postgres section's defaults and bounds; docs/configuration.md lists
// them too.
const (
	DefaultLease   = 30 * time.Second
	DefaultReplica = "hoursd" // when the host name cannot be had or is no id
	// MinLease keeps a replica from renewing its claims all the time.
	MinLease = time.Second
	// MaxLease bounds how long the messages of a replica that died wait
	// before another replica sends them.
	MaxLease = 10 * time.Minute
)

// String shows the section with the DSN masked, so that a Postgres that
// reaches a log line or an error by mistake does not carry the password.
func (p Postgres) String() string {
	return fmt.Sprintf("config.Postgres{DSN:%s, Replica:%q, Lease:%s}", redacted, p.Replica, p.Lease)
}

// GoString is String, for %#v.
func (p Postgres) GoString() string { return p.String() }

// LogValue is what slog logs for a Postgres (the JSON handler would
// otherwise marshal every exported field, the DSN included).
func (p Postgres) LogValue() slog.Value {
	return slog.GroupValue(slog.String("dsn", redacted), slog.String("replica", p.Replica), slog.Duration("lease", p.Lease))
}

// MarshalJSON writes the section with the DSN as ***.
func (p Postgres) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		DSN     string `json:"dsn"`
		Replica string `json:"replica"`
		Lease   string `json:"lease"`
	}{redacted, p.Replica, p.Lease.String()})
}

// rawPostgres is the postgres section as written. The replica is shown as
// written, not with the host name filled in: one file is usually shared by
// every replica, and `config show` of one of them must not name them all
// after it.
type rawPostgres struct {
	DSN     Secret `mapstructure:"dsn" yaml:"dsn,omitempty"`
	DSNFile string `mapstructure:"dsn_file" yaml:"dsn_file,omitempty"`
	Replica string `mapstructure:"replica" yaml:"replica,omitempty"`
	Lease   string `mapstructure:"lease" yaml:"lease"`
}

// buildPostgres checks the postgres section, resolves its DSN and fills in
// the defaults; c.Postgres stays nil without the section.
func (b *builder) buildPostgres(c *Config) {
	const p = "postgres"
	v, given := lookupFold(b.tree, []string{p})
	if given && v == nil {
		b.add(p, "is empty: give dsn or dsn_file, or remove the section to keep the state in the state directory")
		return
	}
	if b.failed(p) {
		return
	}
	r := b.raw.Postgres
	if r == nil {
		if !given || b.failedUnder(p) {
			// Not there, or a value in it of the wrong type, which the
			// decoder reported and which left the whole section out.
			return
		}
		// A mapping with nothing decodable in it ({}, or only nulls):
		// the section is there, and its dsn missing.
		r = &rawPostgres{}
		b.raw.Postgres = r
	}
	pg := &Postgres{Lease: DefaultLease}

	// A key given with nothing in it ("", ~) is most likely a variable a
	// template left unset; say so rather than "missing" or "not both".
	empty := false
	for k, want := range map[string]string{
		"dsn":      "the connection string (a postgres:// URL or host=… dbname=…), or \"${NAME}\" of the variable that holds it",
		"dsn_file": "the path of the file that holds the connection string",
	} {
		if v, ok := lookupFold(b.tree, []string{p, k}); ok && isEmpty(v) {
			b.add(join(p, k), "is empty: give %s", want)
			empty = true
		}
	}
	switch {
	case empty || b.failed(p, "dsn", "dsn_file"):
	case r.DSN == "" && r.DSNFile == "":
		b.add(join(p, "dsn"), "missing: the PostgreSQL connection string (dsn or dsn_file), e.g. dsn: \"${HOURSD_POSTGRES_DSN}\"")
	default:
		dsn := b.secrets.resolve(b.ps, p, "dsn", r.DSN, r.DSNFile)
		if dsn != "" {
			if _, err := pgconn.ParseConfig(dsn); err != nil {
				// pgconn's message quotes the DSN, masking the password
				// only as well as it can guess where it is.
				key := "dsn"
				if r.DSNFile != "" {
					key = "dsn_file"
				}
				b.add(join(p, key), "is not a %s that PostgreSQL's client can use (the reason is not shown: it would quote the connection string and its password)", describeDSN(dsn))
			}
		}
		pg.DSN = dsn
	}

	if r.Replica == "" {
		pg.Replica = DefaultReplica
		if h, err := b.hostname(); err == nil && isID(h) {
			pg.Replica = h
		}
	} else if !b.failed(join(p, "replica")) {
		switch {
		case len(r.Replica) > MaxIDLength:
			b.add(join(p, "replica"), "is %d characters long; at most %d are allowed", len(r.Replica), MaxIDLength)
		case !validID(r.Replica):
			b.add(join(p, "replica"), "replica name %q may only hold letters, digits, '.', '_' and '-'", r.Replica)
		}
		pg.Replica = r.Replica
	}

	if v, ok := lookupFold(b.tree, []string{p, "lease"}); ok && isEmpty(v) {
		b.add(join(p, "lease"), "is empty: give a value, or leave the key out for the default %s", DefaultLease)
	} else if r.Lease == "" {
		r.Lease = DefaultLease.String()
	} else if !b.failed(join(p, "lease")) {
		d, err := time.ParseDuration(r.Lease)
		switch {
		case err != nil:
			b.add(join(p, "lease"), "%q is not a duration such as 30s or 2m", r.Lease)
		case d < MinLease || d > MaxLease:
			b.add(join(p, "lease"), "%s is out of range: a lease lasts from %s to %s", r.Lease, MinLease, shortDuration(MaxLease))
		default:
			pg.Lease = d
		}
	}
	c.Postgres = pg
}

// isID says whether s may be used as an id.
func isID(s string) bool { return len(s) <= MaxIDLength && validID(s) }

// describeDSN names the form a connection string is written in, so that
// a message about it can say something without quoting it.
func describeDSN(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "postgres:// URL"
	}
	return "connection string"
}

// dsnHasPassword says whether a connection string written out in the file
// carries a password, and is then a secret written out: a DSN of a Unix
// socket with peer authentication holds nothing secret.
func dsnHasPassword(dsn string) bool {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if _, ok := u.User.Password(); ok {
			return true
		}
	}
	return strings.Contains(strings.ToLower(dsn), "password")
}

// shortDuration writes whole minutes as 10m rather than 10m0s.
func shortDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
