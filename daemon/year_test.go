package daemon

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
)

func TestYear(t *testing.T) {
	tests := []struct {
		name   string
		remind []int
	}{
		{"evening before", []int{1}},
		{"a week ahead and the evening before", []int{7, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A second check at 21:00 every evening finds everything told
			// already: what arrives, arrives at 18:00 and once.
			sub := subscriber("anna", tt.remind, "mail:anna@example.com", "push:anna-phone")
			sub.Check = "0 18,21 * * *"
			cfg := testConfig(t.TempDir(), kundcenter2026(t), sub)
			s := newSim(t, cfg, at(t, "2026-01-01 00:00"))
			s.runUntil(at(t, "2027-01-01 00:00"), nil)

			want := append(expected("anna@example.com", tt.remind, "2026-01-01", "2026-12-31"),
				expected("anna-phone", tt.remind, "2026-01-01", "2026-12-31")...)
			slices.Sort(want)
			diff(t, "a year of checks", s.box.lines(), want)
			s.checkArrivals(18)
			// A daemon that ran all year without a restart forgets what
			// is more than 60 days past, as one restarted would.
			if oldest := oldestKept(t, s.d); oldest.Before(date(t, "2026-11-01")) {
				t.Errorf("after a year without a restart the state keeps %s, want nothing before 2026-11-01", oldest)
			}
		})
	}
}

// TestYearWithRestarts stops and restarts hoursd all through the year:
// between checks, in place of a check (restarting later the same evening),
// and in the middle of sending to a subscriber's two targets. Every target
// hears every change on the right evening, once.
func TestYearWithRestarts(t *testing.T) {
	remind := []int{7, 1}
	cfg := testConfig(t.TempDir(), kundcenter2026(t),
		subscriber("anna", remind, "mail:anna@example.com", "push:anna-phone"))
	s := newSim(t, cfg, at(t, "2026-01-01 00:00"))

	// Checks to miss: hoursd is down at 18:00 and back at 22:30.
	missed := map[string]bool{"2026-04-01": true, "2026-06-22": true, "2026-12-23": true}
	// Checks during which the phone's channel fails and hoursd then dies.
	crashes := map[string]bool{"2026-04-29": true, "2026-12-30": true}
	n := 0
	sch, _ := ParseSpec("0 18 * * *", stockholm)
	for next := sch.Next(s.clock.Now()); next.Year() == 2026; next = sch.Next(s.clock.Now()) {
		day := schedule.DateOf(next).String()
		switch {
		case missed[day]:
			s.restartAt(next.Add(4*time.Hour + 30*time.Minute))
		case crashes[day]:
			s.box.setDown("anna-phone", true)
			s.clock.Set(next)
			s.d.runSpec("0 18 * * *")
			s.box.setDown("anna-phone", false)
			s.restartAt(next.Add(time.Hour))
		default:
			s.clock.Set(next)
			s.d.runSpec("0 18 * * *")
			if n++; n%9 == 0 {
				s.restartAt(next.Add(time.Hour))
			}
		}
	}
	want := append(expected("anna@example.com", remind, "2026-01-01", "2026-12-31"),
		expected("anna-phone", remind, "2026-01-01", "2026-12-31")...)
	slices.Sort(want)
	diff(t, "a year with restarts", s.box.lines(), want)

	st, err := s.d.Status()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Pending)+len(st.Failed) != 0 {
		t.Errorf("status after the year: %d pending, %d failed, want none", len(st.Pending), len(st.Failed))
	}
}

