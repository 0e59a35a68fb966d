// Package sources fetches the pages places publish about their own hours,
// keeps the last good reading of each schedule's source in the state
// directory, and merges the kept readings into the configuration, so that
// every command — upcoming, day, check, ics, the status page and the daemon —
// sees the same dated rules and only a refresh touches the network.
//
// A refresh that fails (the page cannot be fetched, no longer yields a list,
// or would drop more than half of the future dated rules at once) keeps the
// last good reading and says why: in the log, `hoursd status`, the status
// page and /metrics. Reading a page is package schedule/source's business;
// this package fetches with net/http, keeps files, and wires cron
// (robfig/cron/v3) in the configuration's time zone.
package sources

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hoursd/hoursd/schedule"
	"github.com/hoursd/hoursd/schedule/source"
)

// Kept is what the state directory holds for one schedule's source: the last
// good reading, when and from where it was fetched, the validators for the
// next conditional request, and how the last attempt went. Its JSON is the
// kept file's format, which must keep loading; the commands print
// ReadingJSON (output.go).
type Kept struct {
	Schedule string `json:"schedule"`
	URL      string `json:"url"`    // where the reading was fetched from
	Format   string `json:"format"` // how it was read

	// FetchedAt is when the page that gave the reading was fetched;
	// CheckedAt is the last refresh that succeeded, a "not modified"
	// answer included. Both zero when no refresh has ever succeeded.
	FetchedAt    time.Time `json:"fetched_at,omitzero"`
	CheckedAt    time.Time `json:"checked_at,omitzero"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`

	Exceptions []Exception `json:"exceptions"`
	Periods    []Period    `json:"periods"`
	Weekly     Week        `json:"weekly,omitempty"` // nil: the source states no regular week
	Warnings   []Warning   `json:"warnings"`

	// LastAttempt is the last refresh, good or not; LastError is why it
	// failed ("" when it did not), Failures how many refreshes in a row
	// failed, HeldBack whether the last one was refused because it would
	// have dropped most dates.
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Failures    int       `json:"failures"`
	HeldBack    bool      `json:"held_back,omitempty"`
}

// HasReading says whether a refresh ever succeeded: a file may hold only
// the record of failures.
func (k *Kept) HasReading() bool { return !k.FetchedAt.IsZero() }

// Interval is an opening as `hoursd upcoming --format json` writes it.
type Interval struct {
	Open  string `json:"open"`  // HH:MM
	Close string `json:"close"` // HH:MM
}

// Exception is one dated rule a source gave: From..To inclusive
// (YYYY-MM-DD), with its hours or closed.
type Exception struct {
	From   string     `json:"from"`
	To     string     `json:"to"`
	Name   string     `json:"name,omitempty"`
	NameEN string     `json:"name_en,omitempty"`
	Hours  []Interval `json:"hours"`
	Closed bool       `json:"closed"`
	Text   string     `json:"text,omitempty"` // the source's own words for it
}

// Period is a dated season a source gave, with its own week.
type Period struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Name   string `json:"name,omitempty"`
	NameEN string `json:"name_en,omitempty"`
	Week   Week   `json:"week"`
	Text   string `json:"text,omitempty"` // the source's own words for it
}

// Week maps mon … sun to that day's openings; every day is present, a
// closed one with [].
type Week map[string][]Interval

// Warning is something the reader saw and did not use.
type Warning struct {
	Text    string `json:"text"`
	Message string `json:"message"`
}

func jsonHours(h schedule.Hours) []Interval {
	out := make([]Interval, 0, len(h))
	for _, iv := range h {
		out = append(out, Interval{Open: iv.Open.String(), Close: iv.Close.String()})
	}
	return out
}

func jsonWeek(w schedule.Week) Week {
	out := Week{}
	for wd := range time.Weekday(7) {
		out[schedule.WeekdayKey(wd)] = jsonHours(w[wd])
	}
	return out
}

