package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is a wall-clock time in Stockholm, "2026-04-29 18:00".
func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, stockholm)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// fakeClock is the injected clock: the simulation sets it to each instant.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func hours(t testing.TB, ss ...string) schedule.Hours {
	t.Helper()
	h, err := schedule.ParseHours(ss)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func monFri(h schedule.Hours) schedule.Week {
	var w schedule.Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		w[wd] = h
	}
	return w
}

// kundcenter2026 is Försäkringskassan kundcenter as the seed page gives it,
// with the summer period moved to 2026 (Monday 29 June to Sunday 23 August).
func kundcenter2026(t testing.TB, exceptions ...schedule.Exception) *schedule.Schedule {
	t.Helper()
	s := &schedule.Schedule{
		ID:       "kundcenter",
		Title:    "Försäkringskassan kundcenter",
		Phone:    "0771-524 524",
		Weekly:   monFri(hours(t, "08:00-16:00")),
		Holidays: &schedule.Holidays{Calendar: "se", Closed: true},
		NamedDays: []schedule.NamedDay{
			{Day: "skartorsdagen", Hours: hours(t, "08:00-11:30")},
			{Day: "valborgsmassoafton", Hours: hours(t, "08:00-11:30")},
			{Day: "midsommarafton", Closed: true},
			{Day: "alla-helgons-afton", Hours: hours(t, "08:00-11:30")},
			{Day: "julafton", Closed: true},
			{Day: "nyarsafton", Closed: true},
		},
		Periods: []schedule.Period{{
			Name:   schedule.Name{SV: "Sommaröppettider", EN: "Summer hours"},
			From:   schedule.YearDate{Year: 2026, Month: time.June, Day: 29},
			To:     schedule.YearDate{Year: 2026, Month: time.August, Day: 23},
			Weekly: monFri(hours(t, "08:00-15:00")),
		}},
		Exceptions: exceptions,
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("kundcenter: %v", err)
	}
	return s
}

func testConfig(dir string, s *schedule.Schedule, subs ...config.Subscriber) *config.Config {
	return &config.Config{
		Source: "test", Timezone: "Europe/Stockholm", Location: stockholm, StateDir: dir, Postgres: postgresFor(dir),
		Defaults:    config.Defaults{Check: "0 18 * * *", Remind: []int{1}, Language: "sv"},
		Schedules:   []*schedule.Schedule{s},
		Channels:    []config.Channel{{ID: "mail", Type: "email"}, {ID: "push", Type: "pushover"}},
		Subscribers: subs,
	}
}

func subscriber(id string, remind []int, targets ...string) config.Subscriber {
	s := config.Subscriber{ID: id, Language: "en", Schedules: []string{"kundcenter"}, Check: "0 18 * * *", Remind: remind}
	for _, a := range targets {
		ch, addr, _ := strings.Cut(a, ":")
		s.Targets = append(s.Targets, config.Target{Channel: ch, Address: addr})
	}
	return s
}

// testRender writes one line per item, "2026-04-30 day new 08:00-11:30", so
// the postbox can tell exactly what each target was told.
func testRender(req notifier.Request, _ *notifier.Templates) (notifier.Message, error) {
	var b strings.Builder
	for _, it := range req.Items {
		fmt.Fprintf(&b, "%s %s %s %s\n", it.Change.Date, it.Change.Kind, it.Status, it.Change.Hours)
	}
	return notifier.Message{Subject: req.Subscriber + " " + req.Today.String(), Body: b.String()}, nil
}

// got is one item a target received: "anna@x 2026-04-29 | 2026-04-30 day new 08:00-11:30".
type got struct {
	target string
	when   time.Time
	line   string
}

func (g got) String() string {
	return fmt.Sprintf("%s %s | %s", g.target, schedule.DateOf(g.when.In(stockholm)), g.line)
}

// postbox records what every target received, and can make a target fail.
type postbox struct {
	mu    sync.Mutex
	clock *fakeClock
	got   []got
	down  map[string]bool // target address → its channel refuses (transiently)
	sends int
}

type boxSender struct {
	box    *postbox
	target string
}

func (s boxSender) Send(_ context.Context, _, body string) error {
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.sends++
	if s.box.down[s.target] {
		return notifier.Transient(errors.New("connection refused"), 0)
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		s.box.got = append(s.box.got, got{s.target, s.box.clock.Now(), line})
	}
	return nil
}

func (b *postbox) setDown(target string, down bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.down[target] = down
}

// lines lists what was received, in the form of want lists.
func (b *postbox) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, g := range b.got {
		out = append(out, g.String())
	}
	slices.Sort(out)
	return out
}

// sim drives a Daemon through simulated time: it computes the check instants
// with the same schedule cron uses and runs each check as cron's job would.
type sim struct {
	t     *testing.T
	dir   string
	cfg   *config.Config
	clock *fakeClock
	box   *postbox
	d     *Daemon
	// realRender uses notifier.Render instead of testRender.
	realRender bool
}

func newSim(t *testing.T, cfg *config.Config, start time.Time) *sim {
	t.Helper()
	c := &fakeClock{t: start}
	s := &sim{t: t, dir: cfg.StateDir, cfg: cfg, clock: c, box: &postbox{clock: c, down: map[string]bool{}}}
	s.open()
	t.Cleanup(func() { s.d.Close() })
	return s
}