// TestCorrectionsAndCancellations edits the configuration in the middle of
// the year: Valborg's hours change after the week-ahead announcement, Kristi
// himmelsfärdsdag stops being a change, a new closed day is added.
func TestCorrectionsAndCancellations(t *testing.T) {
	dir := t.TempDir()
	remind := []int{7, 1}
	sub := subscriber("anna", remind, "mail:anna@example.com")
	s := newSim(t, testConfig(dir, kundcenter2026(t), sub), at(t, "2026-04-20 00:00"))
	s.runUntil(at(t, "2026-04-24 12:00"), nil)

	// Valborg now closes at 13:00.
	reload(t, s, testConfig(dir, valborgUntil13(t), sub))
	s.runUntil(at(t, "2026-05-08 12:00"), nil)

	// Kristi himmelsfärdsdag open as usual after all; 3 June closed.
	reload(t, s, testConfig(dir, valborgUntil13(t,
		schedule.Exception{From: date(t, "2026-05-14"), To: date(t, "2026-05-14"), Hours: hours(t, "08:00-16:00")},
		schedule.Exception{From: date(t, "2026-06-03"), To: date(t, "2026-06-03"), Closed: true, Name: schedule.Name{SV: "Stängt", EN: "Closed"}}), sub))
	s.runUntil(at(t, "2026-06-05 00:00"), nil)

	want := []string{
		"anna@example.com 2026-04-23 | 2026-04-30 day new 08:00-11:30",
		"anna@example.com 2026-04-24 | 2026-04-30 day correction 08:00-13:00",
		"anna@example.com 2026-04-24 | 2026-05-01 day new closed",
		"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-13:00",
		"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
		"anna@example.com 2026-05-07 | 2026-05-14 day new closed",
		"anna@example.com 2026-05-08 | 2026-05-14 day cancellation closed",
		"anna@example.com 2026-05-27 | 2026-06-03 day new closed",
		"anna@example.com 2026-06-02 | 2026-06-03 day new closed",
	}
	diff(t, "checks around two edits", s.box.lines(), want)
}

// valborgUntil13 is kundcenter2026 edited: Valborg closes at 13:00.
func valborgUntil13(t *testing.T, exceptions ...schedule.Exception) *schedule.Schedule {
	t.Helper()
	s := kundcenter2026(t, exceptions...)
	s.NamedDays[1].Hours = hours(t, "08:00-13:00")
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

func reload(t *testing.T, s *sim, cfg *config.Config) {
	t.Helper()
	if err := s.d.Reload(func() (*config.Config, error) { return cfg, nil }); err != nil {
		t.Fatal(err)
	}
	s.cfg = cfg
}

func date(t testing.TB, s string) schedule.Date {
	t.Helper()
	d, err := schedule.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestChannelDown: a message that could not be sent stays pending and goes
// out at the next check if its day has not begun; one whose day began first
// is recorded as failed, with the reason.
func TestChannelDown(t *testing.T) {
	sub := subscriber("anna", []int{7, 1}, "mail:anna@example.com")
	s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t), sub), at(t, "2026-04-22 12:00"))
	s.box.setDown("anna@example.com", true)
	s.runUntil(at(t, "2026-04-23 20:00"), nil) // Valborg, a week ahead: pending

	st, err := s.d.Status()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Pending) != 1 || !strings.Contains(st.Pending[0].LastError, "connection refused") {
		t.Fatalf("status after a failed send: pending %+v, want one with its error", st.Pending)
	}
	s.box.setDown("anna@example.com", false)
	s.runUntil(at(t, "2026-04-24 20:00"), nil)
	s.box.setDown("anna@example.com", true)
	s.runUntil(at(t, "2026-04-30 20:00"), nil) // Valborg's reminder: pending, then its day begins

	diff(t, "a channel down on 23 April, up on 24 April, down from 25 April", s.box.lines(), []string{
		"anna@example.com 2026-04-24 | 2026-04-30 day new 08:00-11:30",
		"anna@example.com 2026-04-24 | 2026-05-01 day new closed",
	})
	st, err = s.d.Status()
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range st.Failed {
		failed = append(failed, f.Today.String()+": "+f.LastError)
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "2026-04-29: its day began before it could be sent (last error: connection refused)") {
		t.Errorf("failed messages = %q, want the reminder of 29 April, expired", failed)
	}
	// 1 May's reminder of 30 April is still pending: its day has not begun.
	if len(st.Pending) != 1 || st.Pending[0].Today.String() != "2026-04-30" {
		t.Errorf("pending = %+v, want the message of 30 April", st.Pending)
	}
}

