package daemon

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// window is what one check of one subscriber stands for.
//
// A change on date D is announced with remind offset r at the first check
// whose date T satisfies Last < D−r ≤ T, where Last is the date of the
// subscriber's previous check (at most T−1), and only while D is still open
// (see open). With a check every day this is exactly "D − T = r"; when a
// check did not happen (hoursd was down, or cron skipped a time that a DST
// change removed), the next check announces what the missed one would have.
// A new subscriber starts with Last = T−1, so it hears only what is due
// today, not every change of the past week.
type window struct {
	At    time.Time     // the instant the check stands for
	Today schedule.Date // its date in the config's zone
	Last  schedule.Date // date of the previous check, < Today
	Ahead schedule.Date // only changes after this date are told (≥ Today)
}

func newWindow(at time.Time, loc *time.Location, last *run, now time.Time) window {
	today := schedule.DateOf(at.In(loc))
	w := window{At: at, Today: today, Last: today.AddDays(-1), Ahead: today}
	if last != nil {
		if l := schedule.DateOf(last.At.In(loc)); l.Before(w.Last) {
			w.Last = l
		}
	}
	if n := schedule.DateOf(now.In(loc)); n.After(w.Ahead) {
		w.Ahead = n
	}
	return w
}

// open reports whether a change on d may still be told (announced,
// corrected or cancelled) at this check. A change is open while its day has
// not begun; for a subscriber with 0 in remind (sameDay), who asked to hear
// of a change on the day itself, a change on the check's own date stays open
// while that day lasts. It is the check's own date only when the check is
// not a catch-up run the next day or later (Today = Ahead): a message
// rendered for yesterday's check would call today "tomorrow".
//
// The same rule holds for corrections: a subscriber told in the morning
// that today closes at 11:30 hears at a later check the same day that it
// closes at 13:00 after all; one who is only told the evening before does
// not hear of a correction once the day has begun.
func (w window) open(d schedule.Date, sameDay bool) bool {
	return d.After(w.Ahead) || (sameDay && d == w.Today && w.Today == w.Ahead)
}

// dueOf is the instant after which a message is no longer sent: the start
// of its earliest item's day, or, when that item is on the check's own date
// (a same-day message, see window.open), the start of the next day — a
// same-day message is worth sending until its day ends.
func dueOf(items []notifier.Item, today schedule.Date, loc *time.Location) time.Time {
	first := items[0].Change.Date
	for _, it := range items {
		if it.Change.Date.Before(first) {
			first = it.Change.Date
		}
	}
	if first == today {
		return first.AddDays(1).Time(loc)
	}
	return first.Time(loc)
}

// sameDayMessage reports whether a message announces a change on its
// check's own date, so that its deadline is the end of that day.
func sameDayMessage(dl Delivery) bool {
	return slices.ContainsFunc(dl.Items, func(it notifier.Item) bool { return it.Change.Date == dl.Today })
}

// outgoing is one message to one target, planned but not yet in the outbox,
// with what the target will then have been told.
type outgoing struct {
	Delivery
	target  config.Target
	updates map[annKey]*announcement
}

func scheduleByID(cfg *config.Config, id string) *schedule.Schedule {
	for _, s := range cfg.Schedules {
		if s.ID == id {
			return s
		}
	}
	return nil
}

type changeKey struct {
	Schedule string
	Date     schedule.Date
	Kind     schedule.Kind
}

// sameContent reports whether a subscriber would read the same news in a and
// b: the hours, the period's end and its weekly hours. A renamed day is not
// worth a correction.
func sameContent(a, b *schedule.Change) bool {
	if !a.Hours.Equal(b.Hours) || a.Until != b.Until {
		return false
	}
	for i := range a.Weekly {
		if !a.Weekly[i].Equal(b.Weekly[i]) {
			return false
		}
	}
	return true
}

