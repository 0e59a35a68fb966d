package notifier

import (
	"fmt"
	"time"

	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// The JSON shapes below are hoursd's one way of writing a change as data:
// `hoursd upcoming --format json`, the items of status, check and /dry-run,
// and the webhook payload all use them, so a script written against one
// reads the others (docs/json.md). Dates are YYYY-MM-DD, times HH:MM, keys
// snake_case, and a list is [] when empty, never null. They live here, the
// lowest package that both the webhook and the daemon and command line
// import.

// IntervalJSON is one opening: {"open": "08:00", "close": "16:00"}. A close
// not after the open runs past midnight, as in the configuration.
type IntervalJSON struct {
	Open  string `json:"open"`
	Close string `json:"close"`
}

// WeekJSON is weekly hours, every day present, a closed day [].
type WeekJSON struct {
	Mon []IntervalJSON `json:"mon"`
	Tue []IntervalJSON `json:"tue"`
	Wed []IntervalJSON `json:"wed"`
	Thu []IntervalJSON `json:"thu"`
	Fri []IntervalJSON `json:"fri"`
	Sat []IntervalJSON `json:"sat"`
	Sun []IntervalJSON `json:"sun"`
}

// ChangeJSON is a change as data. Until and RegularWeek are a
// period-start's, Week a period-start's or period-end's (the hours from Date
// on): a period's entry carries its whole week, since its Hours are only
// those of its first open weekday.
type ChangeJSON struct {
	Schedule    string         `json:"schedule"`
	Date        string         `json:"date"`
	Kind        string         `json:"kind"`
	Name        string         `json:"name"` // Swedish, else English, else ""
	Until       string         `json:"until,omitempty"`
	Hours       []IntervalJSON `json:"hours"`
	Regular     []IntervalJSON `json:"regular"`
	Week        *WeekJSON      `json:"week,omitempty"`
	RegularWeek *WeekJSON      `json:"regular_week,omitempty"`
}

// ItemJSON is an item of a message as data: the change and whether it is
// news, a correction or a cancellation.
type ItemJSON struct {
	ChangeJSON
	Status Status `json:"status"`
}

// HoursJSON is h as data; never nil, so a closed day is [].
func HoursJSON(h schedule.Hours) []IntervalJSON {
	out := make([]IntervalJSON, len(h))
	for i, iv := range h {
		out[i] = IntervalJSON{Open: iv.Open.String(), Close: iv.Close.String()}
	}
	return out
}

// WeekJSONOf is w as data.
func WeekJSONOf(w schedule.Week) *WeekJSON {
	return &WeekJSON{
		Mon: HoursJSON(w[time.Monday]), Tue: HoursJSON(w[time.Tuesday]), Wed: HoursJSON(w[time.Wednesday]),
		Thu: HoursJSON(w[time.Thursday]), Fri: HoursJSON(w[time.Friday]), Sat: HoursJSON(w[time.Saturday]),
		Sun: HoursJSON(w[time.Sunday]),
	}
}

// ChangeJSONOf is c as data.
func ChangeJSONOf(c schedule.Change) ChangeJSON {
	out := ChangeJSON{
		Schedule: c.Schedule,
		Date:     c.Date.String(),
		Kind:     string(c.Kind),
		Name:     words.Swedish.Name(c.Name),
		Hours:    HoursJSON(c.Hours),
		Regular:  HoursJSON(c.Regular),
	}
	switch c.Kind {
	case schedule.KindPeriodStart:
		if !c.Until.IsZero() {
			out.Until = c.Until.String()
		}
		out.Week, out.RegularWeek = WeekJSONOf(c.Weekly), WeekJSONOf(c.RegularWeekly)
	case schedule.KindPeriodEnd:
		out.Week = WeekJSONOf(c.Weekly)
	}
	return out
}

// ItemsJSON is items as data; never nil.
func ItemsJSON(items []Item) []ItemJSON {
	out := make([]ItemJSON, len(items))
	for i, it := range items {
		out[i] = ItemJSON{ChangeJSON: ChangeJSONOf(it.Change), Status: statusOrNew(it.Status)}
	}
	return out
}

// statusOrNew is an item's status, "new" where it was left unset.
func statusOrNew(s Status) Status {
	if s == "" {
		return StatusNew
	}
	return s
}

// Change reads the data back into a change, for a command that prints what
// the daemon served. The name comes back as the Swedish one it was written
// as.
func (c ChangeJSON) Change() (schedule.Change, error) {
	out := schedule.Change{Schedule: c.Schedule, Kind: schedule.Kind(c.Kind), Name: schedule.Name{SV: c.Name}}
	var err error
	if out.Date, err = schedule.ParseDate(c.Date); err != nil {
		return schedule.Change{}, err
	}
	if c.Until != "" {
		if out.Until, err = schedule.ParseDate(c.Until); err != nil {
			return schedule.Change{}, fmt.Errorf("until: %w", err)
		}
	}
	if out.Hours, err = parseHoursJSON(c.Hours); err != nil {
		return schedule.Change{}, fmt.Errorf("hours: %w", err)
	}
	if out.Regular, err = parseHoursJSON(c.Regular); err != nil {
		return schedule.Change{}, fmt.Errorf("regular: %w", err)
	}
	if out.Weekly, err = c.Week.week(); err != nil {
		return schedule.Change{}, fmt.Errorf("week: %w", err)
	}
	if out.RegularWeekly, err = c.RegularWeek.week(); err != nil {
		return schedule.Change{}, fmt.Errorf("regular_week: %w", err)
	}
	return out, nil
}

// Item reads the data back into an item.
func (it ItemJSON) Item() (Item, error) {
	c, err := it.Change()
	if err != nil {
		return Item{}, fmt.Errorf("item of %s %s: %w", it.Schedule, it.Date, err)
	}
	return Item{Change: c, Status: it.Status}, nil
}

// week reads weekly hours back; nil is a week closed every day.
func (w *WeekJSON) week() (schedule.Week, error) {
	var out schedule.Week
	if w == nil {
		return out, nil
	}
	days := []struct {
		wd time.Weekday
		h  []IntervalJSON
	}{{time.Monday, w.Mon}, {time.Tuesday, w.Tue}, {time.Wednesday, w.Wed}, {time.Thursday, w.Thu},
		{time.Friday, w.Fri}, {time.Saturday, w.Sat}, {time.Sunday, w.Sun}}
	for _, d := range days {
		h, err := parseHoursJSON(d.h)
		if err != nil {
			return out, err
		}
		out[d.wd] = h
	}
	return out, nil
}

func parseHoursJSON(ivs []IntervalJSON) (schedule.Hours, error) {
	var h schedule.Hours
	for _, iv := range ivs {
		x, err := schedule.ParseInterval(iv.Open + "-" + iv.Close)
		if err != nil {
			return nil, err
		}
		h = append(h, x)
	}
	return h, nil
}
