package daemon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Status is the answer to "why did nothing arrive?": each subscriber's next
// and last check, the recent deliveries, and what is pending or failed with
// its last error. The status page and `hoursd status` show it; it is served
// as JSON at /status.json.
type Status struct {
	Now         time.Time          `json:"now"`
	Healthy     bool               `json:"healthy"`
	Problem     string             `json:"problem,omitempty"`
	State       string             `json:"state"` // the state file
	LoadedAt    time.Time          `json:"loaded_at"`
	Subscribers []SubscriberStatus `json:"subscribers"`
	Recent      []Delivery         `json:"recent"`  // newest first, at most RecentLimit, any state
	Pending     []Delivery         `json:"pending"` // oldest first
	Failed      []Delivery         `json:"failed"`  // newest first, at most RecentLimit
	// Quarantined counts the records of the state that could not be read:
	// kept aside, raw, and ignored (see the log for each).
	Quarantined int `json:"quarantined"`
	// Replicas are the hoursd sharing a PostgreSQL state, this one among
	// them (Self); none for the embedded file.
	Replicas []Replica `json:"replicas"`
}

// SubscriberStatus is one subscriber's checks.
type SubscriberStatus struct {
	ID        string    `json:"id"`
	Check     string    `json:"check"`
	Next      time.Time `json:"next"`
	LastCheck time.Time `json:"last_check,omitzero"` // the instant the last check stood for
	LastRan   time.Time `json:"last_ran,omitzero"`   // when it ran
	LastError string    `json:"last_error,omitempty"`
	Targets   []string  `json:"targets"`
	// Deliveries are its latest messages, newest first, at most
	// SubscriberRecent, bodies left out.
	Deliveries []Delivery `json:"deliveries"`
}

// SubscriberRecent is how many deliveries Status lists per subscriber.
const SubscriberRecent = 5

// RecentLimit is how many recent deliveries and failures Status lists.
const RecentLimit = 20

// Status reads the state: what the status page, `hoursd status` and
// /status.json show. It only reads.
func (d *Daemon) Status() (Status, error) {
	cfg := d.Config()
	now := d.opts.Now().In(cfg.Location)
	st := Status{Now: now, Healthy: true, LoadedAt: d.LoadedAt()}
	if d.store != nil {
		st.State = d.store.Path()
		if err := d.Health(); err != nil {
			st.Healthy, st.Problem = false, err.Error()
		}
	}
	var runs map[string]*run
	perSub := map[string][]Delivery{}
	err := d.readState(func() error {
		ids := make([]string, len(cfg.Subscribers))
		for i, s := range cfg.Subscribers {
			ids[i] = s.ID
		}
		var err error
		if runs, err = d.store.lastRuns(ids); err != nil {
			return err
		}
		if rep, ok := d.store.(replicated); ok {
			if st.Replicas, err = rep.replicas(); err != nil {
				return err
			}
		}
		all, err := d.store.deliveries(func(*Delivery) bool { return true })
		for _, dl := range all {
			dl.Body = "" // status lists messages; the body can be long
			if len(perSub[dl.Subscriber]) < SubscriberRecent {
				perSub[dl.Subscriber] = append(perSub[dl.Subscriber], dl)
			}
			switch dl.State {
			case StatePending:
				st.Pending = append([]Delivery{dl}, st.Pending...)
			case StateFailed:
				if len(st.Failed) < RecentLimit {
					st.Failed = append(st.Failed, dl)
				}
			}
			if len(st.Recent) < RecentLimit {
				st.Recent = append(st.Recent, dl)
			}
		}
		return err
	})
	if err != nil {
		return st, fmt.Errorf("read status: %w", err)
	}
	if d.store != nil {
		d.settleBad()
		if st.Quarantined = d.store.quarantined(); st.Quarantined > 0 && st.Problem == "" {
			st.Problem = fmt.Sprintf("%d record(s) of the state could not be read and are kept aside in its quarantine; see the log", st.Quarantined)
		}
	}
	for _, s := range subscribersOf(cfg, nil) {
		ss := SubscriberStatus{ID: s.ID, Check: specOf(cfg, s)}
		if sch, err := ParseSpec(ss.Check, cfg.Location); err == nil {
			ss.Next = sch.Next(now)
		}
		if r := runs[s.ID]; r != nil {
			ss.LastCheck, ss.LastRan, ss.LastError = r.At.In(cfg.Location), r.Ran.In(cfg.Location), r.Err
		}
		for _, t := range s.Targets {
			ss.Targets = append(ss.Targets, t.ID(s.ID))
		}
		ss.Deliveries = perSub[s.ID]
		st.Subscribers = append(st.Subscribers, ss)
	}
	return st, nil
}

// readState runs f, which reads the state; without a state there is nothing
// to read and f is not called.
func (d *Daemon) readState(f func() error) error {
	if d.store == nil {
		return nil
	}
	return f()
}

func (d *Daemon) serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := d.Health(); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "unhealthy: %s\n", err)
		return
	}
	fmt.Fprintln(w, "ok")
}

func (d *Daemon) serveStatus(w http.ResponseWriter, _ *http.Request) {
	st, err := d.Status()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(StatusJSONOf(st)) // docs/json.md: no Go field names, [] never null
}
