package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// sourceMetrics tell how the refreshes of the schedules' sources go
// (daemon/sources): an alert on hoursd_source_failing, or on a last
// success older than a few days, says that hoursd no longer follows a
// publisher's page.
type sourceMetrics struct {
	lastSuccess *prometheus.GaugeVec
	failing     *prometheus.GaugeVec
	refreshes   *prometheus.CounterVec
}

func newSourceMetrics() sourceMetrics {
	return sourceMetrics{
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hoursd_source_last_success_timestamp_seconds",
			Help: "Unix time of the last refresh of a schedule's source that succeeded (a 304 included); 0 until one has.",
		}, []string{"schedule"}),
		failing: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hoursd_source_failing",
			Help: "1 when the last refresh of a schedule's source failed (the last good reading is kept), else 0.",
		}, []string{"schedule"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hoursd_source_refreshes_total",
			Help: "Refreshes of schedules' sources, by schedule and result (error: fetch failed, no list, or held back).",
		}, []string{"schedule", "result"}),
	}
}

// SourceRefreshed records a refresh of a schedule's source; lastSuccess is
// the time of the last good refresh (zero: never). It satisfies
// daemon/sources.Observer.
func (m *Metrics) SourceRefreshed(schedule string, ok bool, lastSuccess time.Time) {
	result, failing := resultOK, 0.0
	if !ok {
		result, failing = resultError, 1
	}
	m.sources.refreshes.WithLabelValues(schedule, result).Inc()
	m.sources.failing.WithLabelValues(schedule).Set(failing)
	if lastSuccess.IsZero() {
		m.sources.lastSuccess.WithLabelValues(schedule).Set(0)
	} else {
		m.sources.lastSuccess.WithLabelValues(schedule).Set(float64(lastSuccess.Unix()))
	}
}