// TestDST runs the checks at 02:30, a time that does not exist on the last
// Sunday of March and comes twice on the last Sunday of October: hoursd checks
// once on each of those days, and the reminders go out on the right day.
func TestDST(t *testing.T) {
	sub := subscriber("anna", []int{1}, "mail:anna@example.com")
	sub.Check = "30 2 * * *"
	s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t,
		schedule.Exception{From: date(t, "2026-03-30"), To: date(t, "2026-03-30"), Closed: true},
		schedule.Exception{From: date(t, "2026-10-26"), To: date(t, "2026-10-26"), Closed: true}), sub),
		at(t, "2026-03-27 00:00"))
	var checks []string
	record := func(tm time.Time) { checks = append(checks, tm.Format("2006-01-02 15:04 MST")) }
	s.runUntil(at(t, "2026-03-31 00:00"), record)
	s.clock.Set(at(t, "2026-10-23 00:00"))
	s.runUntil(at(t, "2026-10-28 00:00"), record)

	wantChecks := []string{
		"2026-03-27 02:30 CET", "2026-03-28 02:30 CET", "2026-03-29 03:30 CEST", "2026-03-30 02:30 CEST",
		"2026-10-23 02:30 CEST", "2026-10-24 02:30 CEST", "2026-10-25 02:30 CET", "2026-10-26 02:30 CET", "2026-10-27 02:30 CET",
	}
	if !slices.Equal(checks, wantChecks) {
		t.Errorf("checks at\n  %s\nwant\n  %s", strings.Join(checks, "\n  "), strings.Join(wantChecks, "\n  "))
	}
	diff(t, "reminders over DST", s.box.lines(), []string{
		"anna@example.com 2026-03-29 | 2026-03-30 day new closed",
		"anna@example.com 2026-10-25 | 2026-10-26 day new closed",
	})
}

// TestCatchUp starts hoursd after checks it missed: what they would have
// announced and still lies ahead is sent at once; what has begun is not.
func TestCatchUp(t *testing.T) {
	tests := []struct {
		name       string
		remind     []int
		lastCheck  string // "" for a first start
		start, end string
		want       []string
		check      string // "" for 0 18 * * *
	}{
		{"first start on the eve, after the check time", []int{1}, "", "2026-04-29 19:30", "2026-04-30 20:00", []string{
			"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
			"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
		}, ""},
		{"first start before the check time", []int{1}, "", "2026-04-29 17:30", "2026-04-29 20:00", []string{
			"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
		}, ""},
		{"down three evenings, the week-ahead reminder is late", []int{7, 1}, "2026-04-20 18:00", "2026-04-24 10:00", "2026-04-24 20:00", []string{
			"anna@example.com 2026-04-24 | 2026-04-30 day new 08:00-11:30",
			"anna@example.com 2026-04-24 | 2026-05-01 day new closed",
		}, ""},
		{"down over the eve: the day has begun, nothing late", []int{1}, "2026-04-28 18:00", "2026-04-30 09:00", "2026-04-30 20:00", []string{
			"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
		}, ""},
		// remind 0 with a morning check: a change on the day is still told
		// while the day lasts, and only then.
		{"missed the morning check, back at noon", []int{0}, "2026-04-29 07:00", "2026-04-30 12:00", "2026-05-01 08:00", []string{
			"anna@example.com 2026-04-30 | 2026-04-30 day new 08:00-11:30",
			"anna@example.com 2026-05-01 | 2026-05-01 day new closed",
		}, "0 7 * * *"},
		{"missed the morning check, back late in the evening", []int{0}, "2026-04-29 07:00", "2026-04-30 23:30", "2026-04-30 23:59", []string{
			"anna@example.com 2026-04-30 | 2026-04-30 day new 08:00-11:30",
		}, "0 7 * * *"},
		{"first start on the day, after the check time", []int{0}, "", "2026-04-30 09:00", "2026-04-30 20:00", []string{
			"anna@example.com 2026-04-30 | 2026-04-30 day new 08:00-11:30",
		}, "0 7 * * *"},
		{"back the next morning: the day is over", []int{0}, "2026-04-29 07:00", "2026-05-01 06:00", "2026-05-01 08:00", []string{
			"anna@example.com 2026-05-01 | 2026-05-01 day new closed",
		}, "0 7 * * *"},
		{"restarted after the morning's message: not again", []int{0}, "2026-04-30 07:00", "2026-04-30 12:00", "2026-04-30 20:00", nil, "0 7 * * *"},
		{"the day before only: not on the day", []int{1}, "2026-04-28 07:00", "2026-04-30 09:00", "2026-04-30 20:00", []string{
			"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
		}, "0 7 * * *"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sub := subscriber("anna", tt.remind, "mail:anna@example.com")
			if tt.check != "" {
				sub.Check = tt.check
			}
			cfg := testConfig(dir, kundcenter2026(t), sub)
			if tt.lastCheck != "" {
				s := newSim(t, cfg, at(t, tt.lastCheck).Add(-time.Minute))
				s.runUntil(at(t, tt.lastCheck).Add(time.Minute), nil)
				s.crash()
				s.box.got = nil
			}
			s := newSim(t, cfg, at(t, tt.start))
			s.runUntil(at(t, tt.end), nil)
			diff(t, "after the start at "+tt.start, s.box.lines(), tt.want)
		})
	}
}

