package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPageSources checks the sources section of the status page: when each
// source was last read, its failure and warnings, with URLs cut to their
// host (a page's address may carry a key), and no section without sources.
func TestPageSources(t *testing.T) {
	now := time.Date(2026, 4, 29, 18, 0, 0, 0, defaultLocation())
	tests := []struct {
		name    string
		sources []SourceStatus
		want    []string
		never   []string
	}{
		{name: "no sources: no section", never: []string{`class="sources"`}},
		{name: "a source read and one failing", sources: []SourceStatus{
			{Schedule: "kundcenter", URL: "https://www.forsakringskassan.se/ring-kundcenter", LastSuccess: now.Add(-12 * time.Hour), Dates: 16,
				Warnings: []string{`"Skärtorsdagen 18 april 2025": Skärtorsdagen is 17 April in 2025`}},
			{Schedule: "bibliotek", URL: "https://example.com/hours.ics?key=s3cr3tkeys3cr3tkeys3cr3tkey",
				Error: "fetch https://example.com/hours.ics?key=s3cr3tkeys3cr3tkeys3cr3tkey: http 503 Service Unavailable"},
		}, want: []string{
			`<li id="source-kundcenter"><strong>kundcenter</strong>: https://www.forsakringskassan.se/*** – Senast läst ons 29 april 2026 06:00, 16 datum och perioder`,
			`Varning: &#34;Skärtorsdagen 18 april 2025&#34;: Skärtorsdagen is 17 April in 2025`,
			`<li id="source-bibliotek"><strong>bibliotek</strong>: https://example.com/*** – Senast läst aldrig, 0 datum och perioder`,
			`Senaste läsningen misslyckades; den senaste goda behålls: fetch https://example.com/***: http 503 Service Unavailable`,
		}, never: []string{"s3cr3tkey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Now: func() time.Time { return now }}
			if tt.sources != nil {
				opts.Sources = func() []SourceStatus { return tt.sources }
			}
			rec := httptest.NewRecorder()
			New(opts).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
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
