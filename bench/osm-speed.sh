#!/usr/bin/env bash
# Speed of evaluating a year of an opening_hours schedule: hoursd against
# opening_hours.js, the reference implementation, on the same expression,
# side by side in one run.
#
#   bench/osm-speed.sh ['EXPRESSION']
#
# The expression defaults to Försäkringskassan's customer centre (the
# kundcenter schedule of deploy/examples/opening-hours.yaml). hoursd's side
# is BenchmarkYear of schedule/osm: Schedule.HoursFrom for the 365 days of
# 2026, a fresh evaluator each time (holidays and Easter computed afresh).
# opening_hours.js's side is getOpenIntervals over the same year, timed
# inside node after a warm-up run (schedule/osm/testdata/ohjs.js).
# Both run single-threaded (go test -cpu 1; node runs JavaScript on one
# thread) and report the median of five runs, as the machine may be busy.
# It installs opening_hours.js with .ci/install-opening-hours unless
# HOURSD_TEST_OPENING_HOURS names a node_modules holding it. It prints both
# figures and their ratio, and exits 1 when hoursd is less than 1,000 times
# faster.
set -euo pipefail
cd "$(dirname "$0")/.."
expr=${1:-'Mo-Fr 08:00-16:00; 2025 Jun 30-2025 Aug 24 Mo-Fr 08:00-15:00 "Sommaröppettider"; PH off; easter -3 days Mo-Fr 08:00-11:30; Apr 30 Mo-Fr 08:00-11:30; Jun 19-25 Fr off; Oct 30-Nov 05 Fr 08:00-11:30; Dec 24 off; Dec 31 off'}
modules=${HOURSD_TEST_OPENING_HOURS:-$(.ci/install-opening-hours)}

echo "expression: $expr"
# One CPU for Go as node has one thread for JavaScript; five runs, the median.
go_ns=$(HOURSD_BENCH_EXPR="$expr" go test -run '^$' -bench '^BenchmarkYear$' -benchtime 1s -count 5 -cpu 1 ./schedule/osm/ |
	awk '/^BenchmarkYear/ { print $3 }' | sort -n | sed -n 3p)
[ -n "$go_ns" ] || { echo "osm-speed: no figure from go test -bench" >&2; exit 2; }

request=$(python3 -c 'import json,sys; print(json.dumps({"from": "2026-01-01", "bench": 20, "expressions": [sys.argv[1]]}))' "$expr")
js_ns=$(TZ=UTC node schedule/osm/testdata/ohjs.js "$modules" <<<"$request" |
	python3 -c 'import json,sys; print(round(json.load(sys.stdin)["ns_per_year"]))')

python3 - "$go_ns" "$js_ns" <<'PY'
import sys
go, js = float(sys.argv[1]), float(sys.argv[2])
ratio = js / go
print(f"hoursd (Go)          {go / 1e3:10.1f} µs per year")
print(f"opening_hours.js     {js / 1e3:10.1f} µs per year")
print(f"hoursd is {ratio:,.0f} times faster (goal: at least 1,000)")
sys.exit(0 if ratio >= 1000 else 1)
PY
