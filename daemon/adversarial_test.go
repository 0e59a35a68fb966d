package daemon

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
)

// These tests try to break hoursd's promise — every subscriber hears of
// every change once, in time, never twice — with the things that happen to
// a daemon that runs for years: reloads at odd moments, configuration
// edits that turn one kind of change into another, a clock that jumps.

// reloadAndSettle reloads like reload and waits for what the reload started
// in the background (a catch-up) to finish, as the simulation does after a
// start.
func reloadAndSettle(t *testing.T, s *sim, cfg *config.Config) {
	t.Helper()
	reload(t, s, cfg)
	s.d.background.Wait()
}

// TestReloadCatchesUp: a reload can leave a check that the schedule in
// force says is due with nobody to run it — the check moved to an earlier
// hour that has already passed today, or the evening's check failed and the
// reload fixes the cause. Without a catch-up the evening-before reminder is
// lost: the next check is the day itself.
func TestReloadCatchesUp(t *testing.T) {
	tests := []struct {
		name   string
		before func(*config.Subscriber) // the subscriber as first configured
		reload time.Time                // when the fixed configuration comes
		want   []string
	}{
		{
			"the check moves from 18:00 to 17:00, reloaded at 17:30",
			func(*config.Subscriber) {},
			at(t, "2026-04-29 17:30"),
			[]string{
				"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
				"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
			},
		},
		{
			"the 17:00 check failed (a schedule that is not configured), fixed at 19:00",
			func(s *config.Subscriber) { s.Schedules = append(s.Schedules, "missing"); s.Check = "0 17 * * *" },
			at(t, "2026-04-29 19:00"),
			[]string{
				"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
				"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			good := subscriber("anna", []int{1}, "mail:anna@example.com")
			good.Check = "0 17 * * *"
			first := subscriber("anna", []int{1}, "mail:anna@example.com")
			tt.before(&first)
			s := newSim(t, testConfig(dir, kundcenter2026(t), first), at(t, "2026-04-27 12:00"))
			s.runUntil(tt.reload, nil)
			reloadAndSettle(t, s, testConfig(dir, kundcenter2026(t), good))
			s.runUntil(at(t, "2026-05-02 00:00"), nil)
			diff(t, "checks around the reload", s.box.lines(), tt.want)
		})
	}
}

