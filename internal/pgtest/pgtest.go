// Package pgtest gives hoursd's tests a PostgreSQL schema of their own in
// the database of HOURSD_TEST_POSTGRES (.ci/install-postgres provides one).
// Without the variable the tests are skipped; under CI, which always has a
// database, they fail instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// base is HOURSD_TEST_POSTGRES as the test binary found it: a package's
// TestMain may clear HOURSD_* before its tests run (cmd/hoursd does), and a
// package variable is read before any TestMain.
var base = os.Getenv("HOURSD_TEST_POSTGRES")

// DSN is the test database, HOURSD_TEST_POSTGRES; the test is skipped
// without it, and fails under CI.
func DSN(t testing.TB) string {
	t.Helper()
	switch {
	case base == "" && os.Getenv("CI") != "":
		t.Fatal("HOURSD_TEST_POSTGRES is not set, and CI must not skip the PostgreSQL tests (.ci/install-postgres gives one)")
	case base == "":
		t.Skip("HOURSD_TEST_POSTGRES is not set: no PostgreSQL to test against")
	}
	return base
}

// Schema makes an empty schema (prefix_<random>) in the test database and
// returns a DSN that works in it, and a function that drops it; it is also
// dropped when the test ends.
func Schema(t testing.TB, prefix string) (dsn string, drop func()) {
	t.Helper()
	db := DSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatalf("connect to HOURSD_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	drop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			conn, err := pgx.Connect(ctx, db)
			if err != nil {
				t.Errorf("drop schema %s: %v", name, err)
				return
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
				t.Errorf("drop schema %s: %v", name, err)
			}
		})
	}
	t.Cleanup(drop)
	return WithSearchPath(db, name), drop
}

// WithSearchPath is dsn (a URL or keyword/value string) with its
// search_path set to schema.
func WithSearchPath(dsn, schema string) string {
	switch {
	case !strings.Contains(dsn, "://"):
		return dsn + " search_path=" + schema
	case strings.Contains(dsn, "?"):
		return dsn + "&search_path=" + schema
	}
	return dsn + "?search_path=" + schema
}
