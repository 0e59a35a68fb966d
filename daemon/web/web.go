// Package web is hoursd's HTTP face: a status page showing the next weeks of
// each schedule and how deliveries went, a calendar feed per schedule that
// any calendar app can subscribe to, and Prometheus metrics.
//
// The daemon builds one Handler with New, mounts it on its listener, swaps
// the schedules in with SetSchedules after a reload and reports what it does
// through Metrics. The package reads no configuration and no state store of
// its own: everything comes through Options, which keeps it testable with
// Go-built schedules and a fixed clock.
//
// Nothing here asks for a login. The daemon listens on loopback by default;
// anyone who binds it elsewhere must put a reverse proxy with authentication
// in front (see docs/web.md).
package web

import (
	"bytes"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// Options configure a Handler.
type Options struct {
	// Schedules are the schedules to show, validated, in the order of the
	// configuration. Replace them later with Handler.SetSchedules.
	Schedules []*schedule.Schedule
	// Location is the zone of the schedules' wall-clock hours (the
	// configuration's timezone); nil is Europe/Stockholm.
	Location *time.Location
	// Source, when set, is asked for the schedules, their zone and the
	// time they were loaded on every request, instead of Schedules and
	// Location: a daemon that already keeps its configuration behind an
	// atomic pointer hands that over and needs no SetSchedules on reload.
	Source func() (schedules []*schedule.Schedule, loc *time.Location, loaded time.Time)
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Status answers the subscriber section of the page; nil leaves the
	// section out.
	Status Status
	// Metrics are served on /metrics; nil serves no /metrics.
	Metrics *Metrics
	// Sources, when set, is asked for the schedules' sources on every
	// request (sources.go); nil leaves the section out.
	Sources func() []SourceStatus
	// Replicas, when set, is asked for the replicas sharing the state on
	// every request (replicas.go); nil or none leaves the section out.
	Replicas func() []ReplicaStatus
	// Logger receives the errors a request meets that the client cannot
	// fix (the state store failing); nil discards them.
	Logger *slog.Logger
}

// Handler serves the status page on /, the calendar feeds on
// /calendar/<schedule>.ics and the metrics on /metrics. It is safe for
// concurrent use, including SetSchedules while requests are served.
type Handler struct {
	mux      *http.ServeMux
	now      func() time.Time
	status   Status
	metrics  *Metrics
	log      *slog.Logger
	source   func() ([]*schedule.Schedule, *time.Location, time.Time)
	sources  func() []SourceStatus
	replicas func() []ReplicaStatus
	current  atomic.Pointer[state]
}

// state is what a reload replaces as a whole, so a request sees either the
// old schedules or the new ones, never a mix.
type state struct {
	schedules []*schedule.Schedule
	byID      map[string]*schedule.Schedule
	loc       *time.Location
	loaded    time.Time // the feeds' LAST-MODIFIED and SEQUENCE
}

var _ http.Handler = (*Handler)(nil)

// New builds the Handler.
func New(opts Options) *Handler {
	h := &Handler{
		mux:      http.NewServeMux(),
		now:      opts.Now,
		status:   opts.Status,
		metrics:  opts.Metrics,
		log:      opts.Logger,
		source:   opts.Source,
		sources:  opts.Sources,
		replicas: opts.Replicas,
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.SetSchedules(opts.Schedules, opts.Location)
	h.mux.HandleFunc("GET /{$}", h.servePage)
	h.mux.HandleFunc("GET /calendar/{file}", h.serveCalendar)
	if h.metrics != nil {
		h.mux.Handle("GET /metrics", h.metrics.Handler())
	}
	return h
}

// SetSchedules replaces the schedules and their zone, after the daemon
// reloaded its configuration. The feeds' LAST-MODIFIED becomes now. With
// Options.Source set, the source wins and SetSchedules has no effect.
func (h *Handler) SetSchedules(schedules []*schedule.Schedule, loc *time.Location) {
	h.current.Store(newState(schedules, loc, h.now()))
}

func newState(schedules []*schedule.Schedule, loc *time.Location, loaded time.Time) *state {
	if loc == nil {
		loc = defaultLocation()
	}
	st := &state{
		schedules: schedules,
		byID:      make(map[string]*schedule.Schedule, len(schedules)),
		loc:       loc,
		loaded:    loaded,
	}
	for _, s := range schedules {
		st.byID[s.ID] = s
	}
	return st
}

// snapshot is the schedules a request works with, from start to end.
func (h *Handler) snapshot() *state {
	if h.source != nil {
		return newState(h.source())
	}
	return h.current.Load()
}

// ServeHTTP routes the request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// serveCalendar serves /calendar/<schedule>.ics?lang=sv|en.
func (h *Handler) serveCalendar(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	st := h.snapshot()
	s := st.byID[id]
	if !ok || s == nil {
		http.Error(w, "no such calendar: "+r.PathValue("file"), http.StatusNotFound)
		return
	}
	l, err := parseLang(r.URL.Query().Get("lang"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var buf bytes.Buffer
	opts := CalendarOptions{Location: st.loc, Lang: l.Code(), Now: h.now(), Modified: st.loaded}
	if err := WriteCalendar(&buf, s, opts); err != nil {
		h.log.Error("render calendar feed", "schedule", id, "err", err)
		http.Error(w, "could not render the calendar", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/calendar; charset=utf-8")
	hdr.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": id + ".ics"}))
	hdr.Set("Last-Modified", st.loaded.UTC().Format(http.TimeFormat))
	hdr.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}
