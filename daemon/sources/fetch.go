package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The fetch limits. A page that lists a year of hours is tens of
// kilobytes; five megabytes leaves room for the heaviest CMS page and stops
// a page that never ends.
const (
	DefaultMaxBytes     = 5 << 20
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRedirects = 5
)

// Fetcher fetches a source's page over HTTP with a timeout, a size limit, a
// redirect limit, conditional requests and a User-Agent that says who asks.
// The zero value works, with the defaults above and User-Agent "hoursd".
type Fetcher struct {
	UserAgent    string        // e.g. "hoursd/v1.2.3 (+https://github.com/hoursd/hoursd)"
	Timeout      time.Duration // the whole fetch, redirects and body included; 0: DefaultTimeout
	MaxBytes     int64         // the body's limit after decompression; 0: DefaultMaxBytes
	MaxRedirects int           // 0: DefaultMaxRedirects
	// Transport sends the requests; nil: http.DefaultTransport.
	Transport http.RoundTripper
}

// Validators are what the last good fetch answered with, sent back so that
// an unchanged page costs a 304 and no reading.
type Validators struct {
	ETag         string
	LastModified string
}

// Page is the answer to a fetch.
type Page struct {
	Body        []byte
	NotModified bool // 304: the kept reading still stands
	Validators  Validators
}

// FetchError is a fetch that failed: the URL asked and why.
type FetchError struct {
	URL string
	Err error
	// RetryAfter is what a 429 or 503 asked for; 0 when it did not say.
	// The next refresh is on cron anyway; the log says how long the
	// server wanted to be left alone.
	RetryAfter time.Duration
}

func (e *FetchError) Error() string { return "fetch " + e.URL + ": " + e.Err.Error() }
func (e *FetchError) Unwrap() error { return e.Err }

// ErrTooLarge is a body over the size limit.
var ErrTooLarge = errors.New("the page is larger than the limit")

// Fetch gets url, conditionally when v holds validators.
func (f *Fetcher) Fetch(ctx context.Context, url string, v Validators) (*Page, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	maxBytes := f.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	maxRedirects := f.MaxRedirects
	if maxRedirects <= 0 {
		maxRedirects = DefaultMaxRedirects
	}
	ua := f.UserAgent
	if ua == "" {
		ua = "hoursd"
	}
	client := &http.Client{
		Transport: f.Transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			// The page was configured as https: a redirect must not
			// let anyone on the way rewrite what hoursd announces.
			if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return fmt.Errorf("refused a redirect from https to %s://%s", req.URL.Scheme, req.URL.Host)
			}
			return nil
		},
	}
	fail := func(err error) (*Page, error) { return nil, &FetchError{URL: url, Err: err} }

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", "text/html, application/xhtml+xml, application/ld+json, text/calendar, text/plain;q=0.9, */*;q=0.5")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			// *url.Error repeats method and URL; ours says the URL once.
			err = ue.Unwrap()
		}
		return fail(err)
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified && (v.ETag != "" || v.LastModified != ""):
		return &Page{NotModified: true, Validators: validatorsOf(resp, v)}, nil
	case resp.StatusCode != http.StatusOK:
		fe := &FetchError{URL: url, Err: fmt.Errorf("http %s", resp.Status), RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
		if fe.RetryAfter > 0 {
			fe.Err = fmt.Errorf("http %s (the server asks to wait %s)", resp.Status, fe.RetryAfter)
		}
		return nil, fe
	}
	if resp.ContentLength > maxBytes {
		return fail(fmt.Errorf("%w of %d bytes: it says %d bytes", ErrTooLarge, maxBytes, resp.ContentLength))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return fail(fmt.Errorf("read the page: %w", err))
	}
	if int64(len(body)) > maxBytes {
		return fail(fmt.Errorf("%w of %d bytes", ErrTooLarge, maxBytes))
	}
	return &Page{Body: body, Validators: validatorsOf(resp, Validators{})}, nil
}

// validatorsOf are the response's validators, or old where a 304 did not
// repeat them.
func validatorsOf(resp *http.Response, old Validators) Validators {
	v := Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if v.ETag == "" {
		v.ETag = old.ETag
	}
	if v.LastModified == "" {
		v.LastModified = old.LastModified
	}
	return v
}

// retryAfter reads a Retry-After of seconds; an HTTP date is left alone,
// since the next refresh is on cron and the value is only reported.
func retryAfter(s string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}