// summerFrom15June is kundcenter2026 with its summer period starting two
// weeks earlier, on Monday 15 June.
func summerFrom15June(t *testing.T) *schedule.Schedule {
	t.Helper()
	s := kundcenter2026(t)
	s.Periods[0].From = schedule.YearDate{Year: 2026, Month: time.June, Day: 15}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKindFlip: a date told as one kind of change becomes another kind —
// a closed Monday turns into the first day of the summer hours. The old
// change is gone, so hoursd would cancel it ("regular hours after all",
// which is wrong: summer hours apply), and the new one would wait for an
// offset that has already passed. The target must hear, once, what the
// date now holds, as a correction of what it was told.
func TestKindFlip(t *testing.T) {
	dir := t.TempDir()
	closed15 := schedule.Exception{From: date(t, "2026-06-15"), To: date(t, "2026-06-15"), Closed: true, Name: schedule.Name{SV: "Stängt", EN: "Closed"}}
	sub := subscriber("anna", []int{7}, "mail:anna@example.com")
	s := newSim(t, testConfig(dir, kundcenter2026(t, closed15), sub), at(t, "2026-06-07 12:00"))
	s.runUntil(at(t, "2026-06-10 12:00"), nil)
	reloadAndSettle(t, s, testConfig(dir, summerFrom15June(t), sub))
	s.runUntil(at(t, "2026-06-11 12:00"), nil)
	// And back: the closed day returns, the summer starts on 29 June again.
	reloadAndSettle(t, s, testConfig(dir, kundcenter2026(t, closed15), sub))
	s.runUntil(at(t, "2026-06-16 00:00"), nil)
	diff(t, "a closed day that became a period's start and back", s.box.lines(), []string{
		"anna@example.com 2026-06-08 | 2026-06-15 day new closed",
		"anna@example.com 2026-06-10 | 2026-06-15 period-start correction 08:00-15:00",
		"anna@example.com 2026-06-11 | 2026-06-15 day correction closed",
		"anna@example.com 2026-06-12 | 2026-06-19 day new closed",
	})
}

// TestClockFromTheFuture: the clock ran a year ahead for one check (a
// board without a real-time clock, a bad NTP answer), then was set right.
// That check's record must not stand in the way of catching up the checks
// missed while hoursd was down afterwards.
func TestClockFromTheFuture(t *testing.T) {
	dir := t.TempDir()
	sub := subscriber("anna", []int{1}, "mail:anna@example.com")
	s := newSim(t, testConfig(dir, kundcenter2026(t), sub), at(t, "2026-04-20 12:00"))
	s.runUntil(at(t, "2026-04-26 12:00"), nil)

	// One check at a time a year ahead, then the clock is set right.
	s.clock.Set(at(t, "2027-04-26 18:00"))
	s.d.runSpec(sub.Check)
	s.restartAt(at(t, "2026-04-26 12:00"))
	s.runUntil(at(t, "2026-04-28 12:00"), nil)

	// Down from 28 April noon to 29 April 20:00: the 18:00 check that
	// tells of Valborg tomorrow is caught up.
	s.restartAt(at(t, "2026-04-29 20:00"))
	s.runUntil(at(t, "2026-05-02 00:00"), nil)

	var got []string
	for _, l := range s.box.lines() {
		if l >= "anna@example.com 2026-04-2" && l < "anna@example.com 2027" {
			got = append(got, l)
		}
	}
	diff(t, "checks after the clock was set right", got, []string{
		"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
		"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
	})
}

// TestOrderPerTarget: a message waiting to be retried (its channel is down)
// and a correction of it queued by a later check must reach the target in
// the order they were written. Sent side by side, the correction ("now
// 13:00, not 11:30 as announced") can arrive first, and the target is left
// reading the stale announcement last.
func TestOrderPerTarget(t *testing.T) {
	dir := t.TempDir()
	sub := subscriber("anna", []int{7, 1}, "mail:anna@example.com")
	s := newSim(t, testConfig(dir, kundcenter2026(t), sub), at(t, "2026-04-23 12:00"))

	// The week-ahead message fails at 18:00 and waits to be retried.
	waiting, resume := make(chan struct{}), make(chan struct{})
	s.d.opts.Sleep = func(ctx context.Context, _ time.Duration) error {
		close(waiting)
		<-resume
		return nil
	}
	s.box.setDown("anna@example.com", true)
	s.clock.Set(at(t, "2026-04-23 18:00"))
	first := make(chan struct{})
	go func() { defer close(first); s.d.runSpec(sub.Check) }()
	<-waiting

	// While it waits, Valborg's hours are corrected, the channel is back,
	// and the next evening's check queues the correction.
	s.box.setDown("anna@example.com", false)
	reloadAndSettle(t, s, testConfig(dir, valborgUntil13(t), sub))
	s.clock.Set(at(t, "2026-04-24 18:00"))
	s.d.runSpec(sub.Check)
	close(resume)
	<-first
	s.d.background.Wait()

	var got []string
	for _, g := range s.box.got {
		got = append(got, g.line)
	}
	want := []string{
		"2026-04-30 day new 08:00-11:30",
		"2026-04-30 day correction 08:00-13:00",
		"2026-05-01 day new closed",
	}
	if !slices.Equal(got, want) {
		t.Errorf("anna@example.com received, in this order:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestOnceAtEdges: cases where hoursd's record of what was told must keep a
// message single — the autumn night whose 02:30 comes twice, two schedules
// with a change on the same date, a crash between queuing and sending.
func TestOnceAtEdges(t *testing.T) {
	closed26Oct := schedule.Exception{From: date(t, "2026-10-26"), To: date(t, "2026-10-26"), Closed: true, Name: schedule.Name{SV: "Stängt", EN: "Closed"}}
	tests := []struct {
		name  string
		check string
		from  string
		until string
		setup func(t *testing.T, cfg *config.Config)
		mid   func(s *sim) // run at the first check, after it
		want  []string
	}{
		{
			"02:30 on the night it comes twice", "30 2 * * *", "2026-10-24 12:00", "2026-10-26 00:00",
			func(t *testing.T, cfg *config.Config) { cfg.Schedules[0] = kundcenter2026(t, closed26Oct) }, nil,
			[]string{"anna@example.com 2026-10-25 | 2026-10-26 day new closed"},
		},
		{
			"two schedules, one date", "0 18 * * *", "2026-04-29 12:00", "2026-04-30 00:00",
			func(t *testing.T, cfg *config.Config) {
				annex := kundcenter2026(t)
				annex.ID = "annex"
				cfg.Schedules = append(cfg.Schedules, annex)
				cfg.Subscribers[0].Schedules = []string{"kundcenter", "annex"}
			}, nil,
			[]string{
				"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
				"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
			},
		},
		{
			"a crash between queuing and sending", "0 18 * * *", "2026-04-29 12:00", "2026-05-01 00:00",
			func(*testing.T, *config.Config) {},
			func(s *sim) {
				if s.clock.Now().Equal(at(t, "2026-04-29 18:00")) {
					s.box.setDown("anna@example.com", false)
					s.restartAt(at(t, "2026-04-29 18:05"))
				}
			},
			[]string{
				"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
				"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := subscriber("anna", []int{1}, "mail:anna@example.com")
			sub.Check = tt.check
			cfg := testConfig(t.TempDir(), kundcenter2026(t), sub)
			tt.setup(t, cfg)
			s := newSim(t, cfg, at(t, tt.from))
			if tt.mid != nil {
				// The channel refuses the first send: the message is
				// queued, not sent, when hoursd goes down.
				s.box.setDown("anna@example.com", true)
			}
			var each func(time.Time)
			if tt.mid != nil {
				each = func(time.Time) { tt.mid(s) }
			}
			s.runUntil(at(t, tt.until), each)
			diff(t, tt.name, s.box.lines(), tt.want)
		})
	}
}
