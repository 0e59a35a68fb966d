package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"time"

	"github.com/hoursd/hoursd/internal/pgtest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hoursd/hoursd/daemon"
)

// The replica tests run `hoursd run` as separate processes of the built
// binary sharing one PostgreSQL state, as operators run two replicas on two
// machines: killed with SIGKILL in the middle of a fan-out, started at the
// same instant, and cut off from the database for a while. They run in real
// time, so every wait is bounded by a deadline and waits for something
// hoursd does: READY=1 on its notify socket, a post to the webhook, a row in
// the database, a log line.

// replicaSchema makes a schema of its own (hoursd_test_<random>) in the
// database of HOURSD_TEST_POSTGRES and returns a DSN that works in it and a
// function that drops it (also called when the test ends). The test is
// skipped without a database, and fails under CI, which always has one.
func replicaSchema(t *testing.T) (dsn string, drop func()) {
	t.Helper()
	return pgtest.Schema(t, "hoursd_test")
}

// needPostgres is HOURSD_TEST_POSTGRES (internal/pgtest).
func needPostgres(t *testing.T) string { return pgtest.DSN(t) }

// buildHoursd builds the binary under test into dir.
func buildHoursd(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "hoursd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// shortTempDir is a temporary directory with a short path (a unix socket's
// path has a length limit), removed when the test ends.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hoursd-rep")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// replicaConfig is the configuration of one replica: n subscribers s0 … s<n-1>
// of one schedule, each with one webhook target; the subject names the
// subscriber, so that the sink counts per target. Every post carries the
// header X-Hoursd-Run: the replica's name and how many times it was started
// (a-1, a-2 …), so that the sink knows which process sent what; apart from
// that header and the replica's name the replicas have the same file.
type replicaConfig struct {
	dir      string
	n        int
	sink     string // the webhook's URL
	tomorrow string // closed: the change the check announces; "" for none
	check    string
	lease    string // "" for the default
	listen   string // http.listen; "" for none
	level    string
}

func (c replicaConfig) text(name, run string) string {
	var b strings.Builder
	lease := ""
	if c.lease != "" {
		lease = ", lease: " + c.lease
	}
	fmt.Fprintf(&b, `timezone: Europe/Stockholm
state_dir: %s
log: {level: %s, format: json}
http: {listen: %q}
postgres: {dsn: "${HOURSD_POSTGRES_DSN}", replica: %s%s}
defaults: {check: %q, remind: [1]}
templates: {subject: "{{.Subject}} [{{.Subscriber}}]"}
schedules:
  - id: desk
    title: The help desk
    weekly: {mon-sun: ["08:00-16:00"]}
`, filepath.Join(c.dir, "state-"+name), c.level, c.listen, name, lease, c.check)
	if c.tomorrow != "" {
		fmt.Fprintf(&b, "    exceptions:\n      - {date: %s, closed: true, name: Inventory day}\n", c.tomorrow)
	}
	fmt.Fprintf(&b, "channels:\n  - {id: hook, type: webhook, url: %q, headers: {X-Hoursd-Run: %q}}\nsubscribers:\n", c.sink, run)
	for i := range c.n {
		fmt.Fprintf(&b, "  - {id: s%d, schedules: [desk], targets: [{channel: hook}]}\n", i)
	}
	return b.String()
}

// replicaProc is one process of `hoursd run`: one start of a replica.
type replicaProc struct {
	name   string // postgres.replica
	run    string // name-k: its k-th start
	cmd    *exec.Cmd
	log    string        // its stderr
	ready  chan struct{} // closed when it told systemd READY=1
	exited chan struct{} // closed when it has exited
	err    error         // its exit, once exited is closed
	sock   *net.UnixConn
	logf   *os.File
}

// startReplica starts the k-th process of replica name (see newReplica).
func startReplica(t *testing.T, bin string, c replicaConfig, dsn, name string, k int) *replicaProc {
	t.Helper()
	p := newReplica(t, bin, c, dsn, name, k)
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	return p
}

// newReplica writes the configuration of the k-th start of replica name and
// makes its command, `hoursd run` on it with a notify socket of its own;
// start starts it. The process is killed when the test ends, if it still
// runs.
func newReplica(t *testing.T, bin string, c replicaConfig, dsn, name string, k int) *replicaProc {
	t.Helper()
	p := &replicaProc{name: name, run: fmt.Sprintf("%s-%d", name, k), ready: make(chan struct{}), exited: make(chan struct{})}
	cfg := filepath.Join(c.dir, "config-"+p.run+".yaml")
	writeFile(t, cfg, c.text(name, p.run))
	sockPath := filepath.Join(c.dir, "n-"+p.run)
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	p.sock = sock
	p.log = filepath.Join(c.dir, "log-"+p.run)
	if p.logf, err = os.Create(p.log); err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, "run", "--config", cfg)
	p.cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sockPath, "HOURSD_POSTGRES_DSN="+dsn)
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, p.logf
	t.Cleanup(func() {
		if p.cmd.Process == nil { // never started
			sock.Close()
			p.logf.Close()
			return
		}
		p.cmd.Process.Kill()
		select {
		case <-p.exited:
		case <-time.After(20 * time.Second):
			t.Errorf("hoursd %s (pid %d) did not exit within 20s of SIGKILL", p.run, p.cmd.Process.Pid)
		}
		if t.Failed() {
			t.Logf("the log of %s (the end):\n%s", p.run, tail(p.log, 15))
		}
	})
	return p
}

