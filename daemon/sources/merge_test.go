package sources

import (
	"cmp"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
	"github.com/hoursd/hoursd/schedule/osm"
)

// keep writes a reading of page (lineRead's format) as the kept one.
func keep(t *testing.T, dir, id, page string, at time.Time) {
	t.Helper()
	r, err := lineRead("page", []byte(page), sourceOptions())
	if err != nil {
		t.Fatal(err)
	}
	rd, texts := checked(r)
	k := &Kept{Schedule: id, URL: "https://example.com/", Format: "page", FetchedAt: at, CheckedAt: at, LastAttempt: at}
	k.Exceptions, k.Periods, k.Weekly, k.Warnings = keptFrom(rd, texts)
	if err := Save(dir, k); err != nil {
		t.Fatal(err)
	}
}

// TestMerge checks what a date's hours are once a kept reading is merged
// into the configuration: the operator's exceptions win, the source's
// rules fill in the rest.
func TestMerge(t *testing.T) {
	valborgByHand := schedule.Exception{From: date(t, "2026-04-30"), To: date(t, "2026-04-30"), Name: schedule.Name{SV: "Inventering", EN: "Inventering"}, Closed: true}
	cfg := testConfig(t, "https://example.com/", valborgByHand)
	// The configuration's own summer, a week shorter than the page's.
	cfg.Schedules[0].Periods = []schedule.Period{{Name: schedule.Name{SV: "Sommar (konfig)"},
		From: schedule.YearDate{Year: 2026, Month: 7, Day: 6}, To: schedule.YearDate{Year: 2026, Month: 8, Day: 9}, Weekly: weekdays("09:00-14:00")}}
	if err := cfg.Schedules[0].Validate(); err != nil {
		t.Fatal(err)
	}
	own := cfg.Schedules[0]
	keep(t, cfg.StateDir, "kundcenter", edition2026+"w 08:00-16:30\n", time.Date(2026, 3, 1, 6, 0, 0, 0, stockholm))

	if problems := Merge(cfg, cfg.StateDir); len(problems) > 0 {
		t.Fatalf("Merge: %v", problems)
	}
	s := cfg.Schedules[0]
	tests := []struct {
		date, hours string
		source      schedule.Source
	}{
		{"2026-04-30", "closed", schedule.SourceException},      // the configuration's exception, not the page's 08:00-11:30
		{"2026-04-02", "08:00-11:30", schedule.SourceException}, // the page's Skärtorsdagen
		{"2026-05-01", "closed", schedule.SourceException},      // the page's 1 maj
		{"2026-06-30", "08:00-15:00", schedule.SourcePeriod},    // the page's summer, where the configuration has none
		{"2026-07-07", "09:00-14:00", schedule.SourcePeriod},    // the configuration's summer wins where both have one
		{"2026-08-14", "08:00-15:00", schedule.SourcePeriod},    // the page's again after the configuration's ends
		{"2026-08-17", "08:00-16:00", schedule.SourceWeekly},    // the page's weekly is not applied
	}
	for _, tt := range tests {
		d := s.Day(date(t, tt.date))
		if got := hoursWords(d.Hours); got != tt.hours || d.Source != tt.source {
			t.Errorf("Day(%s) = %s from %s, want %s from %s", tt.date, got, d.Source, tt.hours, tt.source)
		}
	}
	if len(own.Exceptions) != 1 || len(own.Periods) != 1 {
		t.Errorf("Merge changed the configuration's own schedule: %d exceptions, %d periods", len(own.Exceptions), len(own.Periods))
	}
	k, _ := Load(cfg.StateDir, "kundcenter")
	if msg, ok := WeeklyDiffers(s, k); !ok || !strings.Contains(msg, "mon-fri 08:00-16:30") {
		t.Errorf("WeeklyDiffers = %q, %v; want the page's week named", msg, ok)
	}
}

