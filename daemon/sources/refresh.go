package sources

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
	"github.com/hoursd/hoursd/schedule/source"
)

// Getter fetches a page; *Fetcher is the one hoursd uses.
type Getter interface {
	Fetch(ctx context.Context, url string, v Validators) (*Page, error)
}

var _ Getter = (*Fetcher)(nil)

// Refresher refreshes sources and keeps their readings under StateDir.
type Refresher struct {
	StateDir string
	Location *time.Location // the configuration's zone: "future" dates are counted from today there
	Getter   Getter         // nil: a Fetcher with its defaults
	// Read reads a body; nil: source.ReadWith.
	Read func(format string, body []byte, opts source.Options) (*source.Reading, error)
	Now  func() time.Time // nil: time.Now
	// Force keeps a reading even when it would drop most of the future
	// dated rules (hoursd source fetch --force, after a look at the page).
	Force bool
}

// ErrHeldBack is a reading refused because it would drop more than half of
// the future dated rules at once.
var ErrHeldBack = errors.New("held back")

// Result is what one refresh did.
type Result struct {
	Source config.Source
	// Kept is what is kept now: the new reading, or after a failure the
	// last good one (nil when there never was one).
	Kept *Kept
	// Previous is what was kept before the refresh (nil: nothing).
	Previous    *Kept
	NotModified bool     // the server answered 304: the kept reading stands
	Changes     []Change // what the new reading changed; empty when nothing did
	Err         error    // why the refresh failed; nil when it did not
}

// Changed says whether the refresh changed the rules in force.
func (r *Result) Changed() bool { return len(r.Changes) > 0 }

// Change is one difference between two readings, as `hoursd source fetch
// --format json` prints it: every key present, "" where it has nothing to
// say (a weekly change has no dates, an added rule no "was"). It is not
// kept in the state directory.
type Change struct {
	Action string `json:"action"` // added, changed, removed
	Kind   string `json:"kind"`   // exception, period, weekly
	From   string `json:"from"`
	To     string `json:"to"`
	Name   string `json:"name"`
	Now    string `json:"now"` // the hours now, in words ("08:00-11:30", "closed", "mon-fri 08:00-15:00"); "" when removed
	Was    string `json:"was"` // the hours before; "" when added
}

func (r *Refresher) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Refresh fetches src, reads it, and keeps the reading when it is good.
// It returns an error only when the state directory cannot be written;
// a failed fetch or reading is Result.Err.
func (r *Refresher) Refresh(ctx context.Context, src config.Source) (*Result, error) {
	old, err := Load(r.StateDir, src.Schedule)
	if err != nil {
		// A damaged file is replaced by the next good reading; until
		// then there is none.
		old = nil
	}
	res := &Result{Source: src, Previous: old}
	if old != nil && old.HasReading() {
		res.Kept = old
	}
	// Seconds are what anyone reading the times needs; the file stays
	// readable.
	now := r.now().Truncate(time.Second)
	fail := func(err error, heldBack bool) (*Result, error) {
		k := &Kept{Schedule: src.Schedule, URL: src.URL, Format: src.Format}
		if old != nil {
			c := *old
			k = &c
		}
		k.LastAttempt, k.LastError, k.HeldBack = now, err.Error(), heldBack
		k.Failures++
		res.Err = err
		if old != nil && old.HasReading() {
			res.Kept = k
		}
		return res, Save(r.StateDir, k)
	}

	var v Validators
	if old != nil && old.HasReading() && old.URL == src.URL && old.Format == src.Format {
		v = Validators{ETag: old.ETag, LastModified: old.LastModified}
	}
	getter := r.Getter
	if getter == nil {
		getter = &Fetcher{}
	}
	page, err := getter.Fetch(ctx, src.URL, v)
	if err != nil {
		return fail(err, false)
	}
	if page.NotModified {
		k := *old
		k.CheckedAt, k.LastAttempt, k.LastError, k.Failures, k.HeldBack = now, now, "", 0, false
		k.ETag, k.LastModified = page.Validators.ETag, page.Validators.LastModified
		res.Kept, res.NotModified = &k, true
		return res, Save(r.StateDir, &k)
	}
	read := r.Read
	if read == nil {
		read = source.ReadWith
	}
	opts := source.Options{Location: r.loc(), Today: schedule.DateOf(now.In(r.loc()))}
	reading, err := safeRead(read, src.Format, page.Body, opts)
	if err != nil {
		return fail(fmt.Errorf("read the page as %s: %w", src.Format, err), false)
	}
	k := &Kept{
		Schedule: src.Schedule, URL: src.URL, Format: src.Format,
		FetchedAt: now, CheckedAt: now, LastAttempt: now,
		ETag: page.Validators.ETag, LastModified: page.Validators.LastModified,
	}
	k.Exceptions, k.Periods, k.Weekly, k.Warnings = keptFrom(checked(reading))
	// In date order, whatever order the source gave: that is how
	// source show lists them and how a person checks them.
	slices.SortStableFunc(k.Exceptions, func(a, b Exception) int { return strings.Compare(a.From, b.From) })
	slices.SortStableFunc(k.Periods, func(a, b Period) int { return strings.Compare(a.From, b.From) })
	k.normalise()
	if old != nil && old.HasReading() && !r.Force {
		today := schedule.DateOf(now.In(r.loc()))
		if n, total := dropped(old, k, today); n > 1 && 2*n > total {
			return fail(fmt.Errorf("%w: the page now lacks %d of the %d dated rules from %s on that the last reading had; the last reading is kept (hoursd source fetch --force takes it after a look at the page)", ErrHeldBack, n, total, today), true)
		}
	}
	if old != nil {
		res.Changes = diff(old, k)
	} else {
		res.Changes = diff(&Kept{}, k)
	}
	res.Kept = k
	return res, Save(r.StateDir, k)
}