// start starts the process, and follows its notify socket and its exit.
func (p *replicaProc) start() error {
	if err := p.cmd.Start(); err != nil {
		return err
	}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, _, err := p.sock.ReadFromUnix(buf)
			if err != nil {
				return
			}
			if slices.Contains(strings.Split(string(buf[:n]), "\n"), "READY=1") {
				select {
				case <-p.ready:
				default:
					close(p.ready)
				}
			}
		}
	}()
	go func() {
		p.err = p.cmd.Wait()
		p.logf.Close()
		p.sock.Close()
		close(p.exited)
	}()
	return nil
}

// waitReady waits for READY=1; a process that exits first fails the test.
func (p *replicaProc) waitReady(t *testing.T) {
	t.Helper()
	select {
	case <-p.ready:
	case <-p.exited:
		t.Fatalf("hoursd %s exited before READY=1 (%v):\n%s", p.run, p.err, tail(p.log, 10))
	case <-time.After(60 * time.Second):
		t.Fatalf("hoursd %s did not tell systemd READY=1 within 60s", p.run)
	}
}

// kill ends the process with SIGKILL and waits until it is gone.
func (p *replicaProc) kill(t *testing.T) {
	t.Helper()
	p.cmd.Process.Kill()
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("hoursd %s did not exit within 20s of SIGKILL", p.run)
	}
}

// stop ends the process with SIGTERM, as systemd stops it, and wants exit
// status 0.
func (p *replicaProc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("hoursd %s after SIGTERM: %v, want exit status 0", p.run, p.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("hoursd %s did not stop within 30s of SIGTERM", p.run)
	}
}

// alive fails the test if the process has exited.
func (p *replicaProc) alive(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
		t.Fatalf("hoursd %s exited (%v):\n%s", p.run, p.err, tail(p.log, 10))
	default:
	}
}

// tail is the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// countingSink is the webhook of every target: it keeps each post's target
// (the subscriber the subject names) and the process that sent it (the
// X-Hoursd-Run header), counting a post when it arrives, before it answers
// after delay — a receiver acts on what it got even if the sender dies
// before it hears the answer.
type countingSink struct {
	srv   *httptest.Server
	delay time.Duration
	mu    sync.Mutex
	posts []sinkPost // in the order they arrived
	by    map[string]int
	bad   []string // posts the sink could not read
}

type sinkPost struct{ target, run string }

func newCountingSink(t *testing.T, delay time.Duration) *countingSink {
	s := &countingSink{delay: delay, by: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ Subject string }
		err := json.NewDecoder(r.Body).Decode(&m)
		i := strings.LastIndex(m.Subject, " [")
		s.mu.Lock()
		if err != nil || i < 0 || !strings.HasSuffix(m.Subject, "]") {
			s.bad = append(s.bad, fmt.Sprintf("%q (%v)", m.Subject, err))
			s.mu.Unlock()
			http.Error(w, "no target in the subject", http.StatusBadRequest)
			return
		}
		target := m.Subject[i+2 : len(m.Subject)-1]
		s.posts = append(s.posts, sinkPost{target, r.Header.Get("X-Hoursd-Run")})
		s.by[target]++
		s.mu.Unlock()
		if s.delay > 0 {
			select {
			case <-time.After(s.delay):
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// distinct counts the targets reached.
func (s *countingSink) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.by)
}

func (s *countingSink) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posts)
}

