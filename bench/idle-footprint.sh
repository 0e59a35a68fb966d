#!/usr/bin/env bash
# Idle footprint of `hoursd run`: resident memory after start, and how often
# the process wakes up while it waits for its next check.
#
#   bench/idle-footprint.sh [seconds to watch, default 30] [watchdog seconds]
#
# With a watchdog interval, hoursd runs as under systemd's WatchdogSec=
# (WATCHDOG_USEC set, no notify socket, so each ping goes nowhere): it wakes
# every half interval to ping, and those wake-ups are the only ones expected.
#
# It builds hoursd as the release does (static, trimmed), runs it on the
# built-in Försäkringskassan schedule with the console channel and the health
# listener on, waits for /healthz, then reads /proc/PID/status (VmRSS, VmHWM)
# and counts the context switches of all the process's threads over the
# watch window. Linux only.
set -euo pipefail
cd "$(dirname "$0")/.."
watch=${1:-30}
watchdog=${2:-}
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT

CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/hoursd" ./cmd/hoursd
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$tmp/config.yaml" <<YAML
timezone: Europe/Stockholm
state_dir: $tmp/state
log: {level: info, format: text}
http: {listen: "127.0.0.1:$port"}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
    holidays: {calendar: se, closed: true}
    named_days:
      - {day: valborgsmassoafton, hours: ["08:00-11:30"]}
      - {day: julafton, closed: true}
channels: [{id: console, type: console}]
subscribers:
  - {id: console, schedules: [kundcenter], check: "0 18 * * *", targets: [{channel: console}]}
YAML

if [ -n "$watchdog" ]; then
  export WATCHDOG_USEC=$((watchdog * 1000000))
  unset NOTIFY_SOCKET WATCHDOG_PID
fi
"$tmp/hoursd" run --config "$tmp/config.yaml" >"$tmp/out.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$tmp/out.log"; exit 1; }

switches() { cat /proc/"$pid"/task/*/status | awk '/_ctxt_switches/ {n += $2} END {print n}'; }
sleep 2 # let start-up settle before measuring
before=$(switches)
sleep "$watch"
after=$(switches)
grep -E '^(VmRSS|VmHWM|Threads)' /proc/"$pid"/status
echo "binary: $(du -h "$tmp/hoursd" | cut -f1)"
echo "context switches over ${watch}s idle: $((after - before)) (all threads)${watchdog:+, watchdog every ${watchdog}s: $((watch * 2 / watchdog)) pings expected}"
