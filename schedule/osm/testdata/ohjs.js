// Evaluates opening_hours expressions with opening_hours.js, the reference
// implementation, for hoursd's differential tests and bench/osm-speed.sh.
//
// Usage: TZ=UTC node ohjs.js NODE_MODULES_DIR < request.json
// request: {"from": "2025-01-01", "days": 2191, "expressions": ["Mo-Fr 08:00-16:00", ...]}
// answer:  [{"error": "...", "days": ["08:00-16:00", "", ...]}, ...], one
// entry per expression, one string per day: the day's open intervals
// (unknown ones, which opening_hours.js gives rules with comments, count as
// open) cut at midnight, "HH:MM-HH:MM" joined by ",", "" when closed.
//
// With "bench": N in the request it instead evaluates the first expression's
// year N times in each of five rounds and prints the median round's
// {"ns_per_year": ...}.
//
// Run under TZ=UTC: opening_hours.js works in the process's local time, and
// UTC has no days of 23 or 25 hours.
'use strict';
const path = require('path');
const OpeningHours = require(path.join(process.argv[2], 'opening_hours'));

// Sweden, so that PH means the Swedish public holidays.
const nominatim = {lat: 59.33, lon: 18.07, address: {country_code: 'se', state: 'Stockholm'}};
const dayMs = 24 * 60 * 60 * 1000;

function hhmm(ms) {
  const m = Math.round(ms / 60000);
  return String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
}

function evaluate(expr, from, days) {
  let oh;
  try {
    oh = new OpeningHours(expr, nominatim, {tag_key: 'opening_hours'});
  } catch (err) {
    return {error: String(err), days: []};
  }
  const start = Date.parse(from + 'T00:00:00Z');
  const perDay = Array.from({length: days}, () => []);
  for (const [open, close] of oh.getOpenIntervals(new Date(start), new Date(start + days * dayMs))) {
    let a = open.getTime(), b = close.getTime();
    while (a < b) {
      const i = Math.floor((a - start) / dayMs);
      const dayStart = start + i * dayMs;
      const end = Math.min(b, dayStart + dayMs);
      const list = perDay[i];
      const o = a - dayStart, c = end - dayStart;
      // Join an interval to the one it touches, as hoursd merges hours.
      if (list.length && list[list.length - 1][1] >= o) {
        list[list.length - 1][1] = Math.max(list[list.length - 1][1], c);
      } else {
        list.push([o, c]);
      }
      a = end;
    }
  }
  return {days: perDay.map((l) => l.map(([o, c]) => hhmm(o) + '-' + hhmm(c)).join(','))};
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  if (req.bench) {
    const oh = new OpeningHours(req.expressions[0], nominatim, {tag_key: 'opening_hours'});
    const start = Date.parse(req.from + 'T00:00:00Z');
    const a = new Date(start), b = new Date(start + 365 * dayMs);
    oh.getOpenIntervals(a, b); // warm up
    // Five rounds, the median: the machine may be busy with other work.
    const rounds = [];
    for (let r = 0; r < 5; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < req.bench; i++) oh.getOpenIntervals(a, b);
      rounds.push(Number(process.hrtime.bigint() - t0) / req.bench);
    }
    rounds.sort((x, y) => x - y);
    process.stdout.write(JSON.stringify({ns_per_year: rounds[2]}) + '\n');
    return;
  }
  process.stdout.write(JSON.stringify(req.expressions.map((e) => evaluate(e, req.from, req.days))));
});
