package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPageReplicas checks the replicas section of the status page, in both
// languages, and that a daemon on the embedded file (no replicas) has none.
func TestPageReplicas(t *testing.T) {
	now := time.Date(2026, 4, 29, 18, 0, 0, 0, defaultLocation())
	replicas := []ReplicaStatus{
		{Name: "hoursd-a", Self: true, Alive: true, Seen: now.Add(-5 * time.Second), Sent: 1200, Claimed: 64},
		{Name: "hoursd-b", Alive: false, Seen: now.Add(-10 * time.Minute), Sent: 800},
	}
	tests := []struct {
		name, lang string
		replicas   []ReplicaStatus
		want       []string
		never      []string
	}{
		{name: "the embedded file", never: []string{`class="replicas"`}},
		{name: "two replicas, one gone", lang: "sv", replicas: replicas, want: []string{
			`<h2>Repliker</h2>`,
			`<tr id="replica-hoursd-a"><td>hoursd-a (den här)</td><td>ja</td><td>ons 29 april 2026 17:59</td><td>1200</td><td>64</td></tr>`,
			`<tr id="replica-hoursd-b" class="error"><td>hoursd-b</td><td>nej</td><td>ons 29 april 2026 17:50</td><td>800</td><td>0</td></tr>`,
		}},
		{name: "in English", lang: "en", replicas: replicas, want: []string{
			`<h2>Replicas</h2>`, `<td>hoursd-a (this one)</td><td>yes</td>`, `<td>hoursd-b</td><td>no</td>`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Now: func() time.Time { return now }}
			if tt.replicas != nil {
				opts.Replicas = func() []ReplicaStatus { return tt.replicas }
			}
			rec := httptest.NewRecorder()
			New(opts).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?lang="+tt.lang, nil))
			body := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %s:\n%s", w, body)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(body, n) {
					t.Errorf("the page shows %q", n)
				}
			}
		})
	}
}

// TestMetricsReplicas: each replica's liveness, sends and claims are
// series of their own.
func TestMetricsReplicas(t *testing.T) {
	m := NewMetrics()
	m.SetReplica("hoursd-a", true, 1200, 64)
	m.SetReplica("hoursd-b", false, 800, 0)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, w := range []string{
		`hoursd_replica_up{replica="hoursd-a"} 1`,
		`hoursd_replica_up{replica="hoursd-b"} 0`,
		`hoursd_replica_sent_messages{replica="hoursd-a"} 1200`,
		`hoursd_replica_sent_messages{replica="hoursd-b"} 800`,
		`hoursd_replica_claimed_messages{replica="hoursd-a"} 64`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
}