// close stops the sink, waiting for the posts it is answering: its counts
// are final after it.
func (s *countingSink) close() { s.srv.Close() }

// check fails the test for every target of s0 … s<n-1> that got no message,
// and for every post the sink could not read.
func (s *countingSink) check(t *testing.T, n int) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var lost []string
	for i := range n {
		if id := fmt.Sprintf("s%d", i); s.by[id] == 0 {
			lost = append(lost, id)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d targets got no message: %s", len(lost), n, strings.Join(lost[:min(len(lost), 10)], " "))
	}
	if len(s.bad) > 0 {
		t.Errorf("the sink got %d posts it could not read, e.g. %s", len(s.bad), s.bad[0])
	}
}

// waitFor polls cond until it holds; past the deadline the test fails,
// saying what it waited for.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		<-tick.C
	}
}

// stateDB is the test's own connection to the schema the replicas share.
type stateDB struct {
	t    *testing.T
	conn *pgx.Conn
}

func openStateDB(t *testing.T, dsn string) *stateDB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &stateDB{t, conn}
}

// count runs a query of one integer; a table hoursd has not created yet
// counts as 0.
func (db *stateDB) count(sql string, args ...any) int {
	db.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var n int
	err := db.conn.QueryRow(ctx, sql, args...).Scan(&n)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table
		return 0
	}
	if err != nil {
		db.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// column runs a query of one text column.
func (db *stateDB) column(sql string, args ...any) []string {
	db.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := db.conn.Query(ctx, sql, args...)
	if err != nil {
		db.t.Fatalf("%s: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		db.t.Fatalf("%s: %v", sql, err)
	}
	return out
}

// settled reports whether n messages (or more) are queued and none is
// pending.
func (db *stateDB) settled(n int) bool {
	return db.count(`SELECT count(*) FROM outbox`) >= n && db.count(`SELECT count(*) FROM outbox WHERE state <> 'sent'`) == 0
}

// replicaSubscribers is the fan-out of the replica tests: 2,000 subscribers
// with one webhook target each.
const replicaSubscribers = 2000

// A kill of a replica during a fan-out, and what it left.
type replicaKill struct {
	run       string          // the process killed
	delivered int             // targets the sink had reached at the kill
	pending   map[string]bool // targets of its claimed messages still pending after the kill
	takeover  bool            // restarted only after the other replica took its messages over
	// inFlight counts the targets of pending that it had posted: sent,
	// and the kill came before their record. (Or as it recorded them: a
	// write the process sent just before it died may still be done by
	// PostgreSQL after pending was read; such a message is not repeated.)
	inFlight int
	repeated int // of those, the targets posted again afterwards
}

// TestReplicasKilled kills one of two replicas with SIGKILL at random
// moments of a fan-out to 2,000 webhook targets, 20 times, and restarts it:
// every target gets its message, and what a target gets twice was in flight
// in a killed process — posted to the sink, not yet recorded as sent — of
// which there are at most daemon.MaxInFlight per process.
//
// The 20 kills fall in a few fan-outs of up to five kills each, each
// fan-out on a fresh schema with both replicas started together. Several
// kills per fan-out cost one start-up instead of five, and test a replica
// killed again soon after its restart, while it takes its claims back or
// plans what is left. A kill falls when the sink has reached a random
// number of targets, between the last kill and the end; which replica is
// killed is drawn too. Every other kill is restarted at once (it takes its
// own claims back: its name is its own), the others only once the survivor
// has begun to send what the dead one held (its lease ran out, and the
// survivor's heartbeat took its messages over). The sink answers each post
// after 200 ms, as a remote service might: the fan-out lasts several
// seconds, and the sends of a replica are in flight together.
//
// Each post carries the process that sent it, so that every repeat is
// accounted for: a target posted twice must have been posted first by a
// process that was killed while that target's message was still pending,
// claimed by it.
func TestReplicasKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs hoursd replicas on PostgreSQL")
	}
	const (
		kills    = 20
		perRound = 5
		n        = replicaSubscribers
	)
	needPostgres(t)
	tomorrow := tomorrowInStockholm(t, 5*time.Minute)
	dir := shortTempDir(t)
	bin := buildHoursd(t, dir)
	seed := uint64(time.Now().UnixNano())
	rng := mrand.New(mrand.NewPCG(seed, seed>>32))
	t.Logf("random seed %d", seed)

	var all []replicaKill
	for round := 1; len(all) < kills; round++ {
		if round > 3*kills/perRound {
			t.Fatalf("only %d kills fell during a fan-out in %d fan-outs", len(all), round-1)
		}
		ks := killRound(t, bin, filepath.Join(dir, fmt.Sprint(round)), tomorrow, n, min(perRound, kills-len(all)), rng)
		if t.Failed() {
			return
		}
		all = append(all, ks...)
	}

	inFlight, repeated, worst := 0, 0, 0
	for i, k := range all {
		how := "restarted at once"
		if k.takeover {
			how = "restarted after the takeover"
		}
		t.Logf("kill %2d: %s at %4d of %d delivered, %s: %2d in flight, %2d repeated", i+1, k.run, k.delivered, n, how, k.inFlight, k.repeated)
		inFlight += k.inFlight
		repeated += k.repeated
		worst = max(worst, k.repeated)
	}
	t.Logf("%d kills: %d messages in flight at the kills, %d repeated (at most %d at one kill); MaxInFlight is %d per process",
		len(all), inFlight, repeated, worst, daemon.MaxInFlight)
	if inFlight == 0 {
		t.Errorf("no kill found a message in flight: the kills missed the sends, and the test tested nothing of the crash window")
	}
}

