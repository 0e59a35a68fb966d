package osm

import (
	"os"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// benchExpr is the expression bench/osm-speed.sh times in both hoursd and
// opening_hours.js; it may be replaced through HOURSD_BENCH_EXPR.
func benchExpr() string {
	if e := os.Getenv("HOURSD_BENCH_EXPR"); e != "" {
		return e
	}
	return kundcenterOSM
}

// BenchmarkYear evaluates a year of an opening_hours schedule (every date's
// hours, holidays computed afresh as each check does): what
// bench/osm-speed.sh sets beside opening_hours.js's getOpenIntervals for the
// same year.
func BenchmarkYear(b *testing.B) {
	s, err := fromRules(benchExpr())
	if err != nil {
		b.Fatal(err)
	}
	from := schedule.Date{Year: 2026, Month: time.January, Day: 1}
	b.ReportAllocs()
	for b.Loop() {
		if h := s.HoursFrom(from, 365); len(h) != 365 {
			b.Fatal(len(h))
		}
	}
}

// BenchmarkYearChanges is a year of changes (hours and regular hours of
// every date, seasons), what the daemon computes.
func BenchmarkYearChanges(b *testing.B) {
	s, err := fromRules(benchExpr())
	if err != nil {
		b.Fatal(err)
	}
	from := schedule.Date{Year: 2026, Month: time.January, Day: 1}
	b.ReportAllocs()
	for b.Loop() {
		s.Changes(from, 365)
	}
}

// BenchmarkParse reads the expression.
func BenchmarkParse(b *testing.B) {
	expr := benchExpr()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(expr); err != nil {
			b.Fatal(err)
		}
	}
}
