package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hoursd/hoursd/config"
)

// pgSuite, while set, makes testConfig put each test's state in a
// PostgreSQL schema of its own instead of the state file: the shared suite
// (TestOnPostgres) runs the daemon's once-only tests on both backends.
var pgSuite *pgTestEnv

type pgTestEnv struct {
	t       *testing.T
	base    string
	schemas map[string]string // state dir → schema
}

// testPostgres is the database of the PostgreSQL tests, from
// HOURSD_TEST_POSTGRES; without it they are skipped, except under CI
// (.ci/run always sets it).
func testPostgres(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("HOURSD_TEST_POSTGRES")
	switch {
	case dsn == "" && os.Getenv("CI") != "":
		t.Fatal("HOURSD_TEST_POSTGRES is not set, and CI must not skip the PostgreSQL tests (.ci/install-postgres gives one)")
	case dsn == "":
		t.Skip("HOURSD_TEST_POSTGRES is not set: no PostgreSQL to test against")
	}
	return dsn
}

// newSchema makes an empty schema in the test database, dropped when the
// test ends, and returns a DSN that works in it.
func newSchema(t testing.TB, base string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to HOURSD_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	name := "hoursd_test_" + hex.EncodeToString(b)
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
	return withSearchPath(base, name)
}

func withSearchPath(dsn, schema string) string {
	switch {
	case !strings.Contains(dsn, "://"):
		return dsn + " search_path=" + schema
	case strings.Contains(dsn, "?"):
		return dsn + "&search_path=" + schema
	}
	return dsn + "?search_path=" + schema
}

// postgresFor is the postgres section of the configuration of the test
// whose state dir is dir, under pgSuite; nil otherwise.
func postgresFor(dir string) *config.Postgres {
	if pgSuite == nil {
		return nil
	}
	dsn, ok := pgSuite.schemas[dir]
	if !ok {
		dsn = newSchema(pgSuite.t, pgSuite.base)
		pgSuite.schemas[dir] = dsn
	}
	return &config.Postgres{DSN: dsn, Replica: "test", Lease: config.DefaultLease}
}

// TestOnPostgres runs the daemon's once-only suite with its state in
// PostgreSQL: announcements once, corrections and cancellations, catch-up,
// pending messages resent, pruning, same-day messages, DST, status.
func TestOnPostgres(t *testing.T) {
	base := testPostgres(t)
	suite := []struct {
		name string
		test func(*testing.T)
	}{
		{"Year", TestYear},
		{"YearWithRestarts", TestYearWithRestarts},
		{"CorrectionsAndCancellations", TestCorrectionsAndCancellations},
		{"ChannelDown", TestChannelDown},
		{"DST", TestDST},
		{"CatchUp", TestCatchUp},
		{"RenderedMessages", TestRenderedMessages},
		{"ReloadCatchesUp", TestReloadCatchesUp},
		{"KindFlip", TestKindFlip},
		{"ClockFromTheFuture", TestClockFromTheFuture},
		{"OrderPerTarget", TestOrderPerTarget},
		{"OnceAtEdges", TestOnceAtEdges},
		{"SameDay", TestSameDay},
		{"SameDayDue", TestSameDayDue},
		{"SameDayChannelDown", TestSameDayChannelDown},
		{"SameDayCorrection", TestSameDayCorrection},
		{"StaleOutboxSnapshot", TestStaleOutboxSnapshot},
		{"ConcurrentChecksTellOnce", TestConcurrentChecksTellOnce},
		{"Status", TestStatus},
		{"StatusJSONServed", TestStatusJSONServed},
		{"HealthOfEachSubscriber", TestHealthOfEachSubscriber},
		{"Plan", TestPlan},
	}
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			pgSuite = &pgTestEnv{t: t, base: base, schemas: map[string]string{}}
			defer func() { pgSuite = nil }()
			tc.test(t)
		})
	}
}
