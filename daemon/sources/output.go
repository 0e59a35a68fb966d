package sources

import "time"

// The types below are a kept reading as `hoursd source show|fetch --format
// json` print it, in the shape every command's JSON keeps (docs/json.md):
// every key present, an absent string "", an absent instant null, instants
// in the configuration's zone. They are apart from Kept because Kept's JSON
// is the file in the state directory, which leaves empty keys out and
// writes instants as they were taken: files kept by an earlier hoursd must
// still load, so that format stays as it is.

// ReadingJSON is a kept reading for the commands' JSON.
type ReadingJSON struct {
	Schedule     string          `json:"schedule"`
	URL          string          `json:"url"`
	Format       string          `json:"format"`
	FetchedAt    *time.Time      `json:"fetched_at"` // null: never read
	CheckedAt    *time.Time      `json:"checked_at"` // null: never read
	ETag         string          `json:"etag"`
	LastModified string          `json:"last_modified"`
	Exceptions   []ExceptionJSON `json:"exceptions"`
	Periods      []PeriodJSON    `json:"periods"`
	Weekly       Week            `json:"weekly"` // null: the source states no regular week
	Warnings     []Warning       `json:"warnings"`
	LastAttempt  *time.Time      `json:"last_attempt"` // null: never refreshed
	LastError    string          `json:"last_error"`
	Failures     int             `json:"failures"`
	HeldBack     bool            `json:"held_back"`
}

// ExceptionJSON is an Exception with every key present.
type ExceptionJSON struct {
	From   string     `json:"from"`
	To     string     `json:"to"`
	Name   string     `json:"name"`
	NameEN string     `json:"name_en"`
	Hours  []Interval `json:"hours"`
	Closed bool       `json:"closed"`
	Text   string     `json:"text"`
}

// PeriodJSON is a Period with every key present.
type PeriodJSON struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Week   Week   `json:"week"`
	Text   string `json:"text"`
}

// JSON is k for the commands' JSON, its instants in loc.
func (k *Kept) JSON(loc *time.Location) ReadingJSON {
	out := ReadingJSON{
		Schedule: k.Schedule, URL: k.URL, Format: k.Format,
		FetchedAt: instant(k.FetchedAt, loc), CheckedAt: instant(k.CheckedAt, loc),
		ETag: k.ETag, LastModified: k.LastModified,
		Exceptions: make([]ExceptionJSON, len(k.Exceptions)), Periods: make([]PeriodJSON, len(k.Periods)),
		Weekly: weekJSON(k.Weekly), Warnings: k.Warnings,
		LastAttempt: instant(k.LastAttempt, loc), LastError: k.LastError, Failures: k.Failures, HeldBack: k.HeldBack,
	}
	for i, x := range k.Exceptions {
		hours := x.Hours
		if hours == nil {
			hours = []Interval{}
		}
		out.Exceptions[i] = ExceptionJSON{From: x.From, To: x.To, Name: x.Name, NameEN: x.NameEN, Hours: hours, Closed: x.Closed, Text: x.Text}
	}
	for i, p := range k.Periods {
		out.Periods[i] = PeriodJSON{From: p.From, To: p.To, Name: p.Name, NameEN: p.NameEN, Week: weekJSON(p.Week), Text: p.Text}
	}
	if out.Warnings == nil {
		out.Warnings = []Warning{}
	}
	return out
}

// weekJSON is w with every day present under its own key, a closed one
// [], as a week is everywhere in hoursd's JSON: a file edited by hand may
// write "mon-fri" or leave a day out. nil stays nil (no week stated); a week
// that does not read is printed as the file has it, since Rules refuses it
// anyway and `source show` is where one looks at it.
func weekJSON(w Week) Week {
	if w == nil {
		return nil
	}
	m, err := modelWeek(w)
	if err != nil {
		return w
	}
	return jsonWeek(m)
}

// instant is t in loc for JSON: null where there is no instant.
func instant(t time.Time, loc *time.Location) *time.Time {
	if t.IsZero() {
		return nil
	}
	if loc != nil {
		t = t.In(loc)
	}
	return &t
}
