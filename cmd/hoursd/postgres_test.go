package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cliSchema is a fresh schema in the PostgreSQL of HOURSD_TEST_POSTGRES,
// dropped when the test ends, as a DSN; the test is skipped without one
// (and fails under CI, which always has one: .ci/install-postgres).
func cliSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("HOURSD_TEST_POSTGRES")
	switch {
	case base == "" && os.Getenv("CI") != "":
		t.Fatal("HOURSD_TEST_POSTGRES is not set, and CI must not skip the PostgreSQL tests")
	case base == "":
		t.Skip("HOURSD_TEST_POSTGRES is not set: no PostgreSQL to test against")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to HOURSD_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "hoursd_cli_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
			conn.Close(ctx)
		}
	})
	sep := "?"
	switch {
	case !strings.Contains(base, "://"):
		return base + " search_path=" + name
	case strings.Contains(base, "?"):
		sep = "&"
	}
	return base + sep + "search_path=" + name
}
