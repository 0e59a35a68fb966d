package main

import (
	"testing"

	"github.com/hoursd/hoursd/internal/pgtest"
)

// cliSchema is a fresh schema in the PostgreSQL of HOURSD_TEST_POSTGRES,
// dropped when the test ends, as a DSN (internal/pgtest: skipped without a
// database, failed under CI).
func cliSchema(t *testing.T) string {
	t.Helper()
	dsn, _ := pgtest.Schema(t, "hoursd_cli")
	return dsn
}