func (r *Refresher) loc() *time.Location {
	if r.Location != nil {
		return r.Location
	}
	return time.UTC
}

// safeRead calls the reader, turning a panic into an error: the readers
// promise never to panic, and a page that finds a way must still only fail
// its own refresh, not the daemon.
func safeRead(read func(string, []byte, source.Options) (*source.Reading, error), format string, body []byte, opts source.Options) (r *source.Reading, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("the reader failed on this page: %v", p)
		}
	}()
	r, err = read(format, body, opts)
	if err == nil && r == nil {
		err = source.ErrNoList
	}
	return r, err
}

// checked keeps the rules of a reading that the model accepts and turns
// the others into warnings: a reader's slip must not make the whole
// schedule invalid for every command.
func checked(r *source.Reading) (*source.Reading, ruleTexts) {
	var texts ruleTexts
	out := &source.Reading{Weekly: r.Weekly, Warnings: slices.Clone(r.Warnings)}
	for i, x := range r.Exceptions {
		text := textOf(r, &r.Exceptions[i], nil)
		if x.Closed {
			x.Hours = nil
		} else if len(x.Hours) == 0 {
			x.Closed = true
		}
		s := &schedule.Schedule{ID: "source", Exceptions: []schedule.Exception{x}}
		if err := s.Validate(); err != nil {
			out.Warnings = append(out.Warnings, source.Warning{Text: cmp.Or(text, x.From.String()), Message: "not used: " + err.Error()})
			continue
		}
		out.Exceptions = append(out.Exceptions, s.Exceptions[0])
		texts.ex = append(texts.ex, text)
	}
	for i, p := range r.Periods {
		text := textOf(r, nil, &r.Periods[i])
		s := &schedule.Schedule{ID: "source", Periods: []schedule.Period{p}}
		err := s.Validate()
		if err == nil && p.From.IsYearly() {
			err = errors.New("a source's period must be dated")
		}
		if err != nil {
			out.Warnings = append(out.Warnings, source.Warning{Text: cmp.Or(text, p.From.String()+".."+p.To.String()), Message: "not used: " + err.Error()})
			continue
		}
		out.Periods = append(out.Periods, s.Periods[0])
		texts.per = append(texts.per, text)
	}
	if out.Weekly != nil {
		s := &schedule.Schedule{ID: "source", Weekly: *out.Weekly}
		if err := s.Validate(); err != nil {
			out.Warnings = append(out.Warnings, source.Warning{Text: "weekly", Message: "not used: " + err.Error()})
			out.Weekly = nil
		} else {
			out.Weekly = &s.Weekly
		}
	}
	return out, texts
}

// ruleTexts are the source's words for each exception and period of a
// reading, parallel to its lists.
type ruleTexts struct{ ex, per []string }

// textOf is the source's words for a rule of r, "" when the reader gave none.
func textOf(r *source.Reading, x *schedule.Exception, p *schedule.Period) string {
	for _, it := range r.Items {
		if (x != nil && it.Exception == x) || (p != nil && it.Period == p) {
			return it.Text
		}
	}
	return ""
}