// keptFrom turns a reading into the kept form.
func keptFrom(r *source.Reading, texts ruleTexts) (ex []Exception, per []Period, week Week, warn []Warning) {
	ex, per, warn = []Exception{}, []Period{}, []Warning{}
	for i, x := range r.Exceptions {
		ex = append(ex, Exception{From: x.From.String(), To: x.To.String(), Name: x.Name.SV, NameEN: enName(x.Name),
			Hours: jsonHours(x.Hours), Closed: x.Closed || x.Hours.Closed(), Text: texts.ex[i]})
	}
	for i, p := range r.Periods {
		per = append(per, Period{From: p.From.String(), To: p.To.String(), Name: p.Name.SV, NameEN: enName(p.Name),
			Week: jsonWeek(p.Weekly), Text: texts.per[i]})
	}
	if r.Weekly != nil {
		week = jsonWeek(*r.Weekly)
	}
	for _, w := range r.Warnings {
		warn = append(warn, Warning{Text: w.Text, Message: w.Message})
	}
	return ex, per, week, warn
}

// enName is the English name unless it only repeats the Swedish one.
func enName(n schedule.Name) string {
	if n.EN == n.SV {
		return ""
	}
	return n.EN
}

func modelName(sv, en string) schedule.Name {
	if en == "" {
		en = sv
	}
	return schedule.Name{SV: sv, EN: en}
}

func modelHours(ivs []Interval) (schedule.Hours, error) {
	ss := make([]string, 0, len(ivs))
	for _, iv := range ivs {
		ss = append(ss, iv.Open+"-"+iv.Close)
	}
	return schedule.ParseHours(ss)
}

func modelWeek(w Week) (schedule.Week, error) {
	var out schedule.Week
	for key, ivs := range w {
		days, err := schedule.ParseWeekdays(key)
		if err != nil {
			return out, err
		}
		h, err := modelHours(ivs)
		if err != nil {
			return out, fmt.Errorf("%s: %w", key, err)
		}
		for _, d := range days {
			out[d] = h
		}
	}
	return out, nil
}

// Rules turns the kept reading back into the model's dated rules. A file
// edited by hand or written by a later hoursd may hold what this one
// cannot read: that is an error, and the reading is not used.
func (k *Kept) Rules() (ex []schedule.Exception, per []schedule.Period, weekly *schedule.Week, err error) {
	for i, x := range k.Exceptions {
		e := schedule.Exception{Name: modelName(x.Name, x.NameEN), Closed: x.Closed}
		if e.From, err = schedule.ParseDate(x.From); err == nil {
			e.To, err = schedule.ParseDate(x.To)
		}
		if err == nil {
			e.Hours, err = modelHours(x.Hours)
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("exceptions[%d]: %w", i, err)
		}
		if e.Closed {
			e.Hours = nil
		}
		ex = append(ex, e)
	}
	for i, p := range k.Periods {
		per1 := schedule.Period{Name: modelName(p.Name, p.NameEN)}
		if per1.From, err = schedule.ParseYearDate(p.From); err == nil {
			per1.To, err = schedule.ParseYearDate(p.To)
		}
		if err == nil {
			per1.Weekly, err = modelWeek(p.Week)
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("periods[%d]: %w", i, err)
		}
		per = append(per, per1)
	}
	if k.Weekly != nil {
		w, err := modelWeek(k.Weekly)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("weekly: %w", err)
		}
		weekly = &w
	}
	return ex, per, weekly, nil
}

// normalise makes the lists of a decoded file non-nil, so that its JSON
// says [] rather than null whatever the file held.
func (k *Kept) normalise() {
	if k.Exceptions == nil {
		k.Exceptions = []Exception{}
	}
	if k.Periods == nil {
		k.Periods = []Period{}
	}
	if k.Warnings == nil {
		k.Warnings = []Warning{}
	}
	for i := range k.Exceptions {
		if k.Exceptions[i].Hours == nil {
			k.Exceptions[i].Hours = []Interval{}
		}
	}
}

// MarshalJSON writes the lists as [] when empty.
func (k Kept) MarshalJSON() ([]byte, error) {
	k.normalise()
	type plain Kept
	return json.Marshal(plain(k))
}
