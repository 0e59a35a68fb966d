package daemon

import (
	"strings"
	"testing"
	"time"
)

// TestSameDay runs checks for three months with 0 in remind: each change is
// announced on its own day at the day's first check, once, however many
// checks the day has; a subscriber without 0 hears nothing on the day.
func TestSameDay(t *testing.T) {
	tests := []struct {
		name   string
		check  string
		remind []int
		hour   int // the hour every message arrives at
	}{
		{"on the day, checked at 07:00 and 12:00", "0 7,12 * * *", []int{0}, 7},
		{"the day before and on the day, checked at 07:00 and 18:00", "0 7,18 * * *", []int{1, 0}, 7},
		{"the evening before and on the day, checked at 18:00", "0 18 * * *", []int{1, 0}, 18},
		{"the day before only: nothing on the day", "0 7,12 * * *", []int{1}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sameDaySim(t, t.TempDir(), tt.remind, tt.check, at(t, "2026-04-01 00:00"))
			s.runUntil(at(t, "2026-07-01 00:00"), nil)

			diff(t, "three months of checks", s.box.lines(), expected("anna@example.com", tt.remind, "2026-04-01", "2026-06-30"))
			s.checkArrivals(tt.hour)
		})
	}
}

// TestSameDayDue pins each message's deadline: the start of its earliest
// day, or the end of the check's day when it tells of a change on that day.
func TestSameDayDue(t *testing.T) {
	tests := []struct {
		name    string
		remind  []int
		check   string
		wantDue string
		items   int
	}{
		{"the evening before", []int{1}, "2026-04-29 18:00", "2026-04-30 00:00", 1},
		{"on the day", []int{0}, "2026-04-30 07:00", "2026-05-01 00:00", 1},
		{"on the day and the day before the next", []int{1, 0}, "2026-04-30 07:00", "2026-05-01 00:00", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := subscriber("anna", tt.remind, "mail:anna@example.com")
			// Started a minute before: the start's catch-up must not queue it.
			s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t), sub), at(t, tt.check).Add(-time.Minute))
			rep := s.d.Check(t.Context(), at(t, tt.check), true, 0)
			if len(rep.Errors) > 0 || len(rep.Messages) != 1 {
				t.Fatalf("Check(%s) = %d messages, errors %v; want one message", tt.check, len(rep.Messages), rep.Errors)
			}
			m := rep.Messages[0]
			if len(m.Items) != tt.items {
				t.Errorf("Check(%s) message items = %s, want %d", tt.check, describeItems(m.Items), tt.items)
			}
			if want := at(t, tt.wantDue); !m.Due.Equal(want) {
				t.Errorf("Check(%s) message due = %s, want %s", tt.check, m.Due.In(stockholm).Format("2006-01-02 15:04"), tt.wantDue)
			}
		})
	}
}

// TestSameDayChannelDown: a same-day message whose channel is down stays
// pending and is retried at every check while its day lasts; the next day
// it is failed, with the reason.
func TestSameDayChannelDown(t *testing.T) {
	tests := []struct {
		name       string
		upAt       string // when the channel works again
		want       []string
		wantFailed string // the failed message's day and reason, "" for none
	}{
		{"up again at noon", "2026-04-30 11:00", []string{
			"anna@example.com 2026-04-30 | 2026-04-30 day new 08:00-11:30",
			"anna@example.com 2026-05-01 | 2026-05-01 day new closed",
		}, ""},
		{"down until the next morning", "2026-05-01 06:00", []string{
			"anna@example.com 2026-05-01 | 2026-05-01 day new closed",
		}, "2026-04-30: its day ended before it could be sent (last error: connection refused)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sameDaySim(t, t.TempDir(), []int{0}, "0 7,12 * * *", at(t, "2026-04-30 06:00"))
			s.box.setDown("anna@example.com", true)
			s.runUntil(at(t, "2026-04-30 08:00"), nil)

			st, err := s.d.Status()
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Pending) != 1 || !st.Pending[0].Due.Equal(at(t, "2026-05-01 00:00")) {
				t.Fatalf("pending after the morning's failed send = %+v, want one message due 2026-05-01 00:00", st.Pending)
			}
			s.runUntil(at(t, tt.upAt), nil)
			s.box.setDown("anna@example.com", false)
			s.runUntil(at(t, "2026-05-01 08:00"), nil)

			diff(t, "same-day messages with the channel down", s.box.lines(), tt.want)
			if st, err = s.d.Status(); err != nil {
				t.Fatal(err)
			}
			if len(st.Pending) != 0 {
				t.Errorf("pending = %s, want none", describeDeliveries(st.Pending))
			}
			var failed []string
			for _, f := range st.Failed {
				failed = append(failed, f.Today.String()+": "+f.LastError)
			}
			switch {
			case tt.wantFailed == "" && len(failed) > 0:
				t.Errorf("failed messages = %q, want none", failed)
			case tt.wantFailed != "" && (len(failed) != 1 || failed[0] != tt.wantFailed):
				t.Errorf("failed messages = %q, want %q", failed, tt.wantFailed)
			}
			if tt.wantFailed != "" && len(st.Failed) == 1 && st.Failed[0].Attempts != 2 {
				t.Errorf("the failed message was tried %d times, want 2 (at 07:00 and 12:00)", st.Failed[0].Attempts)
			}
		})
	}
}

// sameDaySim is hoursd with one subscriber, anna, following kundcenter2026
// with one target and the given remind offsets and check spec, started at
// start on the state in dir.
func sameDaySim(t *testing.T, dir string, remind []int, check string, start time.Time) *sim {
	t.Helper()
	sub := subscriber("anna", remind, "mail:anna@example.com")
	sub.Check = check
	return newSim(t, testConfig(dir, kundcenter2026(t), sub), start)
}

func describeDeliveries(ds []Delivery) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Today.String()+" "+describeItems(d.Items))
	}
	return strings.Join(parts, "; ")
}

// TestSameDayCorrection edits Valborg's hours on the day, after the
// morning's message: a subscriber told on the day hears the correction at
// the next check that day; one told the day before hears nothing more once
// the day has begun.
func TestSameDayCorrection(t *testing.T) {
	tests := []struct {
		name   string
		remind []int
		want   []string
	}{
		{"told on the day", []int{0}, []string{
			"anna@example.com 2026-04-30 | 2026-04-30 day new 08:00-11:30",
			"anna@example.com 2026-04-30 | 2026-04-30 day correction 08:00-13:00",
		}},
		{"told the day before", []int{1}, []string{
			"anna@example.com 2026-04-29 | 2026-04-30 day new 08:00-11:30",
			"anna@example.com 2026-04-30 | 2026-05-01 day new closed",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := sameDaySim(t, dir, tt.remind, "0 7,12 * * *", at(t, "2026-04-29 00:00"))
			s.runUntil(at(t, "2026-04-30 10:00"), nil)
			reload(t, s, testConfig(dir, valborgUntil13(t), s.cfg.Subscribers[0]))
			s.runUntil(at(t, "2026-04-30 20:00"), nil)
			diff(t, "an edit on the day", s.box.lines(), tt.want)
		})
	}
}
