#!/usr/bin/env bash
# hoursd at scale, measured the way users run it: the built binary, its state
# on local disk, and a loopback webhook receiver (bench/sink).
#
#   bench/scale.sh [subscribers, default 10000] [pending at start, default 10000]
#
# For N subscribers, each with one webhook target, it prints:
#   0. `hoursd validate` of the configuration: what loading it costs, in
#      wall time and peak RSS, at every command's and every daemon's start;
#   1. one real `hoursd check` on Valborg's eve (every subscriber has news):
#      wall time from the command's start to its exit, deliveries per second,
#      peak RSS, and whether every target got its message exactly once;
#   2. the next check an hour later, with nothing new to say: wall time of
#      the command (its configuration loaded), and the time a running
#      daemon's own next check takes (hoursd run, "check done ... took");
#   3. the start of `hoursd run` with the N subscribers and P messages left
#      pending in the outbox (the receiver was down when they were queued):
#      the time from exec to READY=1 on the notify socket.
# The messages' subjects carry the subscriber (a top-level subject
# template), so that the receiver can count per target; a template also
# means every subscriber's message is rendered on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
pending=${2:-10000}
(( pending <= n )) || pending=$n
tmp=$(mktemp -d)
sink_pid=
run_pid=
cleanup() {
	[ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -trimpath -o "$tmp/hoursd" ./cmd/hoursd
go build -o "$tmp/sink" ./bench/sink
"$tmp/sink" -addr-file "$tmp/addr" -notify "$tmp/notify" >"$tmp/sink.out" 2>&1 &
sink_pid=$!
for _ in $(seq 100); do [ -s "$tmp/addr" ] && break; sleep 0.05; done
addr=$(cat "$tmp/addr")

# config.yaml with the first $2 subscribers of $1 (all by default)
write_config() {
	python3 - "$1" "$2" "$addr" "$tmp/state" >"$tmp/config.yaml" <<'PY'
import sys
n, upto, addr, state = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
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
for i in range(min(n, upto)):
    print(f"  - {{id: s{i}, schedules: [kundcenter], targets: [{{channel: hook}}]}}")
PY
}
stats() { curl -fsS "http://$addr/stats"; }
ctl() { curl -fsS -X POST "http://$addr/$1" >/dev/null; }

echo "hoursd at scale: $n subscribers, one webhook target each, loopback receiver; $(nproc) cores"
write_config "$n" "$n"

# 0. the configuration alone
/usr/bin/time -f '%e %M' -o "$tmp/time0" "$tmp/hoursd" validate --config "$tmp/config.yaml" >/dev/null 2>"$tmp/validate.err" \
	|| { tail -5 "$tmp/validate.err"; exit 1; }
read -r wall0 rss0 <"$tmp/time0"
echo "validate, the configuration alone: ${wall0} s wall, peak RSS $((rss0 / 1024)) MB ($(du -k "$tmp/config.yaml" | cut -f1) KiB of YAML)"

# 1. one real check on the eve of Valborg 2027 (Friday 30 April, 08:00-11:30)
/usr/bin/time -f '%e %M' -o "$tmp/time1" "$tmp/hoursd" check --config "$tmp/config.yaml" \
	--at 2027-04-29T18:00:00+02:00 >"$tmp/check1.out" 2>"$tmp/check1.err" || { tail -5 "$tmp/check1.err"; exit 1; }
read -r wall rss <"$tmp/time1"
s=$(stats)
echo "check, every subscriber told: ${wall} s wall, $(python3 -c "print(round($n/$wall))") deliveries/s, peak RSS $((rss / 1024)) MB; receiver: $s"
python3 -c "import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if s['distinct']==$n and s['duplicates']==0 else 1)" "$s" \
	|| { echo "FAIL: not every target got its message exactly once"; exit 1; }

# 2. the next check, nothing new to say
/usr/bin/time -f '%e %M' -o "$tmp/time2" "$tmp/hoursd" check --config "$tmp/config.yaml" \
	--at 2027-04-29T19:00:00+02:00 >"$tmp/check2.out" 2>"$tmp/check2.err"
read -r wall2 rss2 <"$tmp/time2"
echo "next check, nothing new: ${wall2} s wall, peak RSS $((rss2 / 1024)) MB ($(head -1 "$tmp/check2.out"))"

# 2b. the running daemon's next checks, nothing new to say: hoursd run on
# the same state, checking every 20 s; each "check done" line says how long
# the check took. The second is quoted: the first may overlap the catch-up
# the start makes.
sed 's/^schedules:/defaults: {check: "@every 20s"}\nschedules:/; s/^log: {level: warn}/log: {level: info}/' "$tmp/config.yaml" >"$tmp/every.yaml"
"$tmp/hoursd" run --config "$tmp/every.yaml" >/dev/null 2>"$tmp/every.err" &
run_pid=$!
for _ in $(seq 1200); do [ "$(grep -c '"check done"\|msg="check done"' "$tmp/every.err")" -ge 2 ] && break; sleep 0.1; done
kill "$run_pid"; wait "$run_pid" 2>/dev/null || true; run_pid=
took=$(grep 'check done' "$tmp/every.err" | sed -n 2p | grep -o 'took=[^ ]*' | cut -d= -f2)
[ -n "$took" ] || { echo "FAIL: hoursd run logged no second check in 2 minutes"; tail -5 "$tmp/every.err"; exit 1; }
echo "hoursd run's next check, nothing new, $n subscribers: $took"

# 3. start of hoursd run with $pending messages pending
rm -rf "$tmp/state"
ctl fail
write_config "$n" "$pending"
"$tmp/hoursd" check --config "$tmp/config.yaml" --at 2027-04-29T18:00:00+02:00 --retry-for 0 >/dev/null 2>&1 || true
write_config "$n" "$n"
: >"$tmp/sink.out"
start=$(date +%s%N)
NOTIFY_SOCKET="$tmp/notify" "$tmp/hoursd" run --config "$tmp/config.yaml" >"$tmp/run.out" 2>"$tmp/run.err" &
run_pid=$!
for _ in $(seq 600); do grep -q READY "$tmp/sink.out" && break; sleep 0.05; done
ready=$(awk '/READY/ {print $2; exit}' "$tmp/sink.out")
[ -n "$ready" ] || { echo "FAIL: hoursd run did not say READY=1 in 30 s"; tail -5 "$tmp/run.err"; exit 1; }
echo "hoursd run to READY=1 with $n subscribers and $pending pending: $(python3 -c "print(round(($ready - $start)/1e9, 2))") s"
kill "$run_pid"; wait "$run_pid" 2>/dev/null || true; run_pid=
