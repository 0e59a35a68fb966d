package daemon

import (
	"testing"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/internal/pgtest"
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

// testPostgres is the database of the PostgreSQL tests (internal/pgtest).
func testPostgres(t testing.TB) string { return pgtest.DSN(t) }

// newSchema makes an empty schema in the test database, dropped when the
// test ends, and returns a DSN that works in it.
func newSchema(t testing.TB, _ string) string {
	dsn, _ := pgtest.Schema(t, "hoursd_test")
	return dsn
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
