package daemon

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// TestDryRunEndpoint asks a daemon that has told anna of Valborg's eve
// (30 April 2026, 08:00-11:30) what checks at other instants would send.
// Its answers must be what a dry check beside the stopped daemon gives for
// the same instant and state, and asking must record nothing.
func TestDryRunEndpoint(t *testing.T) {
	cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com"))
	s := newSim(t, cfg, at(t, "2026-04-29 12:00"))
	s.runUntil(at(t, "2026-04-29 20:00"), nil)
	if got := s.box.lines(); len(got) != 1 {
		t.Fatalf("before the dry runs, anna was told %q, want Valborg's eve once", got)
	}
	s.clock.Set(at(t, "2026-04-30 18:00")) // "now" for a dry run without at
	srv := httptest.NewServer(s.d.mux)
	defer srv.Close()
	stateFile := s.d.store.Path()
	before, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		method string
		query  string    // "" for none
		at     time.Time // the instant the answer must stand for (200 only)
		code   int
		// want is in the body: a message's line (testRender), an error,
		// or "" for none (HEAD).
		want     string
		messages int
	}{
		{"the eve of the first of May", "GET", "at=" + url.QueryEscape("2026-04-30T18:00:00+02:00"), at(t, "2026-04-30 18:00"), 200,
			`2026-05-01 day new closed`, 1},
		{"Valborg's eve was told already", "GET", "at=" + url.QueryEscape("2026-04-29T18:30:00+02:00"), at(t, "2026-04-29 18:30"), 200,
			`"messages": []`, 0},
		{"in UTC", "GET", "at=2026-04-30T16:00:00Z", time.Date(2026, time.April, 30, 16, 0, 0, 0, time.UTC), 200,
			`2026-05-01 day new closed`, 1},
		{"a '+' left unescaped", "GET", "at=2026-04-30T18:00:00+02:00", at(t, "2026-04-30 18:00"), 200,
			`2026-05-01 day new closed`, 1},
		{"without at: now", "GET", "", at(t, "2026-04-30 18:00"), 200,
			`2026-05-01 day new closed`, 1},
		{"HEAD", "HEAD", "at=2026-04-30T16:00:00Z", time.Time{}, 200, "", 0},
		{"a date without a time", "GET", "at=2026-04-30", time.Time{}, 400,
			`at: "2026-04-30" is not an RFC 3339 time such as 2026-04-29T18:00:00+02:00`, 0},
		{"not a time", "GET", "at=tomorrow", time.Time{}, 400,
			`at: "tomorrow" is not an RFC 3339 time`, 0},
		{"POST", "POST", "at=2026-04-30T16:00:00Z", time.Time{}, 405, "", 0},
	}
	answers := map[string]CheckJSON{}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, srv.URL+"/dry-run?"+tt.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.code || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %s /dry-run?%s = %d %s\nwant %d with %q", tt.name, tt.method, tt.query, res.StatusCode, body, tt.code, tt.want)
			continue
		}
		if tt.method == "HEAD" && len(body) > 0 {
			t.Errorf("%s: HEAD /dry-run?%s has a body: %s", tt.name, tt.query, body)
		}
		if tt.code != 200 || tt.method != "GET" {
			continue
		}
		var dr CheckJSON
		if err := json.Unmarshal(body, &dr); err != nil {
			t.Errorf("%s: GET /dry-run?%s: %v\n%s", tt.name, tt.query, err, body)
			continue
		}
		if !dr.At.Equal(tt.at) || len(dr.Messages) != tt.messages || len(dr.Errors) > 0 {
			t.Errorf("%s: GET /dry-run?%s stands for %s with %d message(s), errors %q; want %s with %d",
				tt.name, tt.query, dr.At, len(dr.Messages), dr.Errors, tt.at, tt.messages)
		}
		answers[tt.name] = dr
	}
	if after, err := os.ReadFile(stateFile); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the dry runs changed the state file (%d bytes before, %d after, err %v)", len(before), len(after), err)
	}

	// The same instants, asked of the state beside the stopped daemon, as
	// `hoursd check --dry-run --at` does.
	s.d.Close()
	alone, err := NewReadOnly(cfg, s.options())
	if err != nil {
		t.Fatal(err)
	}
	defer alone.Close()
	for _, tt := range tests {
		served, ok := answers[tt.name]
		if !ok {
			continue
		}
		want, _ := json.Marshal(CheckJSONOf(alone.Check(t.Context(), tt.at, true, 0), true))
		got, _ := json.Marshal(served)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: GET /dry-run = %s\nwant what a dry check at %s beside the stopped daemon gives: %s", tt.name, got, tt.at, want)
		}
	}
}
