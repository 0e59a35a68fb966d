package sources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestFetch runs the fetcher against local servers that answer as
// publishers' servers do, and as hostile ones might.
func TestFetch(t *testing.T) {
	page := "x 2026-04-30 2026-04-30 08:00-11:30 Valborg\n"
	var gotUA, gotINM, gotIMS string
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotINM, gotIMS = r.UserAgent(), r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jun 2025 08:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` || r.Header.Get("If-Modified-Since") == "Mon, 02 Jun 2025 08:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "not here", http.StatusNotFound) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(6<<20))
		w.Write(make([]byte, 6<<20))
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		// No Content-Length: a body that streams on and on.
		chunk := []byte(strings.Repeat("<div>", 1024))
		for range 2048 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop?again", http.StatusFound) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/page", http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		name         string
		path         string
		v            Validators
		wantBody     string
		notModified  bool
		wantErr      string // contained in the error; "" for none
		wantTooLarge bool
		retryAfter   time.Duration
	}{
		{name: "a page", path: "/page", wantBody: page},
		{name: "a redirect is followed", path: "/moved", wantBody: page},
		{name: "an unchanged page by ETag", path: "/page", v: Validators{ETag: `"v1"`}, notModified: true},
		{name: "an unchanged page by Last-Modified", path: "/page", v: Validators{LastModified: "Mon, 02 Jun 2025 08:00:00 GMT"}, notModified: true},
		{name: "a changed page", path: "/page", v: Validators{ETag: `"v0"`}, wantBody: page},
		{name: "not found", path: "/gone", wantErr: "http 404 Not Found"},
		{name: "too many requests", path: "/busy", wantErr: "http 429 Too Many Requests (the server asks to wait 2m0s)", retryAfter: 2 * time.Minute},
		{name: "a huge page that says so", path: "/huge", wantErr: "larger than the limit", wantTooLarge: true},
		{name: "a page that never ends", path: "/endless", wantErr: "larger than the limit", wantTooLarge: true},
		{name: "an endless redirect", path: "/loop", wantErr: "stopped after 5 redirects"},
	}
	f := &Fetcher{UserAgent: "hoursd/test (+https://example.com/hoursd)", MaxBytes: 1 << 20}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.Fetch(context.Background(), srv.URL+tt.path, tt.v)
			if tt.wantErr != "" {
				var fe *FetchError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("Fetch(%s) = %v, want a *FetchError with %q", tt.path, err, tt.wantErr)
				}
				if errors.Is(err, ErrTooLarge) != tt.wantTooLarge || fe.RetryAfter != tt.retryAfter {
					t.Errorf("Fetch(%s) = %v: too large %v, retry after %s; want %v, %s", tt.path, err, errors.Is(err, ErrTooLarge), fe.RetryAfter, tt.wantTooLarge, tt.retryAfter)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch(%s) = %v", tt.path, err)
			}
			if p.NotModified != tt.notModified || string(p.Body) != tt.wantBody {
				t.Errorf("Fetch(%s) = not modified %v, body %q; want %v, %q", tt.path, p.NotModified, p.Body, tt.notModified, tt.wantBody)
			}
			if p.Validators != (Validators{ETag: `"v1"`, LastModified: "Mon, 02 Jun 2025 08:00:00 GMT"}) {
				t.Errorf("Fetch(%s) validators = %+v, want the server's", tt.path, p.Validators)
			}
			if gotUA != f.UserAgent || gotINM != tt.v.ETag || gotIMS != tt.v.LastModified {
				t.Errorf("Fetch(%s) sent User-Agent %q, If-None-Match %q, If-Modified-Since %q; want %q, %q, %q",
					tt.path, gotUA, gotINM, gotIMS, f.UserAgent, tt.v.ETag, tt.v.LastModified)
			}
		})
	}
}

// TestFetchRefusesDowngrade: a page configured as https that redirects to
// plain http is not followed, so nobody on the way can rewrite it.
func TestFetchRefusesDowngrade(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "x") }))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/page", http.StatusFound)
	}))
	defer tlsSrv.Close()
	f := &Fetcher{Transport: tlsSrv.Client().Transport}
	_, err := f.Fetch(context.Background(), tlsSrv.URL+"/page", Validators{})
	if err == nil || !strings.Contains(err.Error(), "refused a redirect from https to http://") {
		t.Fatalf("Fetch(https redirecting to http) = %v, want the redirect refused", err)
	}
}

// TestFetchTimeout: a server that never answers fails the fetch when its
// timeout runs out, however long the server would hold on.
func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	f := &Fetcher{Timeout: 20 * time.Millisecond}
	_, err := f.Fetch(context.Background(), srv.URL, Validators{})
	if err == nil || !strings.Contains(err.Error(), "Client.Timeout exceeded") {
		t.Fatalf("Fetch(a server that never answers) = %v, want a timeout", err)
	}
}
