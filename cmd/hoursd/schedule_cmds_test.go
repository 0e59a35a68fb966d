package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
)

// testSchedule builds a schedule in Go from weekly hours for Monday to
// Friday, the Swedish public holidays closed, and named days given as
// "id=HH:MM-HH:MM" or "id=closed".
func testSchedule(t *testing.T, id, weekdays string, named ...string) *schedule.Schedule {
	t.Helper()
	s := &schedule.Schedule{ID: id, Title: "Test " + id, Holidays: &schedule.Holidays{Calendar: "se", Closed: true}}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		s.Weekly[wd] = hours(t, weekdays)
	}
	for _, n := range named {
		day, h, _ := strings.Cut(n, "=")
		nd := schedule.NamedDay{Day: day, Closed: h == "closed"}
		if !nd.Closed {
			nd.Hours = hours(t, h)
		}
		s.NamedDays = append(s.NamedDays, nd)
	}
	return s
}

func hours(t *testing.T, ss ...string) schedule.Hours {
	t.Helper()
	h, err := schedule.ParseHours(ss)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func validate(t *testing.T, ss ...*schedule.Schedule) []*schedule.Schedule {
	t.Helper()
	for _, s := range ss {
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	return ss
}

// useBuiltInDefault makes config.Load("") find the built-in default
// configuration (config/default.yaml), as hoursd does on a machine without
// a configuration file, whatever the environment of the test says.
func useBuiltInDefault(t *testing.T) {
	t.Helper()
	for _, k := range []string{"HOURSD_CONFIG", "HOURSD_TIMEZONE"} {
		t.Setenv(k, "")
	}
	if _, err := os.Stat(config.SystemPath); err == nil {
		msg := config.SystemPath + " exists; this test needs the built-in default"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; CI is set, so this is a failure, not a skip")
		}
		t.Skip(msg)
	}
}

// kundcenter is the kundcenter schedule of the built-in default
// configuration, loaded as hoursd loads it.
func kundcenter(t *testing.T) *schedule.Schedule {
	t.Helper()
	useBuiltInDefault(t)
	cfg, err := config.Load("")
	if err != nil {
		t.Fatalf("config.Load(\"\"): %v", err)
	}
	if cfg.Source != config.DefaultSource {
		t.Fatalf("config.Load(\"\") loaded %s, want the %s", cfg.Source, config.DefaultSource)
	}
	s := cfg.Schedule("kundcenter")
	if s == nil {
		t.Fatal("the built-in default has no schedule kundcenter")
	}
	return s
}

// jsonLine is one change as docs/schedule.md prints it.
func jsonLine(sched, date, kind, name, until, hours, regular string) string {
	iv := func(h string) string {
		if h == "" {
			return "[]"
		}
		open, close, _ := strings.Cut(h, "-")
		return fmt.Sprintf(`[{"open":%q,"close":%q}]`, open, close)
	}
	if until != "" {
		until = fmt.Sprintf(`"until":%q,`, until)
	}
	return fmt.Sprintf(`{"schedule":%q,"date":%q,"kind":%q,"name":%q,%s"hours":%s,"regular":%s}`,
		sched, date, kind, name, until, iv(hours), iv(regular))
}

// withWeek adds a period's week keys to the end of a jsonLine.
func withWeek(line, weeks string) string {
	return strings.TrimSuffix(line, "}") + "," + weeks + "}"
}

// weekdaysJSON is a week open Monday to Friday from open to close, as
// upcoming writes it.
func weekdaysJSON(open, close string) string {
	day := fmt.Sprintf(`[{"open":%q,"close":%q}]`, open, close)
	return `{"mon":` + day + `,"tue":` + day + `,"wed":` + day + `,"thu":` + day + `,"fri":` + day + `,"sat":[],"sun":[]}`
}

// jsonArray joins lines as docs/schedule.md shows the array.
func jsonArray(lines ...string) string {
	return "[" + strings.Join(lines, ",\n ") + "]\n"
}

// kundcenter2026 is every change of the built-in schedule in 2026.
var kundcenter2026 = jsonArray(
	jsonLine("kundcenter", "2026-01-01", "day", "Nyårsdagen", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-01-06", "day", "Trettondedag jul", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-04-02", "day", "Skärtorsdagen", "", "08:00-11:30", "08:00-16:00"),
	jsonLine("kundcenter", "2026-04-03", "day", "Långfredagen", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-04-06", "day", "Annandag påsk", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-04-30", "day", "Valborgsmässoafton", "", "08:00-11:30", "08:00-16:00"),
	jsonLine("kundcenter", "2026-05-01", "day", "Första maj", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-05-14", "day", "Kristi himmelsfärdsdag", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-06-19", "day", "Midsommarafton", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-10-30", "day", "Dag före alla helgons dag", "", "08:00-11:30", "08:00-16:00"),
	jsonLine("kundcenter", "2026-12-24", "day", "Julafton", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-12-25", "day", "Juldagen", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2026-12-31", "day", "Nyårsafton", "", "", "08:00-16:00"),
)

func TestUpcomingJSON(t *testing.T) {
	library := validate(t, testSchedule(t, "bibliotek", "10:00-19:00", "valborgsmassoafton=10:00-15:00"))[0]
	tests := []struct {
		name   string
		scheds []*schedule.Schedule
		from   string
		days   int
		want   string
	}{
		{
			name:   "kundcenter 2026",
			scheds: []*schedule.Schedule{kundcenter(t)},
			from:   "2026-01-01", days: 365,
			want: kundcenter2026,
		},
		{
			name:   "summer 2025: period-start has until, period-end not",
			scheds: []*schedule.Schedule{kundcenter(t)},
			from:   "2025-06-20", days: 70,
			want: jsonArray(
				jsonLine("kundcenter", "2025-06-20", "day", "Midsommarafton", "", "", "08:00-16:00"),
				// A period carries its whole week, not only its first
				// open weekday's hours.
				withWeek(jsonLine("kundcenter", "2025-06-30", "period-start", "Sommaröppettider", "2025-08-24", "08:00-15:00", "08:00-16:00"),
					`"week":`+weekdaysJSON("08:00", "15:00")+`,"regular_week":`+weekdaysJSON("08:00", "16:00")),
				withWeek(jsonLine("kundcenter", "2025-08-25", "period-end", "Sommaröppettider", "", "08:00-16:00", "08:00-16:00"),
					`"week":`+weekdaysJSON("08:00", "16:00")),
			),
		},
		{
			name:   "date order across schedules",
			scheds: []*schedule.Schedule{kundcenter(t), library},
			from:   "2026-04-29", days: 3,
			want: jsonArray(
				jsonLine("kundcenter", "2026-04-30", "day", "Valborgsmässoafton", "", "08:00-11:30", "08:00-16:00"),
				jsonLine("bibliotek", "2026-04-30", "day", "Valborgsmässoafton", "", "10:00-15:00", "10:00-19:00"),
				jsonLine("kundcenter", "2026-05-01", "day", "Första maj", "", "", "08:00-16:00"),
				jsonLine("bibliotek", "2026-05-01", "day", "Första maj", "", "", "10:00-19:00"),
			),
		},
		{
			name:   "no changes is an empty array",
			scheds: []*schedule.Schedule{kundcenter(t)},
			from:   "2026-06-01", days: 10,
			want: "[]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, err := schedule.ParseDate(tt.from)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := writeUpcoming(&out, tt.scheds, from, tt.days, "json"); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("upcoming --from %s --days %d --format json =\n%s\nwant\n%s", tt.from, tt.days, out.String(), tt.want)
			}
			var parsed []map[string]any
			if err := json.Unmarshal(out.Bytes(), &parsed); err != nil {
				t.Errorf("output is not JSON: %v", err)
			}
		})
	}
}