// plan works out one subscriber's messages for a check: per target, the
// changes due and the corrections and cancellations of what it was told.
// was is what sub.Targets[i] was told before (nil: nothing). plan is pure:
// it reads no store and writes nothing, and changes memoises the schedules'
// changes across the subscribers of one check. Subject and body are left
// for render.
func plan(cfg *config.Config, sub *config.Subscriber, w window, told []map[annKey]*announcement, changes *changeCache) ([]outgoing, error) {
	remind := remindOf(cfg, sub)
	sameDay := slices.Contains(remind, 0)
	span := slices.Max(remind)
	for _, a := range told {
		for k := range a {
			span = max(span, k.Date.Sub(w.Today))
		}
	}

	// The changes ahead, once for all targets.
	current := map[changeKey]*schedule.Change{}
	type due struct {
		change  *schedule.Change
		offsets []int
	}
	var dues []due
	for _, id := range sub.Schedules {
		s := scheduleByID(cfg, id)
		if s == nil {
			return nil, fmt.Errorf("subscriber %s: schedule %q is not configured", sub.ID, id)
		}
		// From the check's own date: a same-day change may be open.
		for _, c := range changes.of(s, w.Today, span+1) {
			if !w.open(c.Date, sameDay) {
				continue
			}
			current[changeKey{id, c.Date, c.Kind}] = &c
			var offs []int
			for _, r := range remind {
				if at := c.Date.AddDays(-r); at.After(w.Last) && !at.After(w.Today) {
					offs = append(offs, r)
				}
			}
			if len(offs) > 0 {
				dues = append(dues, due{&c, offs})
			}
		}
	}

	var out []outgoing
	for i, t := range sub.Targets {
		tid := t.ID(sub.ID)
		var was map[annKey]*announcement
		if i < len(told) {
			was = told[i]
		}
		updates := map[annKey]*announcement{}
		var items []notifier.Item
		for _, du := range dues {
			k := annKey{sub.ID, tid, du.change.Schedule, du.change.Date, du.change.Kind}
			prev := was[k]
			if prev != nil && prev.Current != nil && sameContent(prev.Current, du.change) && containsAll(prev.Offsets, du.offsets) {
				continue
			}
			next := &announcement{Current: du.change}
			item := notifier.Item{Change: *du.change, Status: notifier.StatusNew}
			if prev != nil {
				next.Offsets = slices.Clone(prev.Offsets)
				if prev.Current != nil && !sameContent(prev.Current, du.change) {
					item.Status, item.Previous = notifier.StatusCorrection, prev.Current
				}
			}
			next.Offsets = union(next.Offsets, du.offsets)
			updates[k] = next
			items = append(items, item)
		}
		items = flipKinds(was, updates, items, current, sub, tid, w, sameDay)
		for k, prev := range was {
			if _, done := updates[k]; done || !w.open(k.Date, sameDay) || !slices.Contains(sub.Schedules, k.Schedule) {
				continue
			}
			now := current[changeKey{k.Schedule, k.Date, k.Kind}]
			var item notifier.Item
			switch {
			case now == nil && prev.Current != nil:
				item = notifier.Item{Change: *prev.Current, Status: notifier.StatusCancellation, Previous: prev.Current}
			case now != nil && prev.Current == nil:
				item = notifier.Item{Change: *now, Status: notifier.StatusNew}
			case now != nil && !sameContent(prev.Current, now):
				item = notifier.Item{Change: *now, Status: notifier.StatusCorrection, Previous: prev.Current}
			default:
				continue
			}
			updates[k] = &announcement{Offsets: slices.Clone(prev.Offsets), Current: now}
			items = append(items, item)
		}
		if len(items) == 0 {
			continue
		}
		order := func(id string) int { return slices.Index(sub.Schedules, id) }
		slices.SortFunc(items, func(a, b notifier.Item) int {
			return cmp.Or(cmp.Compare(order(a.Change.Schedule), order(b.Change.Schedule)),
				a.Change.Date.Compare(b.Change.Date), cmp.Compare(a.Change.Kind, b.Change.Kind))
		})
		out = append(out, outgoing{
			Delivery: Delivery{
				Subscriber: sub.ID, Target: tid, Channel: t.Channel,
				CheckedAt: w.At, Today: w.Today, Due: dueOf(items, w.Today, cfg.Location), Items: items,
				State: StatePending,
			},
			target:  t,
			updates: updates,
		})
	}
	return out, nil
}