// TestMergeOpeningHours: a schedule written as an opening_hours expression
// takes a source's periods as seasons and its exceptions on top, while its
// own special days and seasons win on the dates they name.
func TestMergeOpeningHours(t *testing.T) {
	cfg := testConfig(t, "https://example.com/")
	// Wednesday 1 July is the operator's own day, 3-12 August their own
	// season: both lie in the page's summer.
	rules, err := osm.Parse("Mo-Fr 08:00-16:00; PH off; Jul 01 10:00-12:00; Aug 03-Aug 12 Mo-Fr 09:00-14:00")
	if err != nil {
		t.Fatal(err)
	}
	own := &schedule.Schedule{ID: "kundcenter", Rules: rules}
	if err := own.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg.Schedules[0] = own
	keep(t, cfg.StateDir, "kundcenter", "p 2026-06-29 2026-08-16 08:00-15:00 Sommaröppettider\n"+
		"x 2026-06-19 2026-06-19 closed Midsommarafton\nx 2026-12-24 2026-12-24 closed Julafton\n",
		time.Date(2026, 3, 1, 6, 0, 0, 0, stockholm))

	if problems := Merge(cfg, cfg.StateDir); len(problems) > 0 {
		t.Fatalf("Merge: %v", problems)
	}
	s := cfg.Schedules[0]
	tests := []struct {
		name, date, hours string
		source            schedule.Source
	}{
		{"the usual week before the summer", "2026-06-26", "08:00-16:00", schedule.SourceWeekly},
		{"a public holiday stays closed", "2026-05-14", "closed", schedule.SourceHoliday},
		{"the page's Midsommarafton", "2026-06-19", "closed", schedule.SourceException},
		{"the page's summer", "2026-06-30", "08:00-15:00", schedule.SourcePeriod},
		{"a Saturday of the summer", "2026-07-04", "closed", schedule.SourcePeriod},
		{"the operator's day in the summer", "2026-07-01", "10:00-12:00", schedule.SourceNamedDay},
		{"the operator's season in the summer", "2026-08-05", "09:00-14:00", schedule.SourcePeriod},
		{"the page's summer after the operator's season", "2026-08-13", "08:00-15:00", schedule.SourcePeriod},
		{"after the summer", "2026-08-17", "08:00-16:00", schedule.SourceWeekly},
		{"the page's Julafton", "2026-12-24", "closed", schedule.SourceException},
	}
	for _, tt := range tests {
		d := s.Day(date(t, tt.date))
		if got := hoursWords(d.Hours); got != tt.hours || d.Source != tt.source {
			t.Errorf("%s: Day(%s) = %s from %s, want %s from %s", tt.name, tt.date, got, d.Source, tt.hours, tt.source)
		}
	}
	var start *schedule.Change
	changes := s.Changes(date(t, "2026-06-01"), 120)
	for i := range changes {
		if changes[i].Kind == schedule.KindPeriodStart {
			start = &changes[i]
			break
		}
	}
	if start == nil || start.Date != date(t, "2026-06-29") || start.Name.SV != "Sommaröppettider" || hoursWords(start.Hours) != "08:00-15:00" {
		t.Errorf("first period start of the summer = %+v, want 2026-06-29 Sommaröppettider 08:00-15:00", start)
	}
	if len(own.Rules) != 4 || len(own.Exceptions) != 0 {
		t.Errorf("Merge changed the configuration's own schedule: %d rules, %d exceptions", len(own.Rules), len(own.Exceptions))
	}
}

