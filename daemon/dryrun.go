package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DryRun is the answer of GET /dry-run on the daemon's listener: what a
// check at At would send, computed by the daemon with its own state and
// configuration, recording nothing. `hoursd check --dry-run` asks for it
// when the daemon holds the state, and prints it as it prints its own.
type DryRun struct {
	At       time.Time  `json:"at"`
	Messages []Delivery `json:"messages"`
	// Errors are the subscribers' failed checks, as text: an error does
	// not travel over HTTP, its message does.
	Errors []string `json:"errors,omitempty"`
}

// dryRunOf is a dry check's report as the daemon serves it.
func dryRunOf(rep Report) DryRun {
	dr := DryRun{At: rep.At, Messages: rep.Messages}
	if dr.Messages == nil {
		dr.Messages = []Delivery{} // "nothing to announce" reads as [] in JSON, not null
	}
	for _, err := range rep.Errors {
		dr.Errors = append(dr.Errors, redact(err))
	}
	return dr
}

// Report turns the daemon's answer back into the report of a dry check,
// so that it is printed, and sets the exit status, as a dry check run by
// the command itself.
func (dr DryRun) Report() Report {
	rep := Report{At: dr.At, Messages: dr.Messages}
	for _, e := range dr.Errors {
		rep.Errors = append(rep.Errors, errors.New(e))
	}
	return rep
}

// serveDryRun answers GET /dry-run?at=<RFC 3339> (default: now) with the
// dry check Check(at, dry) would make: the same planning and rendering, and
// the same "what lies ahead is judged from at", so its answer is what
// `hoursd check --dry-run --at` prints beside a stopped daemon. Nothing is
// written: no outbox message, no announcement, no last check, and neither
// health nor metrics hear of it.
func (d *Daemon) serveDryRun(w http.ResponseWriter, r *http.Request) {
	at := d.opts.Now().In(d.Config().Location)
	if s := r.URL.Query().Get("at"); s != "" {
		// An unescaped "+02:00" in a URL typed by hand arrives as " 02:00";
		// an RFC 3339 time has no space, so the "+" it stood for is certain.
		t, err := time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1))
		if err != nil {
			http.Error(w, fmt.Sprintf("at: %q is not an RFC 3339 time such as 2026-04-29T18:00:00+02:00", s), http.StatusBadRequest)
			return
		}
		at = t
	}
	rep := d.Check(r.Context(), at, true, 0)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(CheckJSONOf(rep, true)) // the shape of hoursd check --dry-run --format json
}
