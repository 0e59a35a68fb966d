package daemon

import (
	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
	"time"
)

// backend is where hoursd keeps what it has told and what it still has to
// send: the embedded bbolt file (Store, the default) or a PostgreSQL
// database shared by replicas (pgStore). The daemon owns this interface and
// both keep to the same contract; the shared test suite runs on both
// (TestOnPostgres).
//
// The contract, in short:
//   - A message is written (enqueue) before it is sent, and marked sent
//     (record) only after its channel accepted it.
//   - What a subscriber's targets were told is read and written in one
//     exclusive step per chunk of subscribers (chunk): two checks of the
//     same subscriber — two cron jobs, a catch-up, a second replica — never
//     both plan from a state neither has written yet.
//   - A target's pending messages are taken oldest first, one sender at a
//     time (nextPending): a correction never overtakes what it corrects.
type backend interface {
	// Path names the state in logs and status: the file, or the database
	// with its password masked.
	Path() string
	// Ping reports whether the state answers, for /healthz and the
	// systemd watchdog.
	Ping() error
	Close() error

	// view calls f with what subs were told and when they were last
	// checked, reading and writing nothing else: a dry run.
	view(subs []*config.Subscriber, f func(stateView)) error
	// chunk plans and queues the check at `at` of a chunk of subscribers
	// in one exclusive step: it reads what they were told, calls plan
	// with the subscribers this step owns (a replica leaves out those
	// another one has already checked at this instant), and writes what
	// plan returns as enqueue describes. It returns the plans and the
	// messages queued.
	chunk(at, now time.Time, subs []*config.Subscriber, plan func(stateView, []*config.Subscriber) []planned) ([]planned, []Delivery, error)

	// pendingTargets lists the targets with pending messages this hoursd
	// may send (not held by another live replica), and counts them.
	pendingTargets() (targets []string, messages int, err error)
	// nextPending takes the target's oldest pending message after the one
	// with id after, or nil when there is none or another replica holds it.
	// held, when not nil, has the message if the check that queued it still
	// holds it in memory (see outbox.hold): the state file then reads only
	// where it stands, not the message again.
	nextPending(target string, after uint64, held func(id uint64) *Delivery) (*Delivery, error)
	// get reads one message; nil if there is none with that id.
	get(id uint64) (*Delivery, error)
	// record writes where a message stands after an attempt. done says the
	// sender is finished with it (sent, failed, or left pending for the
	// next check); otherwise it is still being retried.
	record(id uint64, target string, done bool, st deliveryStatus) error
	// prune forgets announcements and finished messages of days before
	// `before`.
	prune(before schedule.Date, loc *time.Location) error

	// lastRuns reads the last check of each subscriber in ids (absent: never
	// checked, or unreadable).
	lastRuns(ids []string) (map[string]*run, error)
	// deliveries lists the outbox, newest first, those keep accepts.
	deliveries(keep func(*Delivery) bool) ([]Delivery, error)
	// quarantine moves the records found unreadable aside and returns them;
	// quarantined counts what is kept aside.
	quarantine() ([]badRecord, error)
	quarantined() int
}

// stateView is what a check reads to plan a subscriber: its last check and
// what each of its targets was told.
type stateView interface {
	lastRun(subscriber string) *run
	announcementsOf(subscriber, target string) map[annKey]*announcement
}

// noState is the view of a state that does not exist yet (a dry run before
// the first start): nothing was ever told.
type noState struct{}

func (noState) lastRun(string) *run                                     { return nil }
func (noState) announcementsOf(string, string) map[annKey]*announcement { return nil }
