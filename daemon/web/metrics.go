package web

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the numbers hoursd exposes to Prometheus on /metrics. They
// live in their own registry rather than the global one, so two daemons in
// one test binary (or a reload that builds a new Handler) never collide on
// registration and nothing else in the process leaks into hoursd's scrape.
//
// The daemon owns a Metrics for its whole life and calls its methods; the
// zero value is not usable, build one with NewMetrics.
type Metrics struct {
	registry   *prometheus.Registry
	checks     *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	pending    prometheus.Gauge
	quarantine prometheus.Gauge
	lastCheck  prometheus.Gauge
	reloads    *prometheus.CounterVec
	sources    sourceMetrics  // metrics_sources.go
	replicas   replicaMetrics // replicas.go
}

// The values of the result label of checks and reloads.
const (
	resultOK    = "ok"
	resultError = "error"
)

// NewMetrics builds the metrics in a fresh registry, together with the Go
// runtime and process collectors every Prometheus target is expected to have.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hoursd_checks_total",
			Help: "Checks run, one per subscriber at each of its check times, by result (error: that subscriber's check failed).",
		}, []string{"result"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hoursd_deliveries_total",
			Help: "Deliveries of messages to targets, by channel and outcome (sent; pending: not accepted yet, retried later; failed: given up).",
		}, []string{"channel", "result"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hoursd_outbox_pending",
			Help: "Messages written to the outbox and not yet accepted by their channel.",
		}),
		quarantine: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hoursd_state_quarantined_records",
			Help: "Records of the state that could not be read, kept aside in its quarantine and ignored; see the log.",
		}),
		lastCheck: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hoursd_last_successful_check_timestamp_seconds",
			Help: "Unix time of the last check that succeeded; 0 until one has.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hoursd_config_reloads_total",
			Help: "Configuration reloads (SIGHUP), by result (error: the new configuration was rejected and the old one kept).",
		}, []string{"result"}),
	}
	// Both results exist from the start so that rate() and alerts on
	// result="error" see a 0 rather than an absent series.
	for _, r := range []string{resultOK, resultError} {
		m.checks.WithLabelValues(r)
		m.reloads.WithLabelValues(r)
	}
	m.sources = newSourceMetrics()
	m.replicas = newReplicaMetrics()
	m.registry.MustRegister(
		m.checks, m.deliveries, m.pending, m.quarantine, m.lastCheck, m.reloads,
		m.sources.lastSuccess, m.sources.failing, m.sources.refreshes,
		m.replicas.up, m.replicas.sent, m.replicas.claimed,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// CheckRun records one check of one subscriber (the daemon checks each
// subscriber on its own cron spec). A successful check also moves the
// last-successful-check time to at, the time the check ran for, so an alert
// can fire when hoursd has not checked for longer than its schedule allows.
func (m *Metrics) CheckRun(ok bool, at time.Time) {
	if !ok {
		m.checks.WithLabelValues(resultError).Inc()
		return
	}
	m.checks.WithLabelValues(resultOK).Inc()
	m.lastCheck.Set(float64(at.Unix()))
}

// Delivery records how delivering one message to a target through channel
// (the channel's id from the configuration) ended: the daemon reports its
// delivery states "sent", "pending" (not accepted yet; it tries again) and
// "failed". Keep the result words few, since every distinct value is a
// time series.
func (m *Metrics) Delivery(channel, result string) {
	m.deliveries.WithLabelValues(channel, result).Inc()
}

// SetPending sets the number of messages waiting in the outbox.
func (m *Metrics) SetPending(n int) { m.pending.Set(float64(n)) }

// SetQuarantined sets the number of state records kept aside as unreadable.
func (m *Metrics) SetQuarantined(n int) { m.quarantine.Set(float64(n)) }

// Reload records a configuration reload; ok false means the new
// configuration was rejected.
func (m *Metrics) Reload(ok bool) {
	if ok {
		m.reloads.WithLabelValues(resultOK).Inc()
		return
	}
	m.reloads.WithLabelValues(resultError).Inc()
}

// Handler serves the metrics in the Prometheus exposition formats. Errors
// while gathering are reported in the response and do not abort the scrape.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.registry, // promhttp_metric_handler_errors_total
	})
}
