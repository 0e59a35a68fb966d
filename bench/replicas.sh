#!/usr/bin/env bash
# Two replicas of hoursd on one PostgreSQL state, measured end to end: both
# `hoursd run` started at the same instant on the eve of a change, each
# subscriber with one webhook target on the loopback receiver (bench/sink).
#
#   bench/replicas.sh [subscribers, default 10000] [receiver delay, default 0s]
#
# The database is $HOURSD_TEST_POSTGRES, else the local default
# (postgres://postgres@127.0.0.1:5432/test?sslmode=disable); the state goes
# to a schema of its own, dropped at the end. Tomorrow (in Stockholm) is
# closed, and every subscriber's check is at midnight: the catch-up each
# replica makes at its start is the check that tells everyone, planned a
# chunk at a time by whichever replica gets there first, and sent by the one
# that planned it (the replicas have the default lease). It prints:
#   - deliveries per second, from the start of both replicas to the
#     receiver having every target (its own clock of the last first post);
#   - the duplicates the receiver got (0 wanted), and how the sends were
#     shared between the replicas;
#   - the peak RSS of each replica;
#   - where the time went: the CPU seconds of each replica and of the
#     PostgreSQL server processes of their sessions (when the server runs on
#     this machine), and the database's transactions per delivery.
# The messages' subjects carry the subscriber (a top-level subject template),
# so that the receiver can count per target.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
delay=${2:-0s}
base=${HOURSD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
schema=hoursd_bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
tmp=$(mktemp -d)
sink_pid=
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
	wait 2>/dev/null
	psql -qX "$base" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
sql() { psql -qAtX "$base" -c "$1"; }

# The change must still lie ahead when the replicas check: not too near
# midnight in Stockholm.
left=$(( $(TZ=Europe/Stockholm date -d 'tomorrow 00:00' +%s) - $(date +%s) ))
if (( left < 300 )); then
	echo "midnight in Stockholm is ${left}s away: run this again after it" >&2
	exit 1
fi
tomorrow=$(TZ=Europe/Stockholm date -d tomorrow +%F)

sql "CREATE SCHEMA $schema" >/dev/null
# The replicas' sessions are named after the schema, so that the CPU of the
# server processes that serve them can be told from other clients'.
case $base in
*\?*) dsn="$base&search_path=$schema&application_name=$schema" ;;
*://*) dsn="$base?search_path=$schema&application_name=$schema" ;;
*) dsn="$base search_path=$schema application_name=$schema" ;;
esac

CGO_ENABLED=0 go build -trimpath -o "$tmp/hoursd" ./cmd/hoursd
go build -o "$tmp/sink" ./bench/sink
"$tmp/sink" -addr-file "$tmp/addr" -delay "$delay" >"$tmp/sink.out" 2>&1 &
sink_pid=$!
for _ in $(seq 100); do [ -s "$tmp/addr" ] && break; sleep 0.05; done
addr=$(cat "$tmp/addr")

