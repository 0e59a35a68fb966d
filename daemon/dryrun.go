package daemon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

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
