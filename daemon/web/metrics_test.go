package web

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches /metrics through the Handler, as Prometheus would, and
// parses the text exposition.
func scrape(t *testing.T, h *Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics = %d, want 200: %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value is the sample of family name whose labels are exactly labels, and
// whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	fam, ok := fams[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range fam.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, lp := range m.GetLabel() {
			if labels[lp.GetName()] != lp.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	m := NewMetrics()
	h := New(Options{Metrics: m, Now: func() time.Time { return at(t, 2026, time.April, 29, 18, 0) }})

	// Before anything happened: the error series exist at zero.
	fams := scrape(t, h)
	for _, name := range []string{"hoursd_checks_total", "hoursd_config_reloads_total"} {
		if v, ok := value(fams, name, map[string]string{"result": "error"}); !ok || v != 0 {
			t.Errorf(`%s{result="error"} = %v (present %v) before any event, want 0`, name, v, ok)
		}
	}

	lastOK := at(t, 2026, time.April, 29, 18, 0)
	m.CheckRun(true, at(t, 2026, time.April, 28, 18, 0))
	m.CheckRun(true, lastOK)
	m.CheckRun(false, at(t, 2026, time.April, 30, 18, 0)) // a failure does not move the time
	m.Delivery("mail", "sent")
	m.Delivery("mail", "sent")
	m.Delivery("push", "failed")
	m.SetPending(5)
	m.SetPending(3)
	m.SetQuarantined(2)
	m.Reload(true)
	m.Reload(false)
	m.Reload(false)

	fams = scrape(t, h)
	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"hoursd_checks_total", map[string]string{"result": "ok"}, 2},
		{"hoursd_checks_total", map[string]string{"result": "error"}, 1},
		{"hoursd_last_successful_check_timestamp_seconds", nil, float64(lastOK.Unix())},
		{"hoursd_deliveries_total", map[string]string{"channel": "mail", "result": "sent"}, 2},
		{"hoursd_deliveries_total", map[string]string{"channel": "push", "result": "failed"}, 1},
		{"hoursd_outbox_pending", nil, 3},
		{"hoursd_state_quarantined_records", nil, 2},
		{"hoursd_config_reloads_total", map[string]string{"result": "ok"}, 1},
		{"hoursd_config_reloads_total", map[string]string{"result": "error"}, 2},
	}
	for _, tt := range tests {
		got, ok := value(fams, tt.name, tt.labels)
		if !ok {
			t.Errorf("%s%v missing from /metrics", tt.name, tt.labels)
			continue
		}
		if got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Errorf("go_goroutines missing: the Go collector is not registered")
	}
}

func TestMetricsRegistriesAreSeparate(t *testing.T) {
	// Two daemons in one process (as in the end-to-end tests) must not
	// share or clash on counters.
	a, b := NewMetrics(), NewMetrics()
	a.Delivery("mail", "sent")
	fams := scrape(t, New(Options{Metrics: b}))
	if v, ok := value(fams, "hoursd_deliveries_total", map[string]string{"channel": "mail", "result": "sent"}); ok {
		t.Errorf("second registry shows the first one's delivery (%v)", v)
	}
}

// TestMetricsLint runs Prometheus' own naming linter (promlint, as in
// `promtool check metrics`) over everything /metrics serves, with a sample
// of each hoursd metric present: counters end in _total, units are base
// units in the name, help texts exist.
func TestMetricsLint(t *testing.T) {
	m := NewMetrics()
	m.CheckRun(true, at(t, 2026, time.April, 29, 18, 0))
	m.Delivery("mail", "sent")
	m.SetPending(1)
	m.Reload(true)
	fams, err := m.registry.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	problems, err := promlint.NewWithMetricFamilies(fams).Lint()
	if err != nil {
		t.Fatalf("lint metrics: %v", err)
	}
	for _, p := range problems {
		t.Errorf("metric %s: %s", p.Metric, p.Text)
	}
}