// dropped counts the rules of old that are not over by today (total) and
// how many of them the new reading no longer covers (n): an exception none
// of whose dates has a new exception, a period that no new period overlaps.
// Dates are YYYY-MM-DD, which compare as strings.
func dropped(old, new *Kept, today schedule.Date) (n, total int) {
	t := today.String()
	overlaps := func(aFrom, aTo, bFrom, bTo string) bool { return aFrom <= bTo && bFrom <= aTo }
	for _, x := range old.Exceptions {
		if x.To < t {
			continue
		}
		total++
		if !slices.ContainsFunc(new.Exceptions, func(y Exception) bool { return overlaps(x.From, x.To, y.From, y.To) }) {
			n++
		}
	}
	for _, p := range old.Periods {
		if p.To < t {
			continue
		}
		total++
		if !slices.ContainsFunc(new.Periods, func(q Period) bool { return overlaps(p.From, p.To, q.From, q.To) }) {
			n++
		}
	}
	return n, total
}

// diff lists what changed from old to new, exceptions and periods by their
// dates, in date order, then the regular week.
func diff(old, new *Kept) []Change {
	var out []Change
	type key struct{ from, to string }
	oldEx := map[key]Exception{}
	for _, x := range old.Exceptions {
		oldEx[key{x.From, x.To}] = x
	}
	newEx := map[key]bool{}
	for _, x := range new.Exceptions {
		k := key{x.From, x.To}
		newEx[k] = true
		was, ok := oldEx[k]
		switch {
		case !ok:
			out = append(out, Change{Action: "added", Kind: "exception", From: x.From, To: x.To, Name: x.Name, Now: x.HoursText()})
		case !sameException(was, x):
			out = append(out, Change{Action: "changed", Kind: "exception", From: x.From, To: x.To, Name: x.Name, Now: x.HoursText(), Was: was.HoursText()})
		}
	}
	for _, x := range old.Exceptions {
		if !newEx[key{x.From, x.To}] {
			out = append(out, Change{Action: "removed", Kind: "exception", From: x.From, To: x.To, Name: x.Name, Was: x.HoursText()})
		}
	}
	oldPer := map[key]Period{}
	for _, p := range old.Periods {
		oldPer[key{p.From, p.To}] = p
	}
	newPer := map[key]bool{}
	for _, p := range new.Periods {
		k := key{p.From, p.To}
		newPer[k] = true
		was, ok := oldPer[k]
		switch {
		case !ok:
			out = append(out, Change{Action: "added", Kind: "period", From: p.From, To: p.To, Name: p.Name, Now: p.Week.String()})
		case !samePeriod(was, p):
			out = append(out, Change{Action: "changed", Kind: "period", From: p.From, To: p.To, Name: p.Name, Now: p.Week.String(), Was: was.Week.String()})
		}
	}
	for _, p := range old.Periods {
		if !newPer[key{p.From, p.To}] {
			out = append(out, Change{Action: "removed", Kind: "period", From: p.From, To: p.To, Name: p.Name, Was: p.Week.String()})
		}
	}
	slices.SortStableFunc(out, func(a, b Change) int { return strings.Compare(a.From, b.From) })
	switch {
	case old.Weekly == nil && new.Weekly != nil:
		out = append(out, Change{Action: "added", Kind: "weekly", Now: new.Weekly.String()})
	case old.Weekly != nil && new.Weekly == nil:
		out = append(out, Change{Action: "removed", Kind: "weekly", Was: old.Weekly.String()})
	case !reflect.DeepEqual(old.Weekly, new.Weekly):
		out = append(out, Change{Action: "changed", Kind: "weekly", Now: new.Weekly.String(), Was: old.Weekly.String()})
	}
	return out
}

// sameException and samePeriod compare rules without the source's words
// for them: a rewording is no change of the hours.
func sameException(a, b Exception) bool { a.Text, b.Text = "", ""; return reflect.DeepEqual(a, b) }
func samePeriod(a, b Period) bool       { a.Text, b.Text = "", ""; return reflect.DeepEqual(a, b) }

// HoursText is the exception's hours as the configuration writes them,
// "08:00-11:30" or "closed" (schedule.Hours.String).
func (x Exception) HoursText() string {
	if x.Closed {
		return schedule.Hours(nil).String()
	}
	h, err := modelHours(x.Hours)
	if err != nil {
		return "?"
	}
	return h.String()
}

// String is the week as hoursd writes one elsewhere: "mon-fri 08:00-15:00".
func (w Week) String() string {
	m, err := modelWeek(w)
	if err != nil {
		return "?"
	}
	return m.String()
}