// TestRenderedMessages runs checks with the real renderer: the Swedish
// message of Valborg's eve, and the correction after an edit.
func TestRenderedMessages(t *testing.T) {
	dir := t.TempDir()
	sub := subscriber("anna", []int{7, 1}, "mail:anna@example.com")
	sub.Language = "sv"
	c := &fakeClock{t: at(t, "2026-04-23 12:00")}
	s := &sim{t: t, dir: dir, cfg: testConfig(dir, kundcenter2026(t), sub), clock: c, box: &postbox{clock: c, down: map[string]bool{}}, realRender: true}
	s.open()
	defer s.d.Close()
	s.runUntil(at(t, "2026-04-23 20:00"), nil)
	reload(t, s, testConfig(dir, valborgUntil13(t), sub))
	s.runUntil(at(t, "2026-04-24 20:00"), nil)

	// Case aside: whether a day's name is capitalised mid-sentence is the
	// renderer's business (its golden files), not the daemon's.
	all := strings.Join(s.box.lines(), "\n")
	for _, want := range []string{
		"anna@example.com 2026-04-23 | Torsdag 30 april (Valborgsmässoafton): öppet 08:00–11:30",
		"anna@example.com 2026-04-24 | Ändrat: torsdag 30 april (Valborgsmässoafton): öppet 08:00–13:00",
		"tidigare meddelat: 08:00–11:30",
	} {
		if !strings.Contains(strings.ToLower(all), strings.ToLower(want)) {
			t.Errorf("messages lack %q:\n%s", want, all)
		}
	}
}

// oldestKept is the earliest day of an announcement or outbox message in
// the state.
func oldestKept(t *testing.T, d *Daemon) schedule.Date {
	t.Helper()
	var oldest schedule.Date
	keep := func(day schedule.Date) {
		if oldest == (schedule.Date{}) || day.Before(oldest) {
			oldest = day
		}
	}
	for _, day := range announcedDates(t, d) {
		keep(day)
	}
	all, err := d.store.deliveries(func(*Delivery) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	for _, dl := range all {
		keep(schedule.DateOf(dl.Due.In(stockholm)))
	}
	return oldest
}