func TestUpcomingText(t *testing.T) {
	s := kundcenter(t)
	s.Exceptions = []schedule.Exception{{From: schedule.Date{Year: 2025, Month: 8, Day: 29}, To: schedule.Date{Year: 2025, Month: 8, Day: 29}, Hours: hours(t, "10:00-12:00")}}
	library := validate(t, s, testSchedule(t, "bibliotek", "10:00-19:00"))
	var out bytes.Buffer
	if err := writeUpcoming(&out, library, schedule.Date{Year: 2025, Month: 6, Day: 19}, 72, "text"); err != nil {
		t.Fatal(err)
	}
	want := `Försäkringskassan kundcenter (kundcenter), 0771-524 524
Days that differ from the usual hours, Thu 2025-06-19 to Fri 2025-08-29:
  DAY  DATE        NAME                                      HOURS                USUAL
  Fri  2025-06-20  Midsommarafton (Midsummer Eve)            closed               08:00-16:00
  Mon  2025-06-30  Sommaröppettider, until Sun 2025-08-24    mon-fri 08:00-15:00  mon-fri 08:00-16:00
  Mon  2025-08-25  Sommaröppettider over, usual hours again  mon-fri 08:00-16:00
  Fri  2025-08-29  (no name)                                 10:00-12:00          08:00-16:00

Test bibliotek (bibliotek)
Days that differ from the usual hours, Thu 2025-06-19 to Fri 2025-08-29:
  none
`
	if out.String() != want {
		t.Errorf("upcoming text =\n%s\nwant\n%s", out.String(), want)
	}
}

