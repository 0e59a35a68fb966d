package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// TestHostileRequests: the listener answers only GET and HEAD, looks a
// calendar up by id and never on disk, and whatever it echoes of a request
// (the unknown file name) goes back as plain text the browser may not
// sniff into HTML.
func TestHostileRequests(t *testing.T) {
	h := New(Options{Schedules: []*schedule.Schedule{kundcenter(t, hours(hm(8, 0), hm(11, 30)))},
		Location: stockholm(t), Now: func() time.Time { return at(t, 2026, 4, 27, 12, 0) }, Metrics: NewMetrics()})
	tests := []struct {
		name, method, target string
		wantCode             int
	}{
		{"post to the page", http.MethodPost, "/", http.StatusMethodNotAllowed},
		{"put a calendar", http.MethodPut, "/calendar/kundcenter.ics", http.StatusMethodNotAllowed},
		{"delete metrics", http.MethodDelete, "/metrics", http.StatusMethodNotAllowed},
		{"head of the page", http.MethodHead, "/", http.StatusOK},
		{"head of a calendar", http.MethodHead, "/calendar/kundcenter.ics", http.StatusOK},
		{"escaped traversal", http.MethodGet, "/calendar/..%2f..%2fetc%2fpasswd.ics", http.StatusNotFound},
		{"markup as an id", http.MethodGet, "/calendar/%3Cscript%3Ealert(1)%3C%2Fscript%3E.ics", http.StatusNotFound},
		{"nul in an id", http.MethodGet, "/calendar/kundcenter%00.ics", http.StatusNotFound},
		{"id without .ics", http.MethodGet, "/calendar/kundcenter", http.StatusNotFound},
		{"id of another case", http.MethodGet, "/calendar/KUNDCENTER.ics", http.StatusNotFound},
		{"unknown path", http.MethodGet, "/etc/passwd", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
			if rec.Code != tt.wantCode {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.target, rec.Code, tt.wantCode)
			}
			if rec.Code == http.StatusOK {
				return
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("%s %s: Content-Type %q, want text/plain", tt.method, tt.target, ct)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s %s: X-Content-Type-Options %q, want nosniff", tt.method, tt.target, got)
			}
			if strings.Contains(rec.Body.String(), "BEGIN:VCALENDAR") {
				t.Errorf("%s %s served a calendar", tt.method, tt.target)
			}
		})
	}
}