// killRound runs one fan-out on a fresh schema with want kills in it, and
// returns the kills that fell while the fan-out went on.
func killRound(t *testing.T, bin, dir, tomorrow string, n, want int, rng *mrand.Rand) []replicaKill {
	t.Helper()
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	dsn, drop := replicaSchema(t) // dropped at the end of the round; after the processes, should the test fail
	sink := newCountingSink(t, 200*time.Millisecond)
	db := openStateDB(t, dsn)
	// A lease of 2s: a heartbeat every 0.67s on a busy machine keeps a live
	// replica's claims, and a takeover comes soon after a death.
	c := replicaConfig{dir: dir, n: n, sink: sink.srv.URL + "/hook", tomorrow: tomorrow, check: "0 0 * * *", lease: "2s", level: "warn"}
	starts := map[string]int{"a": 1, "b": 1}
	procs := map[string]*replicaProc{
		"a": startReplica(t, bin, c, dsn, "a", 1),
		"b": startReplica(t, bin, c, dsn, "b", 1),
	}
	began := time.Now()
	procs["a"].waitReady(t)
	procs["b"].waitReady(t)
	ready := time.Since(began)

	var ks []replicaKill
	killed := map[string]*replicaKill{} // by process
	for i := 0; i < want; i++ {
		cur := sink.distinct()
		if cur >= n {
			break
		}
		at := cur + 1 + rng.IntN(max(1, (n-cur)/(want-i+1)))
		waitFor(t, 60*time.Second, fmt.Sprintf("the sink reaching %d targets", at), func() bool {
			procs["a"].alive(t)
			procs["b"].alive(t)
			return sink.distinct() >= at
		})
		name := []string{"a", "b"}[rng.IntN(2)]
		p := procs[name]
		delivered := sink.distinct()
		p.kill(t)
		// Right after the kill, within its lease: what it held.
		k := &replicaKill{run: p.run, delivered: delivered, pending: map[string]bool{}}
		var held []string // ids of the messages it held
		for _, row := range db.column(`SELECT id || ' ' || target FROM outbox WHERE state = 'pending' AND claimed_by = $1`, name) {
			id, target, _ := strings.Cut(row, " ")
			sub, _, _ := strings.Cut(target, "/")
			k.pending[sub] = true
			held = append(held, id)
		}
		// Every other kill, the replica is restarted only once the other
		// one has begun to send what it held: its lease ran out, and the
		// survivor's heartbeat took its messages over.
		k.takeover = i%2 == 1 && len(held) > 0
		killed[p.run] = k
		if delivered < n {
			ks = append(ks, *k)
		}
		if k.takeover {
			other := map[string]string{"a": "b", "b": "a"}[name]
			waitFor(t, 30*time.Second, fmt.Sprintf("replica %s taking over the messages %s held", other, p.run), func() bool {
				procs[other].alive(t)
				return db.count(`SELECT count(*) FROM outbox WHERE id = ANY($1::bigint[]) AND (claimed_by = $2 OR sent_by = $2)`, held, other) > 0
			})
		}
		starts[name]++
		procs[name] = startReplica(t, bin, c, dsn, name, starts[name])
		procs[name].waitReady(t)
	}
	waitFor(t, 90*time.Second, fmt.Sprintf("every one of %d targets reached and no message pending", n), func() bool {
		procs["a"].alive(t)
		procs["b"].alive(t)
		return sink.distinct() == n && db.settled(n)
	})
	t.Logf("fan-out on %s: both ready in %s, all sent in %s, %d kills", dsn[strings.LastIndex(dsn, "=")+1:], ready.Round(time.Millisecond), time.Since(began).Round(time.Millisecond), len(ks))
	procs["a"].stop(t)
	procs["b"].stop(t)
	sink.close()
	sink.check(t, n)

	// Every post of a target but its last must be explained by a kill: its
	// process was killed while the target's message was pending, claimed
	// by it. So the repeats of a kill are at most the messages in flight
	// at it, which are at most daemon.MaxInFlight.
	posts := map[string][]string{}
	for _, p := range sink.posts {
		posts[p.target] = append(posts[p.target], p.run)
	}
	byRun := map[string]*replicaKill{}
	for i := range ks {
		byRun[ks[i].run] = &ks[i]
	}
	unexplained := 0
	for target, runs := range posts {
		for j, run := range runs {
			k := killed[run]
			if k == nil || !k.pending[target] {
				if j < len(runs)-1 {
					// A live replica posts a message again when its mark
					// "sent" could not be written (its log says "recording
					// a delivery failed": a deadlock with the other
					// replica's writes did it, before they locked in one
					// order). Counted against the fan-out's budget below,
					// and logged.
					unexplained++
					t.Logf("target %s got its message %d times, from %s: the post from %s is a repeat that no kill explains", target, len(runs), strings.Join(runs, ", "), run)
				}
				continue
			}
			if r := byRun[run]; r != nil {
				r.inFlight++
				if j < len(runs)-1 {
					r.repeated++
				}
			}
		}
	}
	if got := db.count(`SELECT count(*) FROM outbox`); got != n {
		t.Errorf("%d messages queued for %d targets, want one each", got, n)
	}
	drop()
	inFlight, repeated := 0, unexplained
	for _, k := range ks {
		if k.inFlight > daemon.MaxInFlight {
			t.Errorf("%s was killed with %d messages in flight, more than daemon.MaxInFlight (%d)", k.run, k.inFlight, daemon.MaxInFlight)
		}
		inFlight, repeated = inFlight+k.inFlight, repeated+k.repeated
	}
	// The repeats of the fan-out, whatever their cause, are at most the
	// messages in flight at its kills.
	if repeated > inFlight {
		t.Errorf("%d posts repeated (%d of them by a live replica), more than the %d messages in flight at the kills", repeated, unexplained, inFlight)
	}
	return ks
}

