#!/usr/bin/env bash
# The crash window, measured: how many messages hoursd repeats when it is
# killed (kill -9) in the middle of a fan-out.
#
#   bench/kill-trial.sh [kills, default 20] [subscribers, default 10000]
#
# Each trial starts from a fresh state: `hoursd check` on Valborg's eve to N
# subscribers (one webhook target each, the loopback receiver of bench/sink),
# killed with SIGKILL at a random moment of the fan-out (50 ms to N/4000 s
# after its start), then `hoursd check` again at
# the same instant, which plans nothing new and sends what the first left
# pending. The receiver then must have every target once at least (nothing
# lost); what it got more than once was repeated, and a message is repeated
# only when the kill fell between its channel accepting it and the batched
# write that marks it sent. It prints the repeats of each kill and their
# mean and maximum.
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-20}
n=${2:-10000}
tmp=$(mktemp -d)
sink_pid=
cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -trimpath -o "$tmp/hoursd" ./cmd/hoursd
go build -o "$tmp/sink" ./bench/sink
"$tmp/sink" -addr-file "$tmp/addr" >/dev/null 2>&1 &
sink_pid=$!
for _ in $(seq 100); do [ -s "$tmp/addr" ] && break; sleep 0.05; done
addr=$(cat "$tmp/addr")

python3 - "$n" "$addr" "$tmp/state" >"$tmp/config.yaml" <<'PY'
import sys
n, addr, state = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print(f"""timezone: Europe/Stockholm
state_dir: {state}
log: {{level: warn}}
http: {{listen: ""}}
templates: {{subject: "{{{{.Subject}}}} [{{{{.Subscriber}}}}]"}}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {{mon-fri: ["08:00-16:00"]}}
    holidays: {{calendar: se, closed: true}}
    named_days:
      - {{day: valborgsmassoafton, hours: ["08:00-11:30"]}}
channels:
  - {{id: hook, type: webhook, url: "http://{addr}/hook"}}
subscribers:""")
for i in range(n):
    print(f"  - {{id: s{i}, schedules: [kundcenter], targets: [{{channel: hook}}]}}")
PY
stats() { curl -fsS "http://$addr/stats"; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo "kill trial: $kills kills of hoursd check during a fan-out to $n webhook targets"
total_dups=0
max_dups=0
for k in $(seq "$kills"); do
	rm -rf "$tmp/state"
	curl -fsS -X POST "http://$addr/reset" >/dev/null
	"$tmp/hoursd" check --config "$tmp/config.yaml" --at 2027-04-29T18:00:00+02:00 >/dev/null 2>&1 &
	pid=$!
	sleep "$(python3 -c "import random; print(round(random.uniform(0.05, max(0.8, $n / 4000)), 3))")"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	before=$(field "$(stats)" total)
	"$tmp/hoursd" check --config "$tmp/config.yaml" --at 2027-04-29T18:00:00+02:00 >/dev/null 2>&1 || true
	s=$(stats)
	distinct=$(field "$s" distinct)
	dups=$(field "$s" duplicates)
	if [ "$distinct" -ne "$n" ]; then
		echo "FAIL: kill $k lost messages: $distinct of $n targets reached"
		exit 1
	fi
	echo "kill $k: $before delivered before the kill, $dups repeated after the restart"
	total_dups=$((total_dups + dups))
	((dups > max_dups)) && max_dups=$dups
done
echo "nothing lost in $kills kills; repeats per kill: mean $(python3 -c "print(round($total_dups/$kills, 1))"), max $max_dups (at most $(grep -o 'MaxInFlight = [0-9]*' daemon/outbox.go | cut -d' ' -f3) sends are in flight at once)"
