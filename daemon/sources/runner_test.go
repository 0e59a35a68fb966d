package sources

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hoursd/hoursd/config"
)

// scriptedGetter answers each fetch with the page or error the test set,
// without a network: the runner's tests run in a synctest bubble.
type scriptedGetter struct {
	mu    sync.Mutex
	page  string
	err   error
	times []time.Time // when each fetch happened
}

func (g *scriptedGetter) set(page string, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.page, g.err = page, err
}

func (g *scriptedGetter) Fetch(_ context.Context, _ string, _ Validators) (*Page, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.times = append(g.times, time.Now())
	if g.err != nil {
		return nil, &FetchError{URL: "https://example.com/", Err: g.err}
	}
	return &Page{Body: []byte(g.page)}, nil
}

type observed struct {
	mu  sync.Mutex
	oks []bool
}

func (o *observed) SourceRefreshed(_ string, ok bool, _ time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.oks = append(o.oks, ok)
}

// TestRunner runs the refresh loop in simulated time: a refresh at start,
// then one each morning at 06:00 in the configuration's zone; a reload
// after each refresh that changed something, and none after one that did
// not or failed.
func TestRunner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The bubble's clock starts at 2000-01-01 00:00 UTC, 01:00 in
		// Stockholm: the first 06:00 there is five hours on.
		cfg := testConfig(t, "https://example.com/ring-kundcenter")
		get := &scriptedGetter{page: edition2026}
		var logs bytes.Buffer
		var mu sync.Mutex
		reloads := 0
		obs := &observed{}
		r := &Runner{
			Refresher: Refresher{StateDir: cfg.StateDir, Getter: get, Read: lineRead},
			Config:    func() *config.Config { return cfg },
			Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
			Observer:  obs,
			Changed:   func() { mu.Lock(); reloads++; mu.Unlock() },
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		start := time.Now()

		steps := []struct {
			name    string
			page    string
			err     error
			wait    time.Duration // from the start
			fetches int
			reloads int
		}{
			{name: "at start", page: edition2026, wait: time.Minute, fetches: 1, reloads: 1},
			{name: "not before 06:00", page: edition2026, wait: 4*time.Hour + 59*time.Minute, fetches: 1, reloads: 1},
			{name: "06:00, the page unchanged: no reload", page: edition2026, wait: 5*time.Hour + time.Minute, fetches: 2, reloads: 1},
			{name: "the next morning the page is down", err: errors.New("connection refused"), wait: 29*time.Hour + time.Minute, fetches: 3, reloads: 1},
			{name: "the morning after, an edit reloads", page: edition2026 + "x 2026-10-30 2026-10-30 08:00-11:30 Dag före alla helgons dag\n", wait: 53*time.Hour + time.Minute, fetches: 4, reloads: 2},
		}
		for _, st := range steps {
			get.set(st.page, st.err)
			time.Sleep(time.Until(start.Add(st.wait)))
			synctest.Wait()
			get.mu.Lock()
			fetches := len(get.times)
			get.mu.Unlock()
			mu.Lock()
			n := reloads
			mu.Unlock()
			if fetches != st.fetches || n != st.reloads {
				t.Errorf("%s: %d fetches, %d reloads; want %d, %d", st.name, fetches, n, st.fetches, st.reloads)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
		for i, at := range get.times[1:] {
			if h := at.In(stockholm).Hour(); h != 6 {
				t.Errorf("fetch %d at %s, want 06:00 Stockholm", i+2, at.In(stockholm))
			}
		}
		if want := []bool{true, true, false, true}; len(obs.oks) != 4 || obs.oks[2] || !obs.oks[3] {
			t.Errorf("observer heard %v, want %v", obs.oks, want)
		}
		if n := strings.Count(logs.String(), "source refresh failed"); n != 1 || !strings.Contains(logs.String(), "connection refused") {
			t.Errorf("the log holds %d failed refreshes, want 1 with its reason:\n%s", n, &logs)
		}
	})
}

// TestRunnerFollowsReloads runs the refresh loop in simulated time through
// reloads: a source added by a reload is read at once and then on its
// cron, a changed refresh spec moves the refreshes, a reload that changes
// nothing of the sources reads nothing, a removed source is read no more.
func TestRunnerFollowsReloads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The bubble's clock starts at 2000-01-01 01:00 in Stockholm.
		withSource := testConfig(t, "https://example.com/ring-kundcenter")
		withSource.Sources[0].Refresh = "0 7 * * *"
		none := *withSource
		none.Sources = nil
		var mu sync.Mutex
		cur := &none
		get := &scriptedGetter{page: edition2026}
		r := &Runner{
			Refresher: Refresher{StateDir: withSource.StateDir, Getter: get, Read: lineRead},
			Config:    func() *config.Config { mu.Lock(); defer mu.Unlock(); return cur },
		}
		reload := func(c *config.Config) {
			mu.Lock()
			cur = c
			mu.Unlock()
			r.Reloaded()
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		start := time.Now()
		fetchMinutes := func() []int {
			get.mu.Lock()
			defer get.mu.Unlock()
			var out []int
			for _, at := range get.times {
				out = append(out, int(at.Sub(start)/time.Minute))
			}
			return out
		}
		// local is h o'clock in Stockholm on the bubble's first day, in
		// minutes from the start (01:00 there).
		local := func(h int) int { return (h - 1) * 60 }

		movedSpec := *withSource
		movedSpec.Sources = []config.Source{withSource.Sources[0]}
		movedSpec.Sources[0].Refresh = "0 9 * * *"
		added, first, moved := local(3)+1, local(7), local(24+9)
		steps := []struct {
			name   string
			after  time.Duration // from the start
			reload *config.Config
			want   []int // minutes from the start of every fetch so far
		}{
			{name: "no source at start: nothing read", after: 2 * time.Hour, want: nil},
			{name: "a source added by a reload is read at once", after: 2*time.Hour + time.Minute, reload: withSource, want: []int{added}},
			{name: "and then on its cron at 07:00", after: 6*time.Hour + time.Minute, want: []int{added, first}},
			{name: "a reload that changes nothing of the source reads nothing", after: 7 * time.Hour, reload: withSource, want: []int{added, first}},
			{name: "a changed refresh spec moves the refresh", after: 8 * time.Hour, reload: &movedSpec, want: []int{added, first}},
			{name: "not at 07:00 the next day", after: 30*time.Hour + time.Minute, want: []int{added, first}},
			{name: "but at 09:00", after: 32*time.Hour + time.Minute, want: []int{added, first, moved}},
			{name: "a removed source is read no more", after: 33 * time.Hour, reload: &none, want: []int{added, first, moved}},
			{name: "not even at its hour", after: 80 * time.Hour, want: []int{added, first, moved}},
		}
		for _, st := range steps {
			time.Sleep(time.Until(start.Add(st.after)))
			if st.reload != nil {
				reload(st.reload)
			}
			synctest.Wait()
			if got := fetchMinutes(); !slices.Equal(got, st.want) {
				t.Errorf("%s: fetches at %v minutes from the start, want %v", st.name, got, st.want)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
}