// TestMergeLeavesOut: what cannot be used is left out, and the schedule
// works on from the configuration alone.
func TestMergeLeavesOut(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		source  bool
		problem string // contained in the one problem; "" for none
	}{
		{"no reading yet", func(*testing.T, string) {}, true, ""},
		{"a damaged file", func(t *testing.T, dir string) {
			os.MkdirAll(dir+"/sources", 0o700)
			os.WriteFile(Path(dir, "kundcenter"), []byte(`{"exceptions": [{"from": "2026-02-30"`), 0o600)
		}, true, "read the kept reading"},
		{"a rule this hoursd cannot read", func(t *testing.T, dir string) {
			os.MkdirAll(dir+"/sources", 0o700)
			os.WriteFile(Path(dir, "kundcenter"), []byte(`{"fetched_at": "2026-03-01T06:00:00Z", "exceptions": [{"from": "2026-02-30", "to": "2026-02-30", "closed": true}]}`), 0o600)
		}, true, "exceptions[0]"},
		{"a reading kept from a source since removed", func(t *testing.T, dir string) {
			keep(t, dir, "kundcenter", edition2026, time.Now())
		}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, "https://example.com/")
			if !tt.source {
				cfg.Sources = nil
			}
			tt.prepare(t, cfg.StateDir)
			own := cfg.Schedules[0]
			problems := Merge(cfg, cfg.StateDir)
			switch {
			case tt.problem == "" && len(problems) > 0:
				t.Errorf("Merge = %v, want no problem", problems)
			case tt.problem != "" && (len(problems) != 1 || !strings.Contains(problems[0].Error(), tt.problem)):
				t.Errorf("Merge = %v, want one problem with %q", problems, tt.problem)
			}
			if cfg.Schedules[0] != own {
				t.Errorf("Merge replaced the schedule; want the configuration's left as it is")
			}
		})
	}
}