// TestReplicasStartTogether starts both replicas at the same instant on the
// eve of a change: the check each makes at its start covers all 2,000
// subscribers, and every target gets its message exactly once. The fan-out
// is over well within the (default) lease, so each message is sent by the
// replica that queued it: a claim passes to another replica only when it
// runs out.
func TestReplicasStartTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("runs hoursd replicas on PostgreSQL")
	}
	const n = replicaSubscribers
	dsn, _ := replicaSchema(t)
	tomorrow := tomorrowInStockholm(t, 5*time.Minute)
	dir := shortTempDir(t)
	bin := buildHoursd(t, dir)
	sink := newCountingSink(t, 0)
	db := openStateDB(t, dsn)
	c := replicaConfig{dir: dir, n: n, sink: sink.srv.URL + "/hook", tomorrow: tomorrow, check: "0 0 * * *", level: "warn"}

	// Both commands ready, then started at once.
	procs := []*replicaProc{newReplica(t, bin, c, dsn, "a", 1), newReplica(t, bin, c, dsn, "b", 1)}
	errs := make([]error, len(procs))
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i, p := range procs {
		wg.Go(func() { <-gate; errs[i] = p.start() })
	}
	began := time.Now()
	close(gate)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		p.waitReady(t)
	}
	waitFor(t, 90*time.Second, fmt.Sprintf("every one of %d targets reached and no message pending", n), func() bool {
		procs[0].alive(t)
		procs[1].alive(t)
		return sink.distinct() == n && db.settled(n)
	})
	took := time.Since(began)
	for _, p := range procs {
		p.stop(t)
	}
	sink.close()
	sink.check(t, n)
	if got := sink.total(); got != n {
		var twice []string
		for target, c := range sink.by {
			if c > 1 {
				twice = append(twice, fmt.Sprintf("%s ×%d", target, c))
			}
		}
		slices.Sort(twice)
		t.Errorf("the sink got %d posts for %d targets, want each once; more than once: %s", got, n, strings.Join(twice[:min(len(twice), 10)], ", "))
	}
	if got := db.count(`SELECT count(*) FROM checks`); got != n {
		t.Errorf("%d checks recorded, want one per subscriber: %d", got, n)
	}
	if got := db.count(`SELECT count(*) FROM outbox WHERE sent_by IS DISTINCT FROM queued_by`); got != 0 {
		t.Errorf("%d messages sent by another replica than the one that queued them, though neither died and the fan-out was over within the lease", got)
	}
	t.Logf("%d targets in %s: replica a planned %d and sent %d, b planned %d and sent %d", n, took.Round(time.Millisecond),
		db.count(`SELECT count(*) FROM checks WHERE replica = 'a'`), db.count(`SELECT count(*) FROM outbox WHERE sent_by = 'a'`),
		db.count(`SELECT count(*) FROM checks WHERE replica = 'b'`), db.count(`SELECT count(*) FROM outbox WHERE sent_by = 'b'`))
}