# config-<replica>.yaml: the same file for both but for the replica's name.
write_config() {
	python3 - "$n" "$addr" "$tmp/state-$1" "$1" "$tomorrow" >"$tmp/config-$1.yaml" <<'PY'
import sys
n, addr, state, replica, tomorrow = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
print(f"""timezone: Europe/Stockholm
state_dir: {state}
log: {{level: warn}}
http: {{listen: ""}}
postgres: {{dsn: "${{HOURSD_POSTGRES_DSN}}", replica: {replica}}}
defaults: {{check: "0 0 * * *", remind: [1]}}
templates: {{subject: "{{{{.Subject}}}} [{{{{.Subscriber}}}}]"}}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {{mon-sun: ["08:00-16:00"]}}
    exceptions:
      - {{date: {tomorrow}, closed: true, name: Inventering}}
channels:
  - {{id: hook, type: webhook, url: "http://{addr}/hook"}}
subscribers:""")
for i in range(n):
    print(f"  - {{id: s{i}, schedules: [kundcenter], targets: [{{channel: hook}}]}}")
PY
}
write_config a
write_config b
stats() { curl -fsS "http://$addr/stats"; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo "two replicas on PostgreSQL: $n subscribers, one webhook target each, loopback receiver (delay $delay); $(nproc) cores"
# CPU seconds of processes (clock ticks of /proc/PID/stat's utime and stime)
cpu() { awk -v hz="$(getconf CLK_TCK)" '{t += ($14 + $15) / hz} END {printf "%.1f", t}' $(printf '/proc/%s/stat ' "$@") 2>/dev/null || echo 0; }
# the server processes of the replicas' sessions, when the server runs here
pgcpu() {
	local p
	p=$(sql "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE application_name = '$schema'")
	[ -n "$p" ] && [ -e "/proc/${p%% *}" ] && echo "$(cpu $p) s" || echo "unknown (not on this machine)"
}
commits() { sql "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
x0=$(commits)
export HOURSD_POSTGRES_DSN=$dsn
start=$(date +%s%N)
"$tmp/hoursd" run --config "$tmp/config-a.yaml" >"$tmp/a.out" 2>"$tmp/a.err" &
pids+=($!)
"$tmp/hoursd" run --config "$tmp/config-b.yaml" >"$tmp/b.out" 2>"$tmp/b.err" &
pids+=($!)
unset HOURSD_POSTGRES_DSN

# every target reached, then nothing left pending (so the duplicates are final)
for _ in $(seq 6000); do
	[ "$(field "$(stats)" distinct)" -ge "$n" ] && break
	for i in 0 1; do
		kill -0 "${pids[$i]}" 2>/dev/null || { echo "FAIL: replica $i exited"; tail -5 "$tmp/a.err" "$tmp/b.err"; exit 1; }
	done
	sleep 0.5 # the figure is the receiver's clock; polling less leaves the cores to what is measured
done
s=$(stats)
[ "$(field "$s" distinct)" -ge "$n" ] || { echo "FAIL: $(field "$s" distinct) of $n targets reached in 10 minutes"; tail -5 "$tmp/a.err" "$tmp/b.err"; exit 1; }
for _ in $(seq 300); do
	[ "$(sql "SELECT count(*) FROM $schema.outbox WHERE state = 'pending'")" = 0 ] && break
	sleep 0.1
done
s=$(stats)
last=$(field "$s" last)
secs=$(python3 -c "print(round(($last - $start) / 1e9, 2))")
echo "all $n targets reached ${secs} s after both started: $(python3 -c "print(round($n / (($last - $start) / 1e9)))") deliveries/s end to end"
echo "duplicates: $(field "$s" duplicates) (receiver: $s)"
echo "sent by: $(sql "SELECT string_agg(sent_by || ' ' || c, ', ' ORDER BY sent_by) FROM (SELECT sent_by, count(*) c FROM $schema.outbox GROUP BY sent_by) x")"
echo "planned by: $(sql "SELECT string_agg(replica || ' ' || c, ', ' ORDER BY replica) FROM (SELECT replica, count(*) c FROM $schema.checks GROUP BY replica) x")"
for i in 0 1; do
	name=$([ $i = 0 ] && echo a || echo b)
	echo "replica $name: peak RSS $(( $(awk '/VmHWM/ {print $2}' "/proc/${pids[$i]}/status") / 1024 )) MB"
done
echo "CPU: replica a $(cpu "${pids[0]}") s, b $(cpu "${pids[1]}") s, receiver $(cpu "$sink_pid") s, PostgreSQL serving the replicas $(pgcpu); $(python3 -c "print(round(($(commits) - $x0) / $n, 1))") transactions per delivery (the database's, other clients' too)"
for p in "${pids[@]}"; do kill "$p"; done
for p in "${pids[@]}"; do wait "$p" || true; done
pids=()
python3 -c "import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if s['distinct']==$n and s['duplicates']==0 else 1)" "$(stats)" \
	|| { echo "FAIL: not every target got its message exactly once"; exit 1; }