func TestDayOutput(t *testing.T) {
	tests := []struct {
		date string
		want string
	}{
		{"2026-04-30", `Thursday 2026-04-30

Försäkringskassan kundcenter (kundcenter), 0771-524 524
  hours: 08:00-11:30
  usual: 08:00-16:00
  name:  Valborgsmässoafton (Walpurgis Night)
  rule:  named_days[1] (valborgsmassoafton)
`},
		{"2025-07-02", `Wednesday 2025-07-02

Försäkringskassan kundcenter (kundcenter), 0771-524 524
  hours: 08:00-15:00
  usual: 08:00-15:00
  name:  Sommaröppettider
  rule:  periods[0] "Sommaröppettider" (2025-06-30..2025-08-24), wed
`},
		{"2026-03-29", `Sunday 2026-03-29

Försäkringskassan kundcenter (kundcenter), 0771-524 524
  hours: closed
  usual: closed
  rule:  weekly (sun)
`},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d, _ := schedule.ParseDate(tt.date)
			var out bytes.Buffer
			if err := writeDay(&out, []*schedule.Schedule{kundcenter(t)}, d); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("day --date %s =\n%s\nwant\n%s", tt.date, out.String(), tt.want)
			}
		})
	}
}

func TestDateFlagDefaults(t *testing.T) {
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatalf("load Europe/Stockholm (main.go embeds time/tzdata): %v", err)
	}
	tests := []struct {
		name   string
		now    time.Time
		offset int
		want   string
	}{
		{"tomorrow, already the 29th in Stockholm", time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), 1, "2026-03-30"},
		{"today, still the 28th in Stockholm", time.Date(2026, 3, 28, 22, 30, 0, 0, time.UTC), 0, "2026-03-28"},
		{"tomorrow over the autumn DST change", time.Date(2026, 10, 24, 21, 59, 0, 0, time.UTC), 1, "2026-10-25"},
		{"tomorrow over the year end", time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), 1, "2027-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dateFlag("from", "", sthlm, tt.now, tt.offset)
			if err != nil || got.String() != tt.want {
				t.Errorf("dateFlag(now %v, +%d) = %v, %v; want %s", tt.now, tt.offset, got, err, tt.want)
			}
		})
	}
}

