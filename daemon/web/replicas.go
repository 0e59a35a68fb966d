package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ReplicaStatus is one hoursd sharing a PostgreSQL state, as the page and
// the metrics show it: which is alive, and what each sent.
type ReplicaStatus struct {
	Name    string
	Self    bool // the one serving this page
	Alive   bool // its heartbeat is recent and it did not stop
	Seen    time.Time
	Sent    int // messages it sent, of those the state keeps
	Claimed int // pending messages it holds now
}

// replicaRow is one replica in the page's words.
type replicaRow struct {
	Name, Alive, Seen string
	Self, Up          bool
	Sent, Claimed     int
}

// replicaLabels are the words of the replicas section, by language.
type replicaLabels struct {
	Heading, Replica, Alive, Seen, Sent, Holds, Yes, No, ThisOne string
}

var replicaWords = map[string]replicaLabels{
	"sv": {Heading: "Repliker", Replica: "Replik", Alive: "Lever", Seen: "Senast hörd", Sent: "Skickade", Holds: "Håller",
		Yes: "ja", No: "nej", ThisOne: "den här"},
	"en": {Heading: "Replicas", Replica: "Replica", Alive: "Alive", Seen: "Last heard", Sent: "Sent", Holds: "Holds",
		Yes: "yes", No: "no", ThisOne: "this one"},
}

// replicaRows lays out the replicas for the page; none on the embedded
// state file.
func (h *Handler) replicaRows(loc *time.Location, l *lang) []replicaRow {
	if h.replicas == nil {
		return nil
	}
	words := replicaWords[l.Code()]
	var rows []replicaRow
	for _, r := range h.replicas() {
		row := replicaRow{Name: r.Name, Self: r.Self, Up: r.Alive, Alive: words.No, Seen: l.labels.Never, Sent: r.Sent, Claimed: r.Claimed}
		if r.Alive {
			row.Alive = words.Yes
		}
		if !r.Seen.IsZero() {
			row.Seen = l.dateTime(r.Seen.In(loc))
		}
		rows = append(rows, row)
	}
	return rows
}

// replicaMetrics tell which replicas sharing a PostgreSQL state live, and
// what each sent: an alert on hoursd_replica_up == 0 says a replica is
// gone (the others send what it held once its lease ran out).
type replicaMetrics struct {
	up      *prometheus.GaugeVec
	sent    *prometheus.GaugeVec
	claimed *prometheus.GaugeVec
}

func newReplicaMetrics() replicaMetrics {
	return replicaMetrics{
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hoursd_replica_up",
			Help: "1 while a replica sharing the PostgreSQL state beats its heartbeat, 0 once it stopped or its lease ran out.",
		}, []string{"replica"}),
		sent: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hoursd_replica_sent_messages",
			Help: "Messages a replica sent, of those the state still keeps (sent messages are pruned 60 days after their day).",
		}, []string{"replica"}),
		claimed: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hoursd_replica_claimed_messages",
			Help: "Pending messages a replica holds a lease on: it is sending them.",
		}, []string{"replica"}),
	}
}

// SetReplica records one replica as the last heartbeat read it. It
// satisfies daemon.ReplicaObserver.
func (m *Metrics) SetReplica(name string, alive bool, sent, claimed int) {
	up := 0.0
	if alive {
		up = 1
	}
	m.replicas.up.WithLabelValues(name).Set(up)
	m.replicas.sent.WithLabelValues(name).Set(float64(sent))
	m.replicas.claimed.WithLabelValues(name).Set(float64(claimed))
}