// TestKnowledge checks the warnings of validate and the daemon's start.
func TestKnowledge(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, stockholm)
	summer2025 := schedule.Period{From: schedule.YearDate{Year: 2025, Month: 6, Day: 30}, To: schedule.YearDate{Year: 2025, Month: 8, Day: 24}, Weekly: weekdays("08:00-15:00")}
	summer2026 := schedule.Period{From: schedule.YearDate{Year: 2026, Month: 6, Day: 29}, To: schedule.YearDate{Year: 2026, Month: 8, Day: 16}, Weekly: weekdays("08:00-15:00")}
	yearly := schedule.Period{From: schedule.YearDate{Month: 6, Day: 29}, To: schedule.YearDate{Month: 8, Day: 16}, Weekly: weekdays("08:00-15:00")}
	farOff := schedule.Exception{From: date(t, "2028-01-02"), To: date(t, "2028-01-02"), Closed: true}
	tests := []struct {
		name    string
		periods []schedule.Period
		ex      []schedule.Exception
		source  bool
		keptAt  time.Time // zero: no reading kept
		page    string    // the kept reading; default edition2026
		rules   string    // the schedule as an opening_hours expression instead of weekly and periods
		want    []string  // contained in the warnings, in order
	}{
		{name: "only weekly: nothing to run out", want: nil},
		{name: "a yearly period comes back", periods: []schedule.Period{yearly}, want: nil},
		{name: "this year's summer is known", periods: []schedule.Period{summer2026}, want: nil},
		{name: "only last year's summer", periods: []schedule.Period{summer2025},
			want: []string{"schedule kundcenter: no dated period or exception from 2026-03-01 to 2027-03-02 (the last ends 2025-08-24): add this year's dates"}},
		{name: "a date beyond a year does not count", ex: []schedule.Exception{farOff},
			want: []string{"no dated period or exception from 2026-03-01"}},
		{name: "a source never read", source: true,
			want: []string{"schedule kundcenter: its source has never been read (hoursd source fetch --schedule kundcenter)"}},
		{name: "a source read, its dates all past", source: true, keptAt: now.AddDate(0, 0, -3), page: "x 2025-12-24 2025-12-24 closed Julafton\n",
			want: []string{"(the last ends 2025-12-24): check that its source still lists them"}},
		{name: "a fresh reading", source: true, keptAt: now.AddDate(0, 0, -3), want: nil},
		{name: "opening_hours: the source's summer ahead counts", source: true, keptAt: now.AddDate(0, 0, -3),
			rules: "Mo-Fr 08:00-16:00; PH off", page: "p 2026-06-29 2026-08-16 08:00-15:00 Sommaröppettider\n", want: nil},
		{name: "opening_hours: the source's summer past", source: true, keptAt: now.AddDate(0, 0, -3),
			rules: "Mo-Fr 08:00-16:00; PH off", page: "p 2025-06-30 2025-08-24 08:00-15:00 Sommaröppettider\n",
			want: []string{"(the last ends 2025-08-24): check that its source still lists them"}},
		{name: "a reading older than a month", source: true, keptAt: now.AddDate(0, 0, -40),
			want: []string{"the last good reading of its source is from 2026-01-20, more than a month ago"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, "https://example.com/", tt.ex...)
			cfg.Schedules[0].Periods = tt.periods
			if tt.rules != "" {
				rules, err := osm.Parse(tt.rules)
				if err != nil {
					t.Fatal(err)
				}
				cfg.Schedules[0] = &schedule.Schedule{ID: "kundcenter", Rules: rules}
				if err := cfg.Schedules[0].Validate(); err != nil {
					t.Fatal(err)
				}
			}
			if !tt.source {
				cfg.Sources = nil
			}
			if !tt.keptAt.IsZero() {
				keep(t, cfg.StateDir, "kundcenter", cmp.Or(tt.page, edition2026), tt.keptAt)
				Merge(cfg, cfg.StateDir)
			}
			got := strings.Join(Knowledge(cfg, cfg.StateDir, now), "\n")
			if (len(tt.want) == 0) != (got == "") {
				t.Fatalf("Knowledge = %q, want %q", got, tt.want)
			}
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Knowledge = %q, want %q in it (in order)", got, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func hoursWords(h schedule.Hours) string {
	if h.Closed() {
		return "closed"
	}
	return h.String()
}

// TestStatuses checks what `hoursd status` and the status page are told of
// each source: when it was last read, what it holds, its failure, and a
// regular week on the page that differs from the configuration's.
func TestStatuses(t *testing.T) {
	at := time.Date(2026, 3, 1, 6, 0, 0, 0, stockholm)
	tests := []struct {
		name     string
		page     string // kept; "" for none
		fail     string // a failure recorded after it
		want     Status
		warnings []string // contained, in order
	}{
		{name: "never read", want: Status{}},
		{name: "read, the week as configured", page: edition2026,
			want: Status{LastSuccess: at, FetchedAt: at, LastAttempt: at, Exceptions: 6, Periods: 1}},
		{name: "read, the page's week differs", page: edition2026 + "w 08:00-16:30\n",
			want:     Status{LastSuccess: at, FetchedAt: at, LastAttempt: at, Exceptions: 6, Periods: 1},
			warnings: []string{"the page gives the regular week as mon-fri 08:00-16:30, the configuration as mon-fri 08:00-16:00"}},
		{name: "read, then failing", page: edition2026, fail: "fetch https://example.com/: http 503",
			want: Status{LastSuccess: at, FetchedAt: at, LastAttempt: at, Exceptions: 6, Periods: 1, Error: "fetch https://example.com/: http 503"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, "https://example.com/")
			if tt.page != "" {
				keep(t, cfg.StateDir, "kundcenter", tt.page, at)
			}
			if tt.fail != "" {
				k, _ := Load(cfg.StateDir, "kundcenter")
				k.LastError, k.Failures = tt.fail, 1
				if err := Save(cfg.StateDir, k); err != nil {
					t.Fatal(err)
				}
			}
			sts := Statuses(cfg, cfg.StateDir)
			if len(sts) != 1 {
				t.Fatalf("Statuses = %+v, want one", sts)
			}
			got := sts[0]
			want := tt.want
			want.Schedule, want.URL, want.Format, want.Refresh = "kundcenter", "https://example.com/", "page", "0 6 * * *"
			if !got.LastSuccess.Equal(want.LastSuccess) || !got.FetchedAt.Equal(want.FetchedAt) || got.Exceptions != want.Exceptions ||
				got.Periods != want.Periods || got.Error != want.Error || got.Schedule != want.Schedule || got.Refresh != want.Refresh {
				t.Errorf("Statuses = %+v, want %+v", got, want)
			}
			if w := strings.Join(got.Warnings, "\n"); (len(tt.warnings) == 0) != (w == "") || (len(tt.warnings) > 0 && !strings.Contains(w, tt.warnings[0])) {
				t.Errorf("Statuses warnings = %q, want %q", got.Warnings, tt.warnings)
			}
		})
	}
}