// runHoursd runs the command line as main does, with the built-in default
// configuration.
func runHoursd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	useBuiltInDefault(t)
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestScheduleCommandsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"impossible date", []string{"upcoming", "--from", "2026-02-30"}, `upcoming: --from: date "2026-02-30": February 2026 has no day 30`},
		{"malformed date", []string{"day", "--date", "30/4"}, `day: --date: date "30/4" is not YYYY-MM-DD`},
		{"negative days", []string{"upcoming", "--days", "-1"}, "upcoming: --days -1: the window must be at least 1 day"},
		{"days not a number", []string{"upcoming", "--days", "many"}, `invalid argument "many" for "--days"`},
		{"past year 9999", []string{"upcoming", "--from", "9999-12-01", "--days", "40"}, "upcoming: --days 40 from 9999-12-01 goes past 9999-12-31"},
		{"a billion days", []string{"upcoming", "--from", "2026-01-01", "--days", "999999999"}, "upcoming: --days 999999999 from 2026-01-01 goes past 9999-12-31"},
		{"days beyond int64", []string{"upcoming", "--days", "99999999999999999999"}, `invalid argument "99999999999999999999" for "--days"`},
		{"empty from", []string{"upcoming", "--from", ""}, "upcoming: --from is empty; give a date YYYY-MM-DD, or leave the flag out for tomorrow"},
		{"empty date", []string{"day", "--date="}, "day: --date is empty; give a date YYYY-MM-DD, or leave the flag out for today"},
		{"impossible date for day", []string{"day", "--date", "2026-02-30"}, `day: --date: date "2026-02-30": February 2026 has no day 30`},
		{"unknown schedule", []string{"upcoming", "--schedule", "nope"}, `upcoming: --schedule "nope": no such schedule in built-in default (known: kundcenter)`},
		{"unknown schedule for day", []string{"day", "--schedule", "nope"}, `day: --schedule "nope"`},
		{"unknown format", []string{"upcoming", "--format", "xml"}, `upcoming: --format "xml" is not text or json`},
		{"an argument", []string{"day", "2026-04-30"}, `day takes no arguments, got ["2026-04-30"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runHoursd(t, tt.args...)
			if code != 2 {
				t.Errorf("hoursd %s exited %d, want 2", strings.Join(tt.args, " "), code)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("hoursd %s printed %q, want %q", strings.Join(tt.args, " "), errOut, tt.want)
			}
			if out != "" || strings.Contains(errOut, "goroutine") {
				t.Errorf("hoursd %s printed %q on stdout and %q on stderr; want only the error", strings.Join(tt.args, " "), out, errOut)
			}
		})
	}
}

// kundcenter2027 is every change of the built-in schedule in 2027, from the
// almanac: Easter is 28 March, Midsommarafton 25 June, Alla helgons dag
// 6 November; Första maj, Nationaldagen, Juldagen and Annandag jul fall on
// weekends and are no change.
var kundcenter2027 = jsonArray(
	jsonLine("kundcenter", "2027-01-01", "day", "Nyårsdagen", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2027-01-06", "day", "Trettondedag jul", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2027-03-25", "day", "Skärtorsdagen", "", "08:00-11:30", "08:00-16:00"),
	jsonLine("kundcenter", "2027-03-26", "day", "Långfredagen", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2027-03-29", "day", "Annandag påsk", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2027-04-30", "day", "Valborgsmässoafton", "", "08:00-11:30", "08:00-16:00"),
	jsonLine("kundcenter", "2027-05-06", "day", "Kristi himmelsfärdsdag", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2027-06-25", "day", "Midsommarafton", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2027-11-05", "day", "Dag före alla helgons dag", "", "08:00-11:30", "08:00-16:00"),
	jsonLine("kundcenter", "2027-12-24", "day", "Julafton", "", "", "08:00-16:00"),
	jsonLine("kundcenter", "2027-12-31", "day", "Nyårsafton", "", "", "08:00-16:00"),
)

// seedLines2025 is every line of "Följande dagar 2025 har avvikande
// öppettider" on the seed page (../shared/seed/forsakringskassan-kundcenter.txt),
// with the change hoursd must report for it. Where the page's words differ
// from the catalogue's name (Trettondagen, 1 maj), the catalogue's is given.
var seedLines2025 = []struct {
	line, date, name, hours string // hours "" is closed
}{
	{"Nyårsdagen 1 januari, stängt", "2025-01-01", "Nyårsdagen", ""},
	{"Trettondagen 6 januari, stängt", "2025-01-06", "Trettondedag jul", ""},
	{"Skärtorsdagen 17 april, öppet 8–11.30", "2025-04-17", "Skärtorsdagen", "08:00-11:30"},
	{"Långfredagen 18 april, stängt", "2025-04-18", "Långfredagen", ""},
	{"Annandag påsk 21 april, stängt", "2025-04-21", "Annandag påsk", ""},
	{"Valborgsmässoafton 30 april, 8–11.30", "2025-04-30", "Valborgsmässoafton", "08:00-11:30"},
	{"1 maj, stängt", "2025-05-01", "Första maj", ""},
	{"Kristi himmelsfärdsdag 29 maj, stängt", "2025-05-29", "Kristi himmelsfärdsdag", ""},
	{"Sveriges nationaldag 6 juni, stängt", "2025-06-06", "Sveriges nationaldag", ""},
	{"Midsommarafton 20 juni, stängt", "2025-06-20", "Midsommarafton", ""},
	{"Dag före alla helgons dag 31 oktober, öppet 8–11.30", "2025-10-31", "Dag före alla helgons dag", "08:00-11:30"},
	{"Julafton 24 december, stängt", "2025-12-24", "Julafton", ""},
	{"Juldagen 25 december, stängt", "2025-12-25", "Juldagen", ""},
	{"Annandag jul 26 december, stängt", "2025-12-26", "Annandag jul", ""},
	{"Nyårsafton 31 december, stängt", "2025-12-31", "Nyårsafton", ""},
}

// TestBuiltInDefaultSeed2025 runs `hoursd upcoming --format json` on the
// built-in default for 2025 and finds every line of the seed page in it,
// the summer hours ("30 juni – 24 augusti 2025. Måndag–fredag: 8–15") as
// their start and end, and nothing else.
func TestBuiltInDefaultSeed2025(t *testing.T) {
	code, out, errOut := runHoursd(t, "upcoming", "--from", "2025-01-01", "--days", "365", "--format", "json")
	if code != 0 {
		t.Fatalf("hoursd upcoming exited %d: %s", code, errOut)
	}
	got := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "["), "]\n"), ",\n ") {
		got[l] = true
	}
	var want []string
	for _, sl := range seedLines2025 {
		line := jsonLine("kundcenter", sl.date, "day", sl.name, "", sl.hours, "08:00-16:00")
		want = append(want, line)
		t.Run(sl.line, func(t *testing.T) {
			if !got[line] {
				t.Errorf("hoursd upcoming for 2025 lacks\n%s\nin\n%s", line, out)
			}
		})
	}
	summer := []string{
		withWeek(jsonLine("kundcenter", "2025-06-30", "period-start", "Sommaröppettider", "2025-08-24", "08:00-15:00", "08:00-16:00"),
			`"week":`+weekdaysJSON("08:00", "15:00")+`,"regular_week":`+weekdaysJSON("08:00", "16:00")),
		withWeek(jsonLine("kundcenter", "2025-08-25", "period-end", "Sommaröppettider", "", "08:00-16:00", "08:00-16:00"),
			`"week":`+weekdaysJSON("08:00", "16:00")),
	}
	for _, line := range summer {
		if !got[line] {
			t.Errorf("hoursd upcoming for 2025 lacks the summer hours\n%s", line)
		}
	}
	// The whole output, in date order: the summer hours come between
	// Midsommarafton and Dag före alla helgons dag.
	want = append(want[:10:10], append(summer, want[10:]...)...)
	if w := jsonArray(want...); out != w {
		t.Errorf("hoursd upcoming --from 2025-01-01 --days 365 --format json =\n%s\nwant\n%s", out, w)
	}
}

// TestBuiltInDefaultLaterYears checks the same rules in the years after the
// seed page: the days of issue 2 (Skärtorsdagen 2026-04-02, Dag före alla
// helgons dag 2026-10-30, 2027-03-25, 2027-11-05) among every change of
// those years, and no summer hours, which are dated 2025 only.
func TestBuiltInDefaultLaterYears(t *testing.T) {
	for _, tt := range []struct{ from, want string }{
		{"2026-01-01", kundcenter2026},
		{"2027-01-01", kundcenter2027},
	} {
		t.Run(tt.from, func(t *testing.T) {
			code, out, errOut := runHoursd(t, "upcoming", "--from", tt.from, "--days", "365", "--format", "json")
			if code != 0 {
				t.Fatalf("hoursd upcoming exited %d: %s", code, errOut)
			}
			if out != tt.want {
				t.Errorf("hoursd upcoming --from %s --days 365 --format json =\n%s\nwant\n%s", tt.from, out, tt.want)
			}
		})
	}
}

// TestDayCommand runs `hoursd day` on a weekend, a holiday, an eve with
// short hours, a named day that does not open a Sunday, and exceptions from
// a configuration file.
func TestDayCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hoursd.yaml")
	if err := os.WriteFile(file, []byte(`timezone: Europe/Stockholm
schedules:
  - id: bibliotek
    title: Stadsbiblioteket
    weekly: {mon-fri: ["10:00-19:00"], sat: ["11:00-15:00"]}
    holidays: {calendar: se, closed: true}
    exceptions:
      - {date: 2026-09-12, name: Inventering, closed: true}
      - {from: 2026-12-28, to: 2026-12-30, hours: ["12:00-16:00"]}
      - {date: 2026-01-06, hours: ["12:00-15:00"]}
channels: [{id: console, type: console}]
subscribers: [{id: me, schedules: [bibliotek], targets: [{channel: console}]}]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	const fk = "\nFörsäkringskassan kundcenter (kundcenter), 0771-524 524\n"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "weekend",
			args: []string{"day", "--date", "2026-03-28"},
			want: "Saturday 2026-03-28\n" + fk + `  hours: closed
  usual: closed
  rule:  weekly (sat)
`,
		},
		{
			name: "holiday on a weekday",
			args: []string{"day", "--date", "2026-01-06"},
			want: "Tuesday 2026-01-06\n" + fk + `  hours: closed
  usual: 08:00-16:00
  name:  Trettondedag jul (Epiphany)
  rule:  holidays (se: Trettondedag jul is a public holiday)
`,
		},
		{
			name: "holiday on a Saturday",
			args: []string{"day", "--date", "2026-06-06", "--schedule", "kundcenter"},
			want: "Saturday 2026-06-06\n" + fk + `  hours: closed
  usual: closed
  name:  Sveriges nationaldag (National Day of Sweden)
  rule:  holidays (se: Sveriges nationaldag is a public holiday)
`,
		},
		{
			name: "shortened eve",
			args: []string{"day", "--date", "2027-11-05"},
			want: "Friday 2027-11-05\n" + fk + `  hours: 08:00-11:30
  usual: 08:00-16:00
  name:  Dag före alla helgons dag (Day before All Saints' Day)
  rule:  named_days[3] (alla-helgons-afton)
`,
		},
		{
			name: "named day on a Sunday stays closed",
			args: []string{"day", "--date", "2028-04-30"},
			want: "Sunday 2028-04-30\n" + fk + `  hours: closed
  usual: closed
  name:  Valborgsmässoafton (Walpurgis Night)
  rule:  weekly (sun); named_days[1] (valborgsmassoafton) gives hours only to days that are otherwise open
`,
		},
		{
			name: "exception closes a Saturday",
			args: []string{"--config", file, "day", "--date", "2026-09-12"},
			want: `Saturday 2026-09-12

Stadsbiblioteket (bibliotek)
  hours: closed
  usual: 11:00-15:00
  name:  Inventering
  rule:  exceptions[0] (2026-09-12)
`,
		},
		{
			name: "exception run",
			args: []string{"--config", file, "day", "--date", "2026-12-29"},
			want: `Tuesday 2026-12-29

Stadsbiblioteket (bibliotek)
  hours: 12:00-16:00
  usual: 10:00-19:00
  rule:  exceptions[1] (2026-12-28..2026-12-30)
`,
		},
		{
			name: "exception opens a holiday",
			args: []string{"--config", file, "day", "--date", "2026-01-06"},
			want: `Tuesday 2026-01-06

Stadsbiblioteket (bibliotek)
  hours: 12:00-15:00
  usual: 10:00-19:00
  name:  Trettondedag jul (Epiphany)
  rule:  exceptions[2] (2026-01-06)
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runHoursd(t, tt.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("hoursd %s exited %d: %s", strings.Join(tt.args, " "), code, errOut)
			}
			if out != tt.want {
				t.Errorf("hoursd %s =\n%s\nwant\n%s", strings.Join(tt.args, " "), out, tt.want)
			}
		})
	}
}
