// Package notifiertest is what the channel packages' tests share: a delivery
// policy that records its waits instead of sleeping, and an HTTP server that
// never answers. It is imported by tests only.
package notifiertest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier"
)

// Start is the fixed "now" of InstantPolicy: a check at 18:00 the evening
// before Valborg.
var Start = time.Date(2026, 4, 29, 18, 0, 0, 0, time.UTC)

// InstantPolicy retries for up to an hour of simulated time with zero
// jitter; every wait is appended to delays and returns at once, so a test can
// assert what a retry waited (Retry-After honoured) without waiting.
func InstantPolicy(delays *[]time.Duration) notifier.Policy {
	return notifier.Policy{
		Timeout: 10 * time.Second, Deadline: Start.Add(time.Hour),
		Now:    func() time.Time { return Start },
		Jitter: func() float64 { return 0 },
		Sleep:  func(_ context.Context, d time.Duration) error { *delays = append(*delays, d); return nil },
	}
}

// HangingServer accepts requests and never answers them, like a service
// that has stopped responding; it lets go of them when the test ends.
func HangingServer(t testing.TB) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// CheckTransientWithoutSecrets fails the test unless err is a transient
// error (a server that never answers, a connection refused) in whose text,
// and in the text of every error it wraps, none of the secrets appears.
func CheckTransientWithoutSecrets(t testing.TB, err error, secrets ...string) {
	t.Helper()
	if retry, _ := notifier.IsTransient(err); !retry {
		t.Fatalf("Send() = %v, want a transient error", err)
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range secrets {
			if strings.Contains(e.Error(), s) {
				t.Errorf("error %q holds the secret %q", e, s)
			}
		}
	}
}

// Golden compares what a channel sent (got) with the golden file at path,
// which update (the package's -update flag) rewrites first: a rewritten
// file is reviewed by eye before it is committed.
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file %s (run the package's tests with -update to write it, then review it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("sent =\n%s\nwant (%s)\n%s", got, path, want)
	}
}

// Subject and Body are a message as hoursd renders it
// (notifier/testdata/day-shortened.sv.golden): what the channel tests send.
const (
	Subject = "Ändrade öppettider i morgon: Försäkringskassan kundcenter"
	Body    = "Försäkringskassan kundcenter, tel. 0771-524 524\n" +
		"I morgon, torsdag 30 april (Valborgsmässoafton): öppet 08:00–11:30 i stället för 08:00–16:00.\n" +
		"https://www.forsakringskassan.se/\n"
)
