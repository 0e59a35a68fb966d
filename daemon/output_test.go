package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// TestStatusJSONServed: /status.json is StatusJSONOf(Status()) — the shape
// of `hoursd status --format json` — with no Go field names of the state's
// records, and reads back into the status it was made from.
func TestStatusJSONServed(t *testing.T) {
	cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com", "push:anna-phone"))
	s := newSim(t, cfg, at(t, "2026-04-29 12:00"))
	s.box.setDown("anna-phone", true)
	s.runUntil(at(t, "2026-04-29 20:00"), nil)
	srv := httptest.NewServer(s.d.mux)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/status.json")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(res.Body)
	res.Body.Close()

	st, err := s.d.Status()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(StatusJSONOf(st), "", "  ")
	if !bytes.Equal(bytes.TrimSpace(served), want) {
		t.Errorf("GET /status.json =\n%s\nwant StatusJSONOf(Status()) =\n%s", served, want)
	}
	for _, goName := range []string{`"Change"`, `"Year"`, `"Open"`, `"Schedule"`, `"Status"`} {
		if bytes.Contains(served, []byte(goName)) {
			t.Errorf("GET /status.json holds %s:\n%s", goName, served)
		}
	}

	var decoded StatusJSON
	if err := json.Unmarshal(served, &decoded); err != nil {
		t.Fatal(err)
	}
	back, err := decoded.Status()
	if err != nil {
		t.Fatalf("StatusJSON.Status() = %v", err)
	}
	again, _ := json.MarshalIndent(StatusJSONOf(back), "", "  ")
	if !bytes.Equal(again, want) {
		t.Errorf("/status.json read back and written again =\n%s\nwant\n%s", again, want)
	}
	if len(back.Pending) != 1 || back.Pending[0].Target != "anna/push/anna-phone" || back.Pending[0].LastError != "connection refused" ||
		len(back.Pending[0].Items) != 1 || back.Pending[0].Items[0].Change.Date != (schedule.Date{Year: 2026, Month: 4, Day: 30}) {
		t.Errorf("read back, pending = %+v, want anna's phone's message of 30 April with its error", back.Pending)
	}
}

// TestCheckJSONReport: what travels as text comes back as the report's
// errors and messages, so that the command fails and prints a dry run the
// daemon served as one it ran itself.
func TestCheckJSONReport(t *testing.T) {
	valborg := schedule.Change{Schedule: "kundcenter", Date: schedule.Date{Year: 2026, Month: 4, Day: 30}, Kind: schedule.KindDay,
		Name: schedule.Name{SV: "Valborgsmässoafton"}, Hours: hours(t, "08:00-11:30"), Regular: hours(t, "08:00-16:00")}
	dl := Delivery{Subscriber: "anna", Target: "anna/mail/anna@example.com", Channel: "mail", CheckedAt: at(t, "2026-04-29 18:00"),
		Today: schedule.Date{Year: 2026, Month: 4, Day: 29}, Due: at(t, "2026-04-30 00:00"), Subject: "s", Body: "b",
		Items: []notifier.Item{{Change: valborg, Status: notifier.StatusNew}}, State: StatePending}
	tests := []struct {
		name   string
		rep    Report
		errors []string
	}{
		{"nothing", Report{At: at(t, "2026-04-30 18:00")}, nil},
		{"a message", Report{At: at(t, "2026-04-29 18:00"), Messages: []Delivery{dl}}, nil},
		{"a failed check", Report{At: at(t, "2026-04-30 18:00"), Errors: []error{errors.New("check bob: render message for bob: template: bob: unexpected EOF")}},
			[]string{"check bob: render message for bob: template: bob: unexpected EOF"}},
	}
	for _, tt := range tests {
		b, _ := json.Marshal(CheckJSONOf(tt.rep, true))
		if bytes.Contains(b, []byte("null")) && len(tt.rep.Messages) == 0 {
			t.Errorf("%s: CheckJSONOf = %s, want [] rather than null", tt.name, b)
		}
		var cj CheckJSON
		if err := json.Unmarshal(b, &cj); err != nil {
			t.Fatal(err)
		}
		rep, err := cj.Report()
		if err != nil {
			t.Fatalf("%s: Report() = %v", tt.name, err)
		}
		var got []string
		for _, err := range rep.Errors {
			got = append(got, err.Error())
		}
		if !rep.At.Equal(tt.rep.At) || strings.Join(got, "|") != strings.Join(tt.errors, "|") || len(rep.Messages) != len(tt.rep.Messages) {
			t.Errorf("%s: Report() = at %s, %d message(s), errors %q; want at %s, %d, errors %q", tt.name, rep.At, len(rep.Messages), got,
				tt.rep.At, len(tt.rep.Messages), tt.errors)
		}
		for i, m := range rep.Messages {
			w := tt.rep.Messages[i]
			if m.State != StatePending || m.Today != w.Today || !m.Due.Equal(w.Due) || len(m.Items) != 1 ||
				!m.Items[0].Change.Hours.Equal(valborg.Hours) || m.Items[0].Change.Name != valborg.Name {
				t.Errorf("%s: Report().Messages[%d] = %+v, want %+v", tt.name, i, m, w)
			}
		}
	}
}

// TestMessageOf: the message a delivery sends carries its items and the
// places they belong to, titled as the configuration titles them, for a
// channel that sends data beside the text.
func TestMessageOf(t *testing.T) {
	cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com"))
	cfg.Schedules[0].Title = "Försäkringskassan kundcenter"
	items := []notifier.Item{
		{Change: schedule.Change{Schedule: cfg.Schedules[0].ID, Date: schedule.Date{Year: 2026, Month: 4, Day: 30}, Kind: schedule.KindDay}},
		{Change: schedule.Change{Schedule: "gone", Date: schedule.Date{Year: 2026, Month: 5, Day: 1}, Kind: schedule.KindDay}},
	}
	msg := messageOf(cfg, Delivery{Subject: "s", Body: "b", Items: items})
	if msg.Subject != "s" || msg.Body != "b" || len(msg.Items) != 2 {
		t.Errorf("messageOf() = %+v, want the delivery's subject, body and 2 items", msg)
	}
	if p := msg.Places[cfg.Schedules[0].ID]; p.Title != "Försäkringskassan kundcenter" {
		t.Errorf("messageOf().Places[%s] = %+v, want the configuration's title", cfg.Schedules[0].ID, p)
	}
	if _, ok := msg.Places["gone"]; ok {
		t.Errorf("messageOf().Places has a schedule no longer configured: %+v", msg.Places)
	}
}