func (s *sim) options() Options {
	render := testRender
	if s.realRender {
		render = nil
	}
	return Options{
		Now:    s.clock.Now,
		Render: render,
		SenderFor: func(_ *config.Config, t config.Target) (notifier.Sender, error) {
			return boxSender{s.box, t.Address}, nil
		},
		// A channel that is down fails for the whole check: no retry waits.
		Sleep:       func(context.Context, time.Duration) error { return errors.New("no waiting in tests") },
		Notify:      func(string) error { return nil },
		LockTimeout: 100 * time.Millisecond,
		NoSync:      true,
	}
}

// open starts hoursd as after a (re)start: open the state, send what is
// pending, catch up.
func (s *sim) open() {
	s.t.Helper()
	d, err := New(s.cfg, s.options())
	if err != nil {
		s.t.Fatal(err)
	}
	s.d = d
	d.startup()
	d.background.Wait()
}

// crash stops hoursd without any goodbye: the state is what was written.
func (s *sim) crash() {
	s.t.Helper()
	if err := s.d.Close(); err != nil {
		s.t.Fatal(err)
	}
}

func (s *sim) restartAt(tm time.Time) {
	s.crash()
	s.clock.Set(tm)
	s.open()
}

// runUntil runs every check before end; each, if set, runs after a check.
func (s *sim) runUntil(end time.Time, each func(at time.Time)) {
	s.t.Helper()
	spec := s.cfg.Subscribers[0].Check
	sch, err := ParseSpec(spec, stockholm)
	if err != nil {
		s.t.Fatal(err)
	}
	for n := sch.Next(s.clock.Now()); n.Before(end); n = sch.Next(s.clock.Now()) {
		s.clock.Set(n)
		s.d.runSpec(spec)
		if each != nil {
			each(n)
		}
	}
	s.clock.Set(end)
}

// checkArrivals fails the test for every message that did not arrive at
// hour:00 sharp.
func (s *sim) checkArrivals(hour int) {
	s.t.Helper()
	for _, g := range s.box.got {
		if w := g.when.In(stockholm); w.Hour() != hour || w.Minute() != 0 {
			s.t.Errorf("%s arrived at %s, want %02d:00", g, w.Format("15:04"), hour)
		}
	}
}

// change is one expected change of kundcenter2026.
type change struct {
	date, kind, hours string
}

// changes2026 are kundcenter's changes that a check in 2026 can announce,
// written out by hand from the seed page's rules and the 2026 calendar
// (Easter is 5 April; midsommarafton 19 June; alla helgons afton 30
// October). Weekend holidays (påskdagen, pingstdagen, nationaldagen on a
// Saturday, annandag jul on a Saturday) are not changes.
var changes2026 = []change{
	{"2026-01-01", "day", "closed"},
	{"2026-01-06", "day", "closed"},
	{"2026-04-02", "day", "08:00-11:30"},
	{"2026-04-03", "day", "closed"},
	{"2026-04-06", "day", "closed"},
	{"2026-04-30", "day", "08:00-11:30"},
	{"2026-05-01", "day", "closed"},
	{"2026-05-14", "day", "closed"},
	{"2026-06-19", "day", "closed"},
	{"2026-06-29", "period-start", "08:00-15:00"},
	{"2026-08-24", "period-end", "08:00-16:00"},
	{"2026-10-30", "day", "08:00-11:30"},
	{"2026-12-24", "day", "closed"},
	{"2026-12-25", "day", "closed"},
	{"2026-12-31", "day", "closed"},
	{"2027-01-01", "day", "closed"},
	{"2027-01-06", "day", "closed"},
}

// expected lists what a target with remind offsets hears from the daily
// 18:00 checks of 2026: each change on the evening D−r, once per offset.
func expected(target string, remind []int, from, to string) []string {
	var out []string
	for _, c := range changes2026 {
		d, _ := time.Parse(time.DateOnly, c.date)
		for _, r := range remind {
			on := d.AddDate(0, 0, -r).Format(time.DateOnly)
			if on < from || on > to {
				continue
			}
			out = append(out, fmt.Sprintf("%s %s | %s %s new %s", target, on, c.date, c.kind, c.hours))
		}
	}
	slices.Sort(out)
	return out
}

// diff reports the lines only in got and only in want.
func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	var extra, missing []string
	for _, g := range got {
		if i := slices.Index(want, g); i >= 0 {
			want = slices.Delete(slices.Clone(want), i, i+1)
			continue
		}
		extra = append(extra, g)
	}
	missing = want
	if len(extra)+len(missing) > 0 {
		t.Errorf("%s:\nreceived but not expected:\n  %s\nexpected but not received:\n  %s",
			what, strings.Join(extra, "\n  "), strings.Join(missing, "\n  "))
	}
}

// running starts d.Run in the background (in a synctest bubble, usually) and
// returns a stop that cancels it and returns what Run returned. The state
// is closed when the test ends.
func running(t *testing.T, cfg *config.Config, opts Options) (*Daemon, func() error) {
	t.Helper()
	d, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	return d, func() error { cancel(); return <-done }
}