// changeCache memoises the changes of each schedule over one window, so a
// check of a hundred thousand subscribers of one place works them out once.
// It is used by one planner at a time.
type changeCache struct {
	mu sync.Mutex // the parts of a chunk planned side by side share it
	m  map[changeQuery][]schedule.Change
}

type changeQuery struct {
	schedule *schedule.Schedule
	from     schedule.Date
	days     int
}

// of is s.Changes(from, days); a nil cache does not memoise.
func (c *changeCache) of(s *schedule.Schedule, from schedule.Date, days int) []schedule.Change {
	if c == nil {
		return s.Changes(from, days)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	q := changeQuery{s, from, days}
	ch, ok := c.m[q]
	if !ok {
		if c.m == nil {
			c.m = map[changeQuery][]schedule.Change{}
		}
		ch = s.Changes(from, days)
		c.m[q] = ch
	}
	return ch
}

// kinds are the kinds of change, in the order a message lists them.
var kinds = []schedule.Kind{schedule.KindDay, schedule.KindPeriodStart, schedule.KindPeriodEnd}

// flipKinds handles a date told as one kind of change that now holds
// another: a closed Monday that became the first day of the summer hours.
// Taken one key at a time, the old change would be cancelled ("regular
// hours after all", which is wrong) and the new one would wait for its next
// remind offset, which may never come. Instead the target hears one
// correction: the date's new change, with what it was told before. This
// runs before the other corrections and cancellations, which then skip
// both keys.
func flipKinds(told, updates map[annKey]*announcement, items []notifier.Item, current map[changeKey]*schedule.Change,
	sub *config.Subscriber, tid string, w window, sameDay bool) []notifier.Item {
	var keys []annKey // in a fixed order: the map's would make two runs differ
	for k, prev := range told {
		if prev.Current != nil && w.open(k.Date, sameDay) && slices.Contains(sub.Schedules, k.Schedule) &&
			current[changeKey{k.Schedule, k.Date, k.Kind}] == nil && updates[k] == nil {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b annKey) int {
		return cmp.Or(cmp.Compare(a.Schedule, b.Schedule), a.Date.Compare(b.Date), cmp.Compare(a.Kind, b.Kind))
	})
	for _, k := range keys {
		prev := told[k]
		for _, kind := range kinds {
			c := current[changeKey{k.Schedule, k.Date, kind}]
			if kind == k.Kind || c == nil {
				continue
			}
			k2 := annKey{sub.ID, tid, k.Schedule, k.Date, kind}
			fixed := false
			if u := updates[k2]; u != nil {
				// Announced in this very message: a new announcement
				// becomes the correction; a correction already says what
				// was told of it, and the old change is cancelled as usual.
				i := slices.IndexFunc(items, func(it notifier.Item) bool {
					return it.Change.Schedule == k.Schedule && it.Change.Date == k.Date && it.Change.Kind == kind
				})
				if i >= 0 && items[i].Status == notifier.StatusNew {
					items[i].Status, items[i].Previous = notifier.StatusCorrection, prev.Current
					fixed = true
				}
			} else if p2 := told[k2]; p2 == nil || p2.Current == nil {
				var offs []int
				if p2 != nil {
					offs = slices.Clone(p2.Offsets)
				}
				updates[k2] = &announcement{Offsets: union(offs, prev.Offsets), Current: c}
				items = append(items, notifier.Item{Change: *c, Status: notifier.StatusCorrection, Previous: prev.Current})
				fixed = true
			}
			if fixed {
				updates[k] = &announcement{Offsets: slices.Clone(prev.Offsets)}
				break
			}
		}
	}
	return items
}

func containsAll(have, want []int) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func union(a, b []int) []int {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	slices.Sort(a)
	return a
}
