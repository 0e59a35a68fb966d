package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// replicaOptions are the options of one in-process replica whose sends
// reach box through send (nil: boxSender).
func replicaOptions(clock *fakeClock, box *postbox, send func(notifier.Sender) notifier.Sender) Options {
	return Options{
		Now:    clock.Now,
		Render: testRender,
		SenderFor: func(_ *config.Config, t config.Target) (notifier.Sender, error) {
			var s notifier.Sender = boxSender{box, t.Address}
			if send != nil {
				s = send(s)
			}
			return s, nil
		},
		Sleep:  func(context.Context, time.Duration) error { return errors.New("no waiting in tests") },
		Notify: func(string) error { return nil },
	}
}

// replicaConfig is cfg with its state in dsn under the replica name.
func replicaConfig(cfg *config.Config, dsn, name string) *config.Config {
	c := *cfg
	c.Postgres = &config.Postgres{DSN: dsn, Replica: name, Lease: config.DefaultLease}
	return &c
}

func manySubscribers(n int) []config.Subscriber {
	subs := make([]config.Subscriber, n)
	for i := range subs {
		subs[i] = subscriber(fmt.Sprintf("s%04d", i), []int{1}, fmt.Sprintf("mail:s%04d@example.com", i))
	}
	return subs
}

// TestReplicasTellOnce runs the same check at the same instant on two
// replicas at once, many times over: each target hears the change once, and
// each (subscriber, instant) is claimed by one replica.
func TestReplicasTellOnce(t *testing.T) {
	base := testPostgres(t)
	dsn := newSchema(t, base)
	subs := manySubscribers(600) // more than two chunks
	cfg := testConfig(t.TempDir(), kundcenter2026(t), subs...)
	clock := &fakeClock{t: at(t, "2026-04-29 17:00")}
	box := &postbox{clock: clock, down: map[string]bool{}}
	var ds []*Daemon
	for _, name := range []string{"a", "b"} {
		d, err := New(replicaConfig(cfg, dsn, name), replicaOptions(clock, box, nil))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		ds = append(ds, d)
	}
	clock.Set(at(t, "2026-04-29 18:00"))
	var wg sync.WaitGroup
	reports := make([]Report, len(ds))
	for i, d := range ds {
		wg.Go(func() { reports[i] = d.Check(t.Context(), at(t, "2026-04-29 18:00"), false, 0) })
	}
	wg.Wait()
	var want []string
	for _, s := range subs {
		want = append(want, s.Targets[0].Address+" 2026-04-29 | 2026-04-30 day new 08:00-11:30")
	}
	diff(t, "two replicas checking at once", box.lines(), want)
	if n := len(reports[0].Messages) + len(reports[1].Messages); n != len(subs) {
		t.Errorf("the replicas' reports list %d + %d messages, want %d in all", len(reports[0].Messages), len(reports[1].Messages), len(subs))
	}
	var claims int
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM checks`).Scan(&claims); err != nil || claims != len(subs) {
		t.Errorf("claim rows = %d (%v), want one per subscriber: %d", claims, err, len(subs))
	}
	// The claim rows are what keeps a second queueing out: a check of the
	// same instant later finds them and plans nothing.
	again := ds[1].Check(t.Context(), at(t, "2026-04-29 18:00"), false, 0)
	if len(again.Messages) != 0 || len(box.lines()) != len(subs) {
		t.Errorf("the same check again: %d messages, %d received; want none more", len(again.Messages), len(box.lines()))
	}
	// Status shows both replicas, and what each sent.
	for _, d := range ds {
		if err := d.store.(replicated).heartbeat(nil); err != nil {
			t.Fatal(err)
		}
	}
	st, err := ds[0].Status()
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, r := range st.Replicas {
		sent += r.Sent
		if !r.Alive {
			t.Errorf("replica %s not alive in status", r.Name)
		}
	}
	if len(st.Replicas) != 2 || sent != len(subs) || !st.Replicas[0].Self || st.Replicas[1].Self {
		t.Errorf("status replicas = %+v, want a (self) and b, %d sent between them", st.Replicas, len(subs))
	}
}

// dyingSender accepts nothing until its context ends: the sends of a
// replica that is about to die.
type dyingSender struct{ started chan<- struct{} }

func (h dyingSender) Send(ctx context.Context, _, _ string) error {
	h.started <- struct{}{}
	<-ctx.Done()
	return notifier.Transient(ctx.Err(), 0)
}

// TestReplicaTakesOver kills a replica in the middle of its fan-out: its
// connections are gone, its claims stay. Once their lease has run out, the
// other replica's heartbeat finds them and sends every message, once.
func TestReplicaTakesOver(t *testing.T) {
	base := testPostgres(t)
	dsn := newSchema(t, base)
	subs := manySubscribers(200)
	cfg := testConfig(t.TempDir(), kundcenter2026(t), subs...)
	clock := &fakeClock{t: at(t, "2026-04-29 17:00")}
	box := &postbox{clock: clock, down: map[string]bool{}}
	started := make(chan struct{}, len(subs))
	a, err := New(replicaConfig(cfg, dsn, "a"), replicaOptions(clock, &postbox{clock: clock, down: map[string]bool{}},
		func(notifier.Sender) notifier.Sender { return dyingSender{started} }))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(replicaConfig(cfg, dsn, "b"), replicaOptions(clock, box, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	clock.Set(at(t, "2026-04-29 18:00"))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); a.Check(ctx, at(t, "2026-04-29 18:00"), false, 0) }()
	for range MaxInFlight { // a's sends are under way
		<-started
	}
	// a dies: its sessions end without a word, as at kill -9.
	pa := a.store.(*pgStore)
	pa.lockMu.Lock()
	pa.lock.Close(context.Background())
	pa.lock = nil
	pa.lockMu.Unlock()
	pa.pool.Reset()

	rb := b.store.(replicated)
	if ts, err := rb.orphans(); err != nil || len(ts) != 0 {
		t.Fatalf("orphans while a's leases hold = %d (%v), want none", len(ts), err)
	}
	st, _ := b.Status()
	for _, r := range st.Replicas {
		if r.Name == "a" && r.Claimed != len(subs) {
			t.Errorf("status: a holds %d messages, want %d", r.Claimed, len(subs))
		}
	}
	clock.Set(clock.Now().Add(config.DefaultLease + time.Second))
	if err := rb.heartbeat(nil); err != nil {
		t.Fatal(err)
	}
	b.takeOver(rb)
	b.background.Wait()
	var want []string
	for _, s := range subs {
		want = append(want, s.Targets[0].Address+" 2026-04-29 | 2026-04-30 day new 08:00-11:30")
	}
	diff(t, "after a replica died mid fan-out", box.lines(), want)
	st, _ = b.Status()
	for _, r := range st.Replicas {
		if r.Name == "a" && r.Alive {
			t.Errorf("status: a alive after its lease ran out")
		}
		if r.Name == "b" && r.Sent != len(subs) {
			t.Errorf("status: b sent %d, want %d", r.Sent, len(subs))
		}
	}
	cancel()
	<-done
	a.Close()
}

// TestReplicaNameHeld refuses a second live hoursd under a replica's name,
// and lets it in once the first is gone.
func TestReplicaNameHeld(t *testing.T) {
	dsn := newSchema(t, testPostgres(t))
	cfg := replicaConfig(testConfig(t.TempDir(), kundcenter2026(t)), dsn, "one")
	first, err := New(cfg, Options{Notify: func(string) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(cfg, Options{Notify: func(string) error { return nil }})
	if !errors.Is(err, ErrReplicaInUse) || !strings.Contains(err.Error(), `replica "one" is in use`) {
		t.Errorf("a second replica named one = %v, want it refused", err)
	}
	first.Close()
	again, err := New(cfg, Options{Notify: func(string) error { return nil }})
	if err != nil {
		t.Fatalf("the name once its holder stopped = %v", err)
	}
	again.Close()
}

// TestPostgresNewerSchemaRefused leaves a database written by a newer
// hoursd as it is.
func TestPostgresNewerSchemaRefused(t *testing.T) {
	dsn := newSchema(t, testPostgres(t))
	cfg := replicaConfig(testConfig(t.TempDir(), kundcenter2026(t)), dsn, "one")
	d, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO hoursd_schema (version) VALUES (99)`); err != nil {
		t.Fatal(err)
	}
	_, err = New(cfg, Options{})
	var se *PostgresSchemaError
	if !errors.As(err, &se) || se.Version != 99 || !strings.Contains(err.Error(), "newer hoursd") {
		t.Fatalf("New on schema 99 = %v, want a PostgresSchemaError", err)
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM hoursd_schema WHERE version = 99`).Scan(&n); err != nil || n != 1 {
		t.Errorf("schema 99 row after the refusal: %d (%v), want it kept", n, err)
	}
}

// TestPostgresPasswordNeverShown: neither an unreachable database's error
// nor the state's name carries the DSN's password.
func TestPostgresPasswordNeverShown(t *testing.T) {
	const password = "s3cret-Pa55"
	for _, dsn := range []string{
		"postgres://hoursd:" + password + "@127.0.0.1:1/hoursd?connect_timeout=2",
		"host=127.0.0.1 port=1 user=hoursd password=" + password + " dbname=hoursd connect_timeout=2",
		"postgres://hoursd:" + password + "@127.0.0.1:1/hoursd?connect_timeout=2&sslmode=bogus" + password,
	} {
		cfg := replicaConfig(testConfig(t.TempDir(), kundcenter2026(t)), dsn, "one")
		_, err := New(cfg, Options{})
		if err == nil {
			t.Fatalf("New with nothing listening succeeded")
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("error shows the password: %v", err)
		}
	}
	pc, err := pgx.ParseConfig("postgres://hoursd:" + password + "@db.example:5433/hoursd")
	if err != nil {
		t.Fatal(err)
	}
	if got := describeDSN(&pc.Config); strings.Contains(got, password) || got != "postgres://hoursd@db.example:5433/hoursd" {
		t.Errorf("describeDSN = %q", got)
	}
}

// heldSender delivers once its gate opens, and says when a send began.
type heldSender struct {
	boxSender
	started chan<- struct{}
	gate    <-chan struct{}
}

func (h heldSender) Send(ctx context.Context, subject, body string) error {
	h.started <- struct{}{}
	select {
	case <-h.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return h.boxSender.Send(ctx, subject, body)
}

// TestReplicaCorrectionWaitsItsTurn: replica b queues a correction while
// replica a is still sending the announcement it corrects. b may not send it
// first; a, done, may not take b's claim; once the claim runs out, the
// heartbeat sends it: the target hears both, in order, once each.
func TestReplicaCorrectionWaitsItsTurn(t *testing.T) {
	base := testPostgres(t)
	dsn := newSchema(t, base)
	sub := subscriber("anna", []int{1}, "mail:anna@example.com")
	clock := &fakeClock{t: at(t, "2026-04-29 17:00")}
	box := &postbox{clock: clock, down: map[string]bool{}}
	started, gate := make(chan struct{}, 1), make(chan struct{})
	a, err := New(replicaConfig(testConfig(t.TempDir(), kundcenter2026(t), sub), dsn, "a"), replicaOptions(clock, box,
		func(s notifier.Sender) notifier.Sender { return heldSender{s.(boxSender), started, gate} }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := New(replicaConfig(testConfig(t.TempDir(), valborgUntil13(t), sub), dsn, "b"), replicaOptions(clock, box, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })

	clock.Set(at(t, "2026-04-29 18:00"))
	done := make(chan struct{})
	go func() { defer close(done); a.Check(t.Context(), at(t, "2026-04-29 18:00"), false, 0) }()
	<-started // a's announcement is on its way
	clock.Set(at(t, "2026-04-29 18:05"))
	// a beats its heartbeat meanwhile, as a running replica does every
	// third of its lease, renewing the claim of its target in flight.
	if err := a.store.(replicated).heartbeat(a.outbox.serving()); err != nil {
		t.Fatal(err)
	}
	rep := b.Check(t.Context(), at(t, "2026-04-29 18:05"), false, 0)
	if len(rep.Messages) != 1 || rep.Messages[0].State != StatePending {
		t.Fatalf("b's check: %+v, want its correction queued and left pending", rep.Messages)
	}
	if got := box.lines(); len(got) != 0 {
		t.Fatalf("received before a's announcement: %q", got)
	}
	close(gate)
	<-done
	clock.Set(clock.Now().Add(config.DefaultLease + time.Second))
	rb := b.store.(replicated)
	if err := rb.heartbeat(nil); err != nil {
		t.Fatal(err)
	}
	b.takeOver(rb)
	b.background.Wait()
	box.mu.Lock()
	var got []string
	for _, g := range box.got {
		got = append(got, g.line)
	}
	box.mu.Unlock()
	want := []string{"2026-04-30 day new 08:00-11:30", "2026-04-30 day correction 08:00-13:00"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("anna received, in order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestClaimNeverSkipsTheOldest: while another transaction holds the lock on
// a target's oldest pending message (another replica claiming it that very
// moment), a claim neither waits for it nor takes the target's next message.
func TestClaimNeverSkipsTheOldest(t *testing.T) {
	dsn := newSchema(t, testPostgres(t))
	clock := &fakeClock{t: at(t, "2026-04-29 18:00")}
	d, err := New(replicaConfig(testConfig(t.TempDir(), kundcenter2026(t)), dsn, "a"), Options{Now: clock.Now, Notify: func(string) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for range 2 {
		if _, err := conn.Exec(ctx, `WITH o AS (INSERT INTO outbox (subscriber, target, due, state, created, updated, queued_by)
			VALUES ('anna', 'anna/mail', $2, 'pending', $1, $1, 'b') RETURNING id)
			INSERT INTO messages (id, channel, checked_at, today, subject, body, items) SELECT id, 'mail', $1, '2026-04-29', 's', 'b', '[]' FROM o`,
			clock.Now(), at(t, "2026-04-30 00:00")); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM outbox WHERE id = 1 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	got, err := d.store.nextPending("anna/mail", 0, nil)
	if err != nil || got != nil {
		t.Errorf("claim while the oldest is locked elsewhere = %+v (%v), want none", got, err)
	}
	tx.Rollback(ctx)
	got, err = d.store.nextPending("anna/mail", 0, nil)
	if err != nil || got == nil || got.ID != 1 {
		t.Errorf("claim once the lock is gone = %+v (%v), want message 1", got, err)
	}
}

// TestRecordsWrittenTogether records the outcomes of many sends at once, as
// a fan-out does: written in batches, each message stands as its own record
// says.
func TestRecordsWrittenTogether(t *testing.T) {
	dsn := newSchema(t, testPostgres(t))
	subs := manySubscribers(300)
	clock := &fakeClock{t: at(t, "2026-04-29 17:00")}
	box := &postbox{clock: clock, down: map[string]bool{}}
	for _, s := range subs {
		box.down[s.Targets[0].Address] = true // every send fails: the messages stay pending
	}
	d, err := New(replicaConfig(testConfig(t.TempDir(), kundcenter2026(t), subs...), dsn, "a"), replicaOptions(clock, box, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	clock.Set(at(t, "2026-04-29 18:00"))
	rep := d.Check(t.Context(), at(t, "2026-04-29 18:00"), false, 0)
	if len(rep.Messages) != len(subs) {
		t.Fatalf("%d messages queued, want %d", len(rep.Messages), len(subs))
	}
	want := map[uint64]deliveryStatus{}
	var wg sync.WaitGroup
	for i, m := range rep.Messages {
		st := deliveryStatus{State: StateFailed, Attempts: i + 2, LastError: fmt.Sprintf("error %d", m.ID), Updated: clock.Now()}
		if i%2 == 0 {
			st = deliveryStatus{State: StateSent, Attempts: i + 2, Updated: clock.Now(), SentAt: clock.Now()}
		}
		want[m.ID] = st
		wg.Go(func() {
			if err := d.store.record(m.ID, m.Target, true, st); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for id, w := range want {
		got, err := d.store.get(id)
		if err != nil || got == nil {
			t.Fatalf("message %d: %v", id, err)
		}
		if got.State != w.State || got.Attempts != w.Attempts || got.LastError != w.LastError {
			t.Errorf("message %d stands %s, %d attempts, %q; want %s, %d, %q", id, got.State, got.Attempts, got.LastError, w.State, w.Attempts, w.LastError)
		}
	}
}
