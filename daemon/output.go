package daemon

import (
	"errors"
	"fmt"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// The types below are what hoursd writes as JSON for people's scripts:
// /status.json and `hoursd status --format json`, /dry-run and `hoursd
// check --format json` (docs/json.md). They are apart from Status, Report
// and Delivery on purpose: Delivery is also the state file's record, whose
// encoding (Go field names in its items included) must not change under a
// running installation, while the output follows docs/json.md's rules —
// snake_case keys, dates YYYY-MM-DD, times HH:MM, instants RFC 3339 (null
// where there is none), and lists [] rather than null.

// StatusJSON is Status as JSON.
type StatusJSON struct {
	Now         time.Time        `json:"now"`
	Healthy     bool             `json:"healthy"`
	Problem     string           `json:"problem"` // "" when healthy
	State       string           `json:"state"`   // the state file; "" before the first start
	LoadedAt    *time.Time       `json:"loaded_at"`
	Quarantined int              `json:"quarantined"`
	Replicas    []ReplicaJSON    `json:"replicas"` // [] on the embedded state file
	Subscribers []SubscriberJSON `json:"subscribers"`
	Recent      []DeliveryJSON   `json:"recent"`
	Pending     []DeliveryJSON   `json:"pending"`
	Failed      []DeliveryJSON   `json:"failed"`
}

// ReplicaJSON is a Replica as JSON.
type ReplicaJSON struct {
	Name    string     `json:"name"`
	Self    bool       `json:"self"`  // the hoursd that answered
	Alive   bool       `json:"alive"` // its heartbeat is recent and it did not stop
	Started *time.Time `json:"started"`
	Seen    *time.Time `json:"seen"`    // its last heartbeat
	Sent    int        `json:"sent"`    // messages it sent, of those the state keeps
	Claimed int        `json:"claimed"` // pending messages it holds now
}

// SubscriberJSON is SubscriberStatus as JSON.
type SubscriberJSON struct {
	ID         string         `json:"id"`
	Check      string         `json:"check"`
	Next       *time.Time     `json:"next"`
	LastCheck  *time.Time     `json:"last_check"` // the instant the last check stood for
	LastRan    *time.Time     `json:"last_ran"`   // when it ran
	LastError  string         `json:"last_error"`
	Targets    []string       `json:"targets"`
	Deliveries []DeliveryJSON `json:"deliveries"`
}

// DeliveryJSON is one message to one target as JSON. Body is the text a
// dry run would send; status and a real check's report leave it "" (the
// outbox keeps it). Items are the changes the message tells, [] where a
// report leaves them out.
type DeliveryJSON struct {
	ID         uint64              `json:"id"` // 0 in a dry run: nothing was written
	Subscriber string              `json:"subscriber"`
	Target     string              `json:"target"`
	Channel    string              `json:"channel"`
	CheckedAt  *time.Time          `json:"checked_at"`
	Today      string              `json:"today"`
	Due        *time.Time          `json:"due"`
	Subject    string              `json:"subject"`
	Body       string              `json:"body"`
	Items      []notifier.ItemJSON `json:"items"`
	State      string              `json:"state"` // pending, sent, failed; planned in a dry run
	Attempts   int                 `json:"attempts"`
	LastError  string              `json:"last_error"`
	Created    *time.Time          `json:"created"`
	Updated    *time.Time          `json:"updated"`
	SentAt     *time.Time          `json:"sent_at"`
}

// CheckJSON is the report of a check as JSON: /dry-run serves it and
// `hoursd check --format json` prints it.
type CheckJSON struct {
	At       time.Time      `json:"at"`
	DryRun   bool           `json:"dry_run"`
	Messages []DeliveryJSON `json:"messages"`
	// Errors are the subscribers' failed checks as text (an error does
	// not travel over HTTP, its message does), secrets redacted.
	Errors []string `json:"errors"`
}

// statePlanned is a dry run's message: planned, neither written nor sent.
const statePlanned = "planned"

// StatusJSONOf is st as JSON, every instant in the zone of st.Now (the
// configuration's): the state keeps some in UTC, and a reader compares them
// with the wall clock.
func StatusJSONOf(st Status) StatusJSON {
	loc := st.Now.Location()
	out := StatusJSON{
		Now: st.Now, Healthy: st.Healthy, Problem: st.Problem, State: st.State, LoadedAt: instant(st.LoadedAt, loc),
		Quarantined: st.Quarantined, Subscribers: make([]SubscriberJSON, len(st.Subscribers)),
		Recent: deliveriesJSON(st.Recent, false, loc), Pending: deliveriesJSON(st.Pending, false, loc),
		Failed: deliveriesJSON(st.Failed, false, loc), Replicas: []ReplicaJSON{},
	}
	for _, r := range st.Replicas {
		out.Replicas = append(out.Replicas, ReplicaJSON{Name: r.Name, Self: r.Self, Alive: r.Alive,
			Started: instant(r.Started, loc), Seen: instant(r.Seen, loc), Sent: r.Sent, Claimed: r.Claimed})
	}
	for i, s := range st.Subscribers {
		out.Subscribers[i] = SubscriberJSON{
			ID: s.ID, Check: s.Check, Next: instant(s.Next, loc), LastCheck: instant(s.LastCheck, loc),
			LastRan: instant(s.LastRan, loc), LastError: s.LastError, Targets: nonNil(s.Targets),
			Deliveries: deliveriesJSON(s.Deliveries, false, loc),
		}
	}
	return out
}

// Status reads the JSON back, for `hoursd status` printing what the daemon
// served as it prints its own reading.
func (s StatusJSON) Status() (Status, error) {
	st := Status{Now: s.Now, Healthy: s.Healthy, Problem: s.Problem, State: s.State, LoadedAt: timeOf(s.LoadedAt),
		Quarantined: s.Quarantined}
	for _, r := range s.Replicas {
		st.Replicas = append(st.Replicas, Replica{Name: r.Name, Self: r.Self, Alive: r.Alive,
			Started: timeOf(r.Started), Seen: timeOf(r.Seen), Sent: r.Sent, Claimed: r.Claimed})
	}
	var err error
	if st.Recent, err = deliveriesOf(s.Recent); err != nil {
		return Status{}, err
	}
	if st.Pending, err = deliveriesOf(s.Pending); err != nil {
		return Status{}, err
	}
	if st.Failed, err = deliveriesOf(s.Failed); err != nil {
		return Status{}, err
	}
	for _, sub := range s.Subscribers {
		ss := SubscriberStatus{ID: sub.ID, Check: sub.Check, Next: timeOf(sub.Next), LastCheck: timeOf(sub.LastCheck),
			LastRan: timeOf(sub.LastRan), LastError: sub.LastError, Targets: sub.Targets}
		if ss.Deliveries, err = deliveriesOf(sub.Deliveries); err != nil {
			return Status{}, err
		}
		st.Subscribers = append(st.Subscribers, ss)
	}
	return st, nil
}

// CheckJSONOf is a check's report as JSON, instants in the zone of
// rep.At; dry says it was a dry run.
func CheckJSONOf(rep Report, dry bool) CheckJSON {
	out := CheckJSON{At: rep.At, DryRun: dry, Messages: deliveriesJSON(rep.Messages, dry, rep.At.Location()), Errors: []string{}}
	for _, err := range rep.Errors {
		out.Errors = append(out.Errors, redact(err))
	}
	return out
}

// Report reads the JSON back into the report of a check, so that `hoursd
// check --dry-run` prints, and sets its exit status for, a dry run the
// daemon served as one it ran itself.
func (c CheckJSON) Report() (Report, error) {
	rep := Report{At: c.At}
	var err error
	if rep.Messages, err = deliveriesOf(c.Messages); err != nil {
		return Report{}, err
	}
	for _, e := range c.Errors {
		rep.Errors = append(rep.Errors, errors.New(e))
	}
	return rep, nil
}

// DeliveryJSONOf is dl as JSON, its instants in loc; dry marks a message
// that was only planned.
func DeliveryJSONOf(dl Delivery, dry bool, loc *time.Location) DeliveryJSON {
	out := DeliveryJSON{
		ID: dl.ID, Subscriber: dl.Subscriber, Target: dl.Target, Channel: dl.Channel, CheckedAt: instant(dl.CheckedAt, loc),
		Due: instant(dl.Due, loc), Subject: dl.Subject, Body: dl.Body, Items: notifier.ItemsJSON(dl.Items),
		State: string(dl.State), Attempts: dl.Attempts, LastError: dl.LastError,
		Created: instant(dl.Created, loc), Updated: instant(dl.Updated, loc), SentAt: instant(dl.SentAt, loc),
	}
	if !dl.Today.IsZero() {
		out.Today = dl.Today.String()
	}
	if dry {
		out.State = statePlanned // planned as pending, but nothing was written
	}
	return out
}

// Delivery reads the JSON back.
func (j DeliveryJSON) Delivery() (Delivery, error) {
	dl := Delivery{
		ID: j.ID, Subscriber: j.Subscriber, Target: j.Target, Channel: j.Channel, CheckedAt: timeOf(j.CheckedAt),
		Due: timeOf(j.Due), Subject: j.Subject, Body: j.Body, State: State(j.State), Attempts: j.Attempts,
		LastError: j.LastError, Created: timeOf(j.Created), Updated: timeOf(j.Updated), SentAt: timeOf(j.SentAt),
	}
	if dl.State == statePlanned {
		dl.State = StatePending // as a dry check plans it
	}
	if j.Today != "" {
		d, err := schedule.ParseDate(j.Today)
		if err != nil {
			return Delivery{}, fmt.Errorf("message %d: today: %w", j.ID, err)
		}
		dl.Today = d
	}
	for _, ij := range j.Items {
		it, err := ij.Item()
		if err != nil {
			return Delivery{}, fmt.Errorf("message %d: %w", j.ID, err)
		}
		dl.Items = append(dl.Items, it)
	}
	return dl, nil
}

func deliveriesJSON(ds []Delivery, dry bool, loc *time.Location) []DeliveryJSON {
	out := make([]DeliveryJSON, len(ds))
	for i, dl := range ds {
		out[i] = DeliveryJSONOf(dl, dry, loc)
	}
	return out
}

func deliveriesOf(js []DeliveryJSON) ([]Delivery, error) {
	var out []Delivery
	for _, j := range js {
		dl, err := j.Delivery()
		if err != nil {
			return nil, err
		}
		out = append(out, dl)
	}
	return out, nil
}

// instant is t in loc for JSON: null where there is no instant.
func instant(t time.Time, loc *time.Location) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.In(loc)
	return &t
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// messageOf is the message dl sends: its text, and for a channel that
// carries data beside it (notifier.MessageSender: the webhook) its items
// with the schedules they belong to, titled as the configuration in force
// titles them.
func messageOf(cfg *config.Config, dl Delivery) notifier.Message {
	msg := notifier.Message{Subject: dl.Subject, Body: dl.Body, Items: dl.Items, Places: map[string]notifier.Place{}}
	for _, it := range dl.Items {
		id := it.Change.Schedule
		if _, ok := msg.Places[id]; ok {
			continue
		}
		if s := scheduleByID(cfg, id); s != nil {
			msg.Places[id] = notifier.Place{ID: s.ID, Title: s.Title, Phone: s.Phone, URL: s.URL}
		}
	}
	return msg
}