// pgProxy stands between hoursd and PostgreSQL: cut, it closes every
// connection it carries and each new one at once, as a database that went
// away; restored, it carries them again.
type pgProxy struct {
	ln      net.Listener
	network string // of PostgreSQL: tcp or unix
	addr    string
	mu      sync.Mutex
	cut     bool
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

func newPGProxy(t *testing.T, network, addr string) *pgProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, network: network, addr: addr, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.serve)
	t.Cleanup(p.close)
	return p
}

func (p *pgProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cut
		p.mu.Unlock()
		if cut {
			c.Close()
			continue
		}
		up, err := net.DialTimeout(p.network, p.addr, 10*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.cut || p.conns == nil {
			p.mu.Unlock()
			c.Close()
			up.Close()
			continue
		}
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		pipe := func(dst, src net.Conn) {
			io.Copy(dst, src)
			dst.Close()
			src.Close()
			p.mu.Lock()
			delete(p.conns, dst)
			delete(p.conns, src)
			p.mu.Unlock()
		}
		p.wg.Go(func() { pipe(up, c) })
		p.wg.Go(func() { pipe(c, up) })
	}
}

// setCut cuts the connections (both ends: PostgreSQL ends the sessions, as
// when it restarts) or restores them.
func (p *pgProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
	}
}

func (p *pgProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

// pgAddr is the network and address of the database dsn names.
func pgAddr(t *testing.T, dsn string) (network, addr string) {
	t.Helper()
	cc, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("HOURSD_TEST_POSTGRES: %v", err)
	}
	if strings.HasPrefix(cc.Host, "/") {
		return "unix", filepath.Join(cc.Host, fmt.Sprintf(".s.PGSQL.%d", cc.Port))
	}
	return "tcp", net.JoinHostPort(cc.Host, fmt.Sprint(cc.Port))
}

// throughProxy is dsn with the host and port of the proxy.
func throughProxy(t *testing.T, dsn, proxy string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(proxy)
	if !strings.Contains(dsn, "://") {
		return dsn + " host=" + host + " port=" + port
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("HOURSD_TEST_POSTGRES: %v", err)
	}
	u.Host = proxy
	q := u.Query()
	q.Del("host")
	q.Del("port")
	u.RawQuery = q.Encode()
	return u.String()
}

