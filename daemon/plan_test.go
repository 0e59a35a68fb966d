package daemon

import (
	"strings"
	"testing"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// changeOn is the change a schedule has on a date (of the kind given).
func changeOn(t *testing.T, s *schedule.Schedule, on string, kind schedule.Kind) *schedule.Change {
	t.Helper()
	d := date(t, on)
	for _, c := range s.Changes(d, 1) {
		if c.Date == d && c.Kind == kind {
			return &c
		}
	}
	t.Fatalf("%s has no %s change on %s", s.ID, kind, on)
	return nil
}

// TestPlan plans checks from what the targets were told, with no store: the
// planning rules on their own.
func TestPlan(t *testing.T) {
	kc := kundcenter2026(t)
	until13 := valborgUntil13(t)
	mayFourClosed := kundcenter2026(t, schedule.Exception{From: date(t, "2026-05-04"), To: date(t, "2026-05-04"), Closed: true})
	valborg := changeOn(t, kc, "2026-04-30", schedule.KindDay)
	valborg13 := changeOn(t, until13, "2026-04-30", schedule.KindDay)
	may4 := changeOn(t, mayFourClosed, "2026-05-04", schedule.KindDay)
	const anna, bo = "anna/mail/anna@example.com", "anna/mail/bo@example.com"
	told := func(target string, c *schedule.Change, offsets ...int) map[annKey]*announcement {
		return map[annKey]*announcement{
			{Subscriber: "anna", Target: target, Schedule: c.Schedule, Date: c.Date, Kind: c.Kind}: {Offsets: offsets, Current: c},
		}
	}
	tests := []struct {
		name   string
		remind []int
		told   []map[annKey]*announcement // per target
		want   []string                   // per message: "target: date kind status hours[ (was …)]"
	}{
		{"nothing told: Valborg on its eve", []int{1}, nil,
			[]string{anna + ": 2026-04-30 day new 08:00-11:30", bo + ": 2026-04-30 day new 08:00-11:30"}},
		{"told the same: nothing more", []int{1}, []map[annKey]*announcement{told(anna, valborg, 1), told(bo, valborg, 1)},
			nil},
		{"one target told, the other not", []int{1}, []map[annKey]*announcement{told(anna, valborg, 1), nil},
			[]string{bo + ": 2026-04-30 day new 08:00-11:30"}},
		{"told other hours: a correction", []int{1}, []map[annKey]*announcement{told(anna, valborg13, 1), told(bo, valborg, 1)},
			[]string{anna + ": 2026-04-30 day correction 08:00-11:30 (was 08:00-13:00)"}},
		{"told a week ahead: reminded on the eve", []int{7, 1}, []map[annKey]*announcement{told(anna, valborg, 7), told(bo, valborg, 7, 1)},
			[]string{anna + ": 2026-04-30 day new 08:00-11:30"}},
		{"told a closing that is gone: a cancellation", []int{7, 1}, []map[annKey]*announcement{told(anna, may4, 7), nil},
			[]string{anna + ": 2026-04-30 day new 08:00-11:30, 2026-05-04 day cancellation closed (was closed)",
				bo + ": 2026-04-30 day new 08:00-11:30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := subscriber("anna", tt.remind, "mail:anna@example.com", "mail:bo@example.com")
			cfg := testConfig(t.TempDir(), kc, sub)
			w := newWindow(at(t, "2026-04-29 18:00"), stockholm, nil, at(t, "2026-04-29 18:00"))
			out, err := plan(cfg, &cfg.Subscribers[0], w, tt.told, &changeCache{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range out {
				var items []string
				for _, it := range o.Items {
					s := it.Change.Date.String() + " " + string(it.Change.Kind) + " " + string(it.Status) + " " + it.Change.Hours.String()
					if it.Status != notifier.StatusNew {
						s += " (was " + it.Previous.Hours.String() + ")"
					}
					items = append(items, s)
				}
				got = append(got, o.Target+": "+strings.Join(items, ", "))
			}
			diff(t, "plan at 2026-04-29 18:00", got, tt.want)
		})
	}
}
