package daemon

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/notifier"
)

func TestHealthz(t *testing.T) {
	cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com"))
	s := newSim(t, cfg, at(t, "2026-04-29 17:00"))
	s.d.Handle("/calendar/", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "BEGIN:VCALENDAR") }))
	srv := httptest.NewServer(s.d.mux)
	defer srv.Close()

	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	tests := []struct {
		name     string
		before   func()
		path     string
		code     int
		contains string
	}{
		{"fine", func() {}, "/healthz", 200, "ok"},
		{"a mounted handler", func() {}, "/calendar/kundcenter.ics", 200, "BEGIN:VCALENDAR"},
		{"last check failed", func() { s.d.noteCheck("anna", errors.New("check anna: render: bad template")) }, "/healthz", 503, "unhealthy: last check: check anna: render: bad template"},
		{"a good check again", func() { s.runUntil(at(t, "2026-04-29 18:30"), nil) }, "/healthz", 200, "ok"},
		{"status", func() {}, "/status.json", 200, `"subject": "anna 2026-04-29"`},
		{"state closed", func() { s.d.store.Close() }, "/healthz", 503, "unhealthy: state: state is closed"},
	}
	for _, tt := range tests {
		tt.before()
		code, body := get(tt.path)
		if code != tt.code || !strings.Contains(body, tt.contains) {
			t.Errorf("%s: GET %s = %d %q, want %d with %q", tt.name, tt.path, code, body, tt.code, tt.contains)
		}
	}
}

func TestStatus(t *testing.T) {
	cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com", "push:anna-phone"))
	s := newSim(t, cfg, at(t, "2026-04-29 12:00"))
	s.box.setDown("anna-phone", true)
	s.runUntil(at(t, "2026-04-29 20:00"), nil)
	st, err := s.d.Status()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(st)
	if len(st.Subscribers) != 1 || !st.Subscribers[0].Next.Equal(at(t, "2026-04-30 18:00")) || !st.Subscribers[0].LastCheck.Equal(at(t, "2026-04-29 18:00")) {
		t.Errorf("Status().Subscribers = %+v, want anna, last check 29 April 18:00, next 30 April 18:00", st.Subscribers)
	}
	if len(st.Recent) != 2 || len(st.Pending) != 1 || st.Pending[0].Target != "anna/push/anna-phone" || st.Pending[0].LastError != "connection refused" {
		t.Errorf("Status() = %s\nwant two recent deliveries, one pending to anna/push/anna-phone with its error", b)
	}
}

// TestHealthOfEachSubscriber: bob's check fails at 17:00 (a broken
// template), anna's succeeds at 18:00. hoursd stays unhealthy until bob's
// check works again, or bob is no longer configured.
func TestHealthOfEachSubscriber(t *testing.T) {
	anna := subscriber("anna", []int{1}, "mail:anna@example.com")
	bob := subscriber("bob", []int{1}, "mail:bob@example.com")
	bob.Check = "0 17 * * *"
	cfg := testConfig(t.TempDir(), kundcenter2026(t), anna, bob)
	s := newSim(t, cfg, at(t, "2026-04-29 12:00"))
	broken := true
	s.d.opts.Render = func(r notifier.Request, tp *notifier.Templates) (notifier.Message, error) {
		if r.Subscriber == "bob" && broken {
			return notifier.Message{}, errors.New("template: bob: unexpected EOF")
		}
		return testRender(r, tp)
	}
	checkAt := func(tm, spec string) func() {
		return func() { s.clock.Set(at(t, tm)); s.d.runSpec(spec) }
	}
	tests := []struct {
		name string
		do   func()
		want string // "" for healthy
	}{
		{"bob's check fails", checkAt("2026-04-29 17:00", "0 17 * * *"), "last check: check bob: render message for bob: template: bob: unexpected EOF"},
		{"anna's check works", checkAt("2026-04-29 18:00", "0 18 * * *"), "last check: check bob: render message for bob: template: bob: unexpected EOF"},
		{"bob's check works again", func() { broken = false; checkAt("2026-04-30 17:00", "0 17 * * *")() }, ""},
		{"bob's check fails again", func() { broken = true; checkAt("2026-05-13 17:00", "0 17 * * *")() }, "check bob"},
		{"bob is removed", func() { reload(t, s, testConfig(cfg.StateDir, kundcenter2026(t), anna)) }, ""},
	}
	for _, tt := range tests {
		tt.do()
		err := s.d.Health()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Health() = %v, want %q", tt.name, err, tt.want)
		}
	}
}