// TestReplicasDatabaseOutage cuts a running replica off from PostgreSQL
// (a proxy between them closes every connection and refuses new ones) and
// gives the database back: meanwhile hoursd keeps running, says so in
// /healthz and the log, and a check that came due — the configuration was
// reloaded with a change for tomorrow, and the checks every two seconds
// could record nothing — is caught up once the database answers: each
// target is told once, and /healthz is ok again.
func TestReplicasDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs hoursd on PostgreSQL")
	}
	const n = 5
	dsn, _ := replicaSchema(t)
	tomorrow := tomorrowInStockholm(t, 5*time.Minute)
	dir := shortTempDir(t)
	bin := buildHoursd(t, dir)
	network, addr := pgAddr(t, dsn)
	proxy := newPGProxy(t, network, addr)
	viaProxy := throughProxy(t, dsn, proxy.ln.Addr().String())
	sink := newCountingSink(t, 0)
	listen := freeAddr(t)
	c := replicaConfig{dir: dir, n: n, sink: sink.srv.URL + "/hook", check: "@every 2s", lease: "1s", listen: listen, level: "info"}

	p := startReplica(t, bin, c, viaProxy, "solo", 1)
	p.waitReady(t)
	logs := &fileLog{path: p.log}
	healthz := func() (int, string) {
		res, err := http.Get("http://" + listen + "/healthz")
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, strings.TrimSpace(string(b))
	}
	logs.waitFor(t, p, `"msg":"check done","check":"@every 2s","subscribers":5,"messages":0,"unsent":0`)
	if code, body := healthz(); code != 200 || body != "ok" {
		t.Fatalf("GET /healthz before the outage = %d %q, want 200 ok", code, body)
	}

	proxy.setCut(true)
	cut := time.Now()
	logs.waitFor(t, p, `"msg":"the state does not answer; hoursd goes on and catches up when it is back"`)
	var code int
	var body string
	waitFor(t, 30*time.Second, "GET /healthz answering 503 while the database is away", func() bool {
		p.alive(t)
		code, body = healthz()
		return code == http.StatusServiceUnavailable
	})
	if !strings.HasPrefix(body, "unhealthy: state: ") {
		t.Errorf("GET /healthz while the database is away = %d %q, want 503 unhealthy: state: …", code, body)
	}
	// Tomorrow is closed after all: the configuration says so while the
	// database is away, and the next checks can neither read nor record.
	c.tomorrow = tomorrow
	writeFile(t, filepath.Join(dir, "config-"+p.run+".yaml"), c.text(p.name, p.run))
	p.cmd.Process.Signal(syscall.SIGHUP)
	logs.waitFor(t, p, `"msg":"reloading the configuration"`)
	logs.waitFor(t, p, `"msg":"recording a check failed"`)
	logs.waitFor(t, p, `"msg":"recording a check failed"`)
	p.alive(t)
	if got := sink.total(); got != 0 {
		t.Fatalf("the sink got %d posts while the database was away, want none: nothing was recorded", got)
	}

	proxy.setCut(false)
	back := time.Now()
	logs.waitFor(t, p, `"msg":"the state answers again; catching up the checks and sends that failed meanwhile"`)
	waitFor(t, 30*time.Second, fmt.Sprintf("all %d targets told once the database is back", n), func() bool {
		p.alive(t)
		return sink.distinct() == n
	})
	t.Logf("the database was away for %s; every target was told %s after it was back",
		back.Sub(cut).Round(time.Millisecond), time.Since(back).Round(time.Millisecond))
	waitFor(t, 30*time.Second, "GET /healthz answering 200 ok once the database is back", func() bool {
		code, body = healthz()
		return code == 200 && body == "ok"
	})
	// Two checks more tell nothing new (a check logs "check done" when its
	// sends are over).
	logs.waitFor(t, p, `"msg":"check done","check":"@every 2s","subscribers":5,"messages":0,"unsent":0`)
	logs.waitFor(t, p, `"msg":"check done","check":"@every 2s","subscribers":5,"messages":0,"unsent":0`)
	p.stop(t)
	sink.close()
	sink.check(t, n)
	if got := sink.total(); got != n {
		t.Errorf("the sink got %d posts for %d targets, want each once: %v", got, n, sink.by)
	}
}

// fileLog waits for lines in a process's log file, each after the last
// one found.
type fileLog struct {
	path string
	seen int // bytes consumed
}

func (l *fileLog) waitFor(t *testing.T, p *replicaProc, s string) {
	t.Helper()
	waitFor(t, 30*time.Second, fmt.Sprintf("hoursd %s logging %s", p.run, s), func() bool {
		p.alive(t)
		b, err := os.ReadFile(l.path)
		if err != nil {
			t.Fatal(err)
		}
		rest := b[l.seen:]
		// Whole lines only: a line being written is looked at again.
		end := strings.LastIndexByte(string(rest), '\n') + 1
		for _, line := range strings.SplitAfter(string(rest[:end]), "\n") {
			l.seen += len(line)
			if strings.Contains(line, s) {
				return true
			}
		}
		return false
	})
}
