package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/daemon"
)

// TestStatusLastCheck: `hoursd status` says when the last check ran under
// LAST CHECK, as the status page does, and the instant it checked for
// under AS OF: a check caught up after downtime ran the next morning for
// the evening before.
func TestStatusLastCheck(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	ran := time.Date(2026, 4, 27, 9, 12, 0, 0, loc)
	asOf := time.Date(2026, 4, 26, 18, 0, 0, 0, loc)
	st := daemon.Status{State: "state.db", Healthy: true, Subscribers: []daemon.SubscriberStatus{
		{ID: "anna", Check: "0 18 * * *", LastCheck: asOf, LastRan: ran},
	}}
	var out bytes.Buffer
	printStatus(&app{stdout: &out}, st, loc)
	lines := strings.Split(out.String(), "\n")
	var head, row string
	for i, l := range lines {
		if strings.HasPrefix(l, "SUBSCRIBER") && i+1 < len(lines) {
			head, row = l, lines[i+1]
		}
	}
	for _, col := range []struct{ name, want string }{{"LAST CHECK", "2026-04-27 09:12 CEST"}, {"AS OF", "2026-04-26 18:00 CEST"}} {
		i := strings.Index(head, col.name)
		if i < 0 || i >= len(row) || !strings.HasPrefix(row[i:], col.want) {
			t.Errorf("status column %s = %q, want %q\n%s", col.name, row[min(max(i, 0), len(row)):], col.want, &out)
		}
	}
}
