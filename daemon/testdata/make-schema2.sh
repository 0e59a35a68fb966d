#!/usr/bin/env bash
# Makes schema2.db: a state file written by hoursd at commit cc09f9f (the
# last of schema 2), for TestMigrateSchema2. It holds what a year of use
# leaves: messages sent, pending (a target whose server refuses
# connections, after one attempt), failed (a server that answers 400),
# announcements told a week and a day ahead, a correction, a period's
# start with its weekly hours, a cancellation, and each subscriber's runs.
#
#   daemon/testdata/make-schema2.sh OLD-HOURSD-BINARY
#
# (git worktree add /tmp/old cc09f9f && (cd /tmp/old && go build -o /tmp/old-hoursd ./cmd/hoursd))
set -euo pipefail
old=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$here/../.."
go build -o "$tmp/sink" ./bench/sink
"$tmp/sink" -addr-file "$tmp/addr" >/dev/null 2>&1 &
python3 - "$tmp/refuse" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.send_response(400); self.end_headers(); self.wfile.write(b"no such hook")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write("127.0.0.1:%d" % s.server_port)
s.serve_forever()
PY
for _ in $(seq 100); do [ -s "$tmp/addr" ] && [ -s "$tmp/refuse" ] && break; sleep 0.05; done
ok=$(cat "$tmp/addr") bad=$(cat "$tmp/refuse")

# config VALBORG [extra schedule lines]
config() {
	cat <<YAML
timezone: Europe/Stockholm
state_dir: $tmp/state
log: {level: warn}
http: {listen: ""}
defaults: {remind: [1]}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
    holidays: {calendar: se, closed: true}
    named_days:
      - {day: valborgsmassoafton, hours: ["$1"]}
      - {day: midsommarafton, closed: true}
$2
channels:
  - {id: ok, type: webhook, url: "http://$ok/hook"}
  - {id: down, type: webhook, url: "http://127.0.0.1:1/hook"}
  - {id: refuses, type: webhook, url: "http://$bad/hook"}
subscribers:
  - {id: anna, language: sv, schedules: [kundcenter], remind: [7, 1], targets: [{channel: ok}, {channel: down}]}
  - {id: bo, language: en, schedules: [kundcenter], targets: [{channel: refuses}]}
  - {id: cilla, language: sv, schedules: [kundcenter], remind: [0, 1], targets: [{channel: ok}]}
YAML
}
summer='    periods:
      - {name: Sommaröppettider, from: 2027-06-28, to: 2027-08-22, weekly: {mon-fri: ["08:00-15:00"]}}'
training="$summer"'
    exceptions:
      - {date: 2027-06-30, name: Utbildningsdag, name_en: Training day, closed: true}'
check() { "$old" check --config "$tmp/config.yaml" --retry-for 0 --at "$1" >"$tmp/out" 2>&1 || grep -q "not sent" "$tmp/out" || { cat "$tmp/out"; exit 1; }; }

config 08:00-11:30 "" >"$tmp/config.yaml"
check 2027-04-23T18:00:00+02:00 # a week before Valborg
check 2027-04-29T18:00:00+02:00 # the eve
config 08:00-12:00 "" >"$tmp/config.yaml"
check 2027-04-29T19:00:00+02:00 # corrected
config 08:00-12:00 "$summer" >"$tmp/config.yaml"
check 2027-06-18T18:00:00+02:00 # Midsommar a week ahead
check 2027-06-21T18:00:00+02:00 # the summer hours a week ahead
config 08:00-12:00 "$training" >"$tmp/config.yaml"
check 2027-06-23T18:00:00+02:00 # the training day a week ahead
config 08:00-12:00 "$summer" >"$tmp/config.yaml"
check 2027-06-24T18:00:00+02:00 # the training day cancelled; Midsommar's eve
cp "$tmp/state/hoursd.db" "$here/schema2.db"
echo "wrote $here/schema2.db"
