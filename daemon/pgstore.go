package daemon

import (
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// The PostgreSQL schema is created and migrated by hoursd at start, from the
// numbered files under migrations/postgres, each applied once in its own
// transaction. A database whose schema is newer than this hoursd knows is
// refused, as a newer state file is.
//
//go:embed migrations/postgres/*.sql
var pgMigrations embed.FS

// pgTimeout bounds each statement hoursd sends: a database that does not
// answer fails the step (the check is retried when it answers again, see
// Daemon.watchState) instead of hanging a check for good.
const pgTimeout = 30 * time.Second

// checkReplica is the name hoursd check takes beside the replicas
// (cmd/hoursd: "<replica>/check-<pid>").
var checkReplica = regexp.MustCompile(`/check-[0-9]+$`)

// pgOptions tune openPostgres.
type pgOptions struct {
	ReadOnly bool
	Now      func() time.Time
	Log      *slog.Logger
}

// pgStore keeps hoursd's state in PostgreSQL, shared by any number of
// replicas with the same configuration (see docs/deployment.md):
//
//   - Planning a chunk of subscribers locks their rows in runs (in the
//     order of their ids, so two replicas never deadlock over them), skips
//     those already checked at this instant (a row in checks) and writes
//     the claim rows with the messages, in one transaction. New
//     announcements are inserted, and told ones updated only if they are
//     still what the plan read: the primary keys refuse a second queueing
//     even if the locking were wrong.
//   - A pending message is claimed by the replica that sends it: claimed_by
//     and a lease, claimed_until, renewed by the replica's heartbeat while
//     it lives. A target's messages are taken oldest first, and only the
//     oldest pending one can be claimed, so a correction never overtakes
//     what it corrects while another replica holds that. A replica that
//     dies leaves its claims to expire; another replica's heartbeat finds
//     them (orphans) and sends the rest. The claim locks the oldest
//     pending message of the target with FOR UPDATE SKIP LOCKED, so that a
//     replica never waits for another one's claim under way; since SKIP
//     LOCKED would then hand it the target's next message, the claim takes
//     the row only if it is the target's oldest pending one (see
//     nextPending).
//   - Each replica holds a session advisory lock on its name while it runs:
//     a second live hoursd with the same name is refused, so that a
//     replica restarted after a crash may take back its own claims at once.
type pgStore struct {
	pool     *pgxpool.Pool
	lock     *pgx.Conn // holds the replica's advisory lock; nil when read-only
	lockMu   sync.Mutex
	name     string
	lease    time.Duration
	now      func() time.Time
	log      *slog.Logger
	desc     string
	readOnly bool
	bad      badRecords
	records  pgRecords // outcomes of sends, written together
}

// pgSchemaVersion is the newest migration this hoursd knows.
func pgSchemaVersion() int {
	n := 0
	for _, m := range pgMigrationFiles() {
		n = max(n, m.version)
	}
	return n
}

type pgMigration struct {
	version int
	name    string
}

func pgMigrationFiles() []pgMigration {
	ents, err := fs.ReadDir(pgMigrations, "migrations/postgres")
	if err != nil {
		panic(err) // embedded at build time
	}
	var out []pgMigration
	for _, e := range ents {
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			panic(fmt.Sprintf("migration %s: no number", e.Name()))
		}
		out = append(out, pgMigration{v, e.Name()})
	}
	slices.SortFunc(out, func(a, b pgMigration) int { return cmp.Compare(a.version, b.version) })
	return out
}

// PostgresSchemaError is a database whose hoursd schema is newer than this
// hoursd knows: it is refused, never migrated back or written to.
type PostgresSchemaError struct {
	Database string
	Version  int
}

func (e *PostgresSchemaError) Error() string {
	return fmt.Sprintf("state %s has schema version %d, and this hoursd knows only up to %d: it was written by a newer hoursd; run that one (the database is left as it is)",
		e.Database, e.Version, pgSchemaVersion())
}

// describeDSN names a database for logs and status without its password.
func describeDSN(c *pgconn.Config) string {
	host := c.Host
	if strings.HasPrefix(host, "/") {
		host = "[" + host + "]"
	}
	s := fmt.Sprintf("postgres://%s@%s:%d/%s", c.User, host, c.Port, c.Database)
	if sp := c.RuntimeParams["search_path"]; sp != "" {
		s += "?search_path=" + sp
	}
	return s
}

func openPostgres(pc *config.Postgres, o pgOptions) (*pgStore, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	pcfg, err := pgxpool.ParseConfig(pc.DSN)
	if err != nil {
		// pgx's parse errors may quote the DSN, password and all.
		return nil, errors.New("open state: postgres.dsn cannot be parsed as a PostgreSQL connection string")
	}
	pcfg.MaxConns = 16
	// Unless the DSN says otherwise: the server ends a session whose
	// client vanished without a word (a cut network) within a minute or
	// so, and with it the replica's name lock; and no JIT, which hoursd's
	// small queries pay for on tables the planner has not sized yet.
	for k, v := range map[string]string{"tcp_keepalives_idle": "30", "tcp_keepalives_interval": "10",
		"tcp_keepalives_count": "3", "jit": "off"} {
		if _, set := pcfg.ConnConfig.RuntimeParams[k]; !set {
			pcfg.ConnConfig.RuntimeParams[k] = v
		}
	}
	pcfg.ConnConfig.ConnectTimeout = cmp.Or(pcfg.ConnConfig.ConnectTimeout, 10*time.Second)
	s := &pgStore{name: pc.Replica, lease: cmp.Or(pc.Lease, config.DefaultLease), now: o.Now, log: o.Log,
		desc: describeDSN(&pcfg.ConnConfig.Config), readOnly: o.ReadOnly}
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	if s.pool, err = pgxpool.NewWithConfig(ctx, pcfg); err != nil {
		return nil, fmt.Errorf("open state %s: %s", s.desc, pgErrText(err))
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	if o.ReadOnly {
		return s, nil
	}
	if err := s.takeName(ctx, pcfg.ConnConfig); err != nil {
		s.pool.Close()
		return nil, err
	}
	now := s.now()
	if _, err := s.pool.Exec(ctx, `INSERT INTO replicas (name, started, seen) VALUES ($1, $2, $2)
		ON CONFLICT (name) DO UPDATE SET started = $2, seen = $2, stopped = NULL`, s.name, now); err != nil {
		s.Close()
		return nil, fmt.Errorf("open state %s: register replica %s: %s", s.desc, s.name, pgErrText(err))
	}
	return s, nil
}

// pgErrText is an error from pgx without what could carry the DSN: pgx's
// connection errors name host, user and database, never the password, but
// hoursd keeps to one rule for every error that reaches a log.
func pgErrText(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s (SQLSTATE %s)", pe.Message, pe.Code)
	}
	return redact(err)
}

// migrate brings the schema up to date, under a transaction-scoped
// advisory lock: replicas that start together migrate once.
func (s *pgStore) migrate(ctx context.Context) error {
	fail := func(what string, err error) error {
		return fmt.Errorf("open state %s: %s: %s", s.desc, what, pgErrText(err))
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fail("begin", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('hoursd-migrate'), hashtext(current_schema()))`); err != nil {
		return fail("lock for migration", err)
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass('hoursd_schema') IS NOT NULL`).Scan(&exists); err != nil {
		return fail("read schema version", err)
	}
	version := 0
	if exists {
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM hoursd_schema`).Scan(&version); err != nil {
			return fail("read schema version", err)
		}
	}
	if version > pgSchemaVersion() {
		return &PostgresSchemaError{Database: s.desc, Version: version}
	}
	if s.readOnly {
		if version < pgSchemaVersion() {
			// Nothing hoursd wrote yet (or an older hoursd's): a read-only
			// look does not migrate; it sees what there is as nothing told.
			return fmt.Errorf("open state %s: %w", s.desc, fs.ErrNotExist)
		}
		return nil
	}
	if !exists {
		if _, err := tx.Exec(ctx, `CREATE TABLE hoursd_schema (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fail("create schema table", err)
		}
	}
	for _, m := range pgMigrationFiles() {
		if m.version <= version {
			continue
		}
		sql, err := pgMigrations.ReadFile(path.Join("migrations/postgres", m.name))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, string(sql)); err != nil {
			return fail("migrate to schema "+strconv.Itoa(m.version), err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hoursd_schema (version) VALUES ($1)`, m.version); err != nil {
			return fail("migrate to schema "+strconv.Itoa(m.version), err)
		}
		s.log.Info("state migrated", "state", s.desc, "schema", m.version)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail("commit migration", err)
	}
	return nil
}

// ErrReplicaInUse is a replica name held by another running hoursd.
var ErrReplicaInUse = errors.New("replica name in use")

// takeName takes the replica's advisory lock on a connection of its own,
// held while hoursd runs.
func (s *pgStore) takeName(ctx context.Context, cc *pgx.ConnConfig) error {
	conn, err := pgx.ConnectConfig(ctx, cc.Copy())
	if err != nil {
		return fmt.Errorf("open state %s: %s", s.desc, pgErrText(err))
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext('hoursd-replica'), hashtext(current_schema() || '/' || $1))`, s.name).Scan(&ok); err != nil {
		conn.Close(ctx)
		return fmt.Errorf("open state %s: %s", s.desc, pgErrText(err))
	}
	if !ok {
		conn.Close(ctx)
		return fmt.Errorf("state %s: replica %q is in use by another running hoursd; give each replica its own postgres.replica (%w)", s.desc, s.name, ErrReplicaInUse)
	}
	s.lock = conn
	return nil
}

func (s *pgStore) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), pgTimeout)
}

func (s *pgStore) Path() string { return s.desc }

func (s *pgStore) Ping() error {
	if s.pool == nil {
		return errors.New("state is closed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.pool.Exec(ctx, `SELECT 1 FROM outbox LIMIT 0`); err != nil {
		return fmt.Errorf("%s: %s", s.desc, pgErrText(err))
	}
	return nil
}

// Close hands the replica's claims over (their leases end now, so another
// replica sends what this one did not) and releases its name.
func (s *pgStore) Close() error {
	if s.pool == nil {
		return nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	if !s.readOnly {
		now := s.now()
		s.pool.Exec(ctx, `UPDATE outbox SET claimed_until = $2 WHERE claimed_by = $1 AND state = 'pending'`, s.name, now)
		if checkReplica.MatchString(s.name) {
			// hoursd check's replica lives as long as the command: once
			// done it is no replica to list (its sends keep its name).
			s.pool.Exec(ctx, `DELETE FROM replicas WHERE name = $1`, s.name)
		} else {
			s.pool.Exec(ctx, `UPDATE replicas SET stopped = $2, seen = $2 WHERE name = $1`, s.name, now)
		}
	}
	s.lockMu.Lock()
	if s.lock != nil {
		s.lock.Close(ctx)
		s.lock = nil
	}
	s.lockMu.Unlock()
	s.pool.Close()
	s.pool = nil
	return nil
}

// pgView is what a check of a chunk reads, loaded in two queries.
type pgView struct {
	runs map[string]*run
	told map[string]map[annKey]*announcement // by subscriber + keySep + target
}

func (v *pgView) lastRun(subscriber string) *run { return v.runs[subscriber] }
func (v *pgView) announcementsOf(subscriber, target string) map[annKey]*announcement {
	// A copy: the plan may change what it is handed, and chunk compares
	// what it writes with what it read.
	out := map[annKey]*announcement{}
	for k, a := range v.told[subscriber+keySep+target] {
		c := *a
		out[k] = &c
	}
	return out
}

// load reads the runs and announcements of ids.
func (s *pgStore) load(ctx context.Context, q pgx.Tx, ids []string) (*pgView, error) {
	runs, err := loadRuns(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	v := &pgView{runs: runs, told: map[string]map[annKey]*announcement{}}
	rows, err := q.Query(ctx, `SELECT subscriber, target, schedule, date::text, kind, offsets, current::text, message FROM announcements WHERE subscriber = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return v, s.scanAnnouncements(rows, v)
}

// loadRuns reads the last check of each of ids that was ever checked.
func loadRuns(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, ids []string) (map[string]*run, error) {
	out := map[string]*run{}
	rows, err := q.Query(ctx, `SELECT subscriber, at, ran, messages, err FROM runs WHERE subscriber = ANY($1) AND ran IS NOT NULL`, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var r run
		var at *time.Time
		if err := rows.Scan(&id, &at, &r.Ran, &r.Messages, &r.Err); err != nil {
			rows.Close()
			return nil, err
		}
		if at != nil {
			r.At = *at
		}
		out[id] = &r
	}
	return out, rows.Err()
}

// scanAnnouncements reads rows of announcements into v.
func (s *pgStore) scanAnnouncements(rows pgx.Rows, v *pgView) error {
	for rows.Next() {
		var k annKey
		var date string
		var cur *string
		var a announcement
		var offsets []int32
		var msg int64
		if err := rows.Scan(&k.Subscriber, &k.Target, &k.Schedule, &date, &k.Kind, &offsets, &cur, &msg); err != nil {
			return err
		}
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return err
		}
		k.Date = schedule.DateOf(d)
		for _, o := range offsets {
			a.Offsets = append(a.Offsets, int(o))
		}
		a.Message = uint64(msg)
		if cur != nil {
			a.Current = new(schedule.Change)
			if err := json.Unmarshal([]byte(*cur), a.Current); err != nil {
				s.bad.note([]byte("announcements"), []byte(strings.Join([]string{k.Subscriber, k.Target, k.Schedule, date, string(k.Kind)}, keySep)), []byte(*cur), err)
				continue
			}
		}
		tk := k.Subscriber + keySep + k.Target
		if v.told[tk] == nil {
			v.told[tk] = map[annKey]*announcement{}
		}
		v.told[tk][k] = &a
	}
	return rows.Err()
}

func (s *pgStore) view(subs []*config.Subscriber, f func(stateView)) error {
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return s.fail("read state", err)
	}
	defer tx.Rollback(ctx)
	v, err := s.load(ctx, tx, idsOf(subs))
	if err != nil {
		return s.fail("read state", err)
	}
	f(v)
	return nil
}

func idsOf(subs []*config.Subscriber) []string {
	ids := make([]string, len(subs))
	for i, sub := range subs {
		ids[i] = sub.ID
	}
	return ids
}

func (s *pgStore) fail(what string, err error) error {
	return fmt.Errorf("%s in %s: %s", what, s.desc, pgErrText(err))
}

// errChanged is a chunk whose announcements another writer changed after
// they were read: the chunk is planned again.
var errChanged = errors.New("announcements changed while the check was planned")

// retryable reports an error after which the chunk is planned again: a
// deadlock or serialization failure, a unique key another replica took, or
// errChanged.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01", "23505":
			return true
		}
	}
	return errors.Is(err, errChanged)
}

func (s *pgStore) chunk(at, now time.Time, subs []*config.Subscriber, plan func(stateView, []*config.Subscriber) []planned) ([]planned, []Delivery, error) {
	var err error
	for range 5 {
		var checks []planned
		var queued []Delivery
		checks, queued, err = s.chunkOnce(at, now, subs, plan)
		if err == nil || !retryable(err) {
			if err != nil {
				return checks, nil, s.fail("record check", err)
			}
			return checks, queued, nil
		}
	}
	return nil, nil, s.fail("record check", err)
}

func (s *pgStore) chunkOnce(at, now time.Time, subs []*config.Subscriber, plan func(stateView, []*config.Subscriber) []planned) ([]planned, []Delivery, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(ctx)
	ids := idsOf(subs)
	sorted := slices.Sorted(slices.Values(ids))
	// Every subscriber has a row to lock, then the rows are locked in one
	// order: two replicas planning the same chunk take turns.
	if _, err := tx.Exec(ctx, `INSERT INTO runs (subscriber) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, sorted); err != nil {
		return nil, nil, err
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM runs WHERE subscriber = ANY($1) ORDER BY subscriber FOR UPDATE`, sorted); err != nil {
		return nil, nil, err
	}
	done := map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT subscriber FROM checks WHERE subscriber = ANY($1) AND at = $2`, ids, at)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, nil, err
		}
		done[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var mine []*config.Subscriber
	for _, sub := range subs {
		if !done[sub.ID] { // checked at this instant by another replica (or an earlier run)
			mine = append(mine, sub)
		}
	}
	if len(mine) == 0 {
		return nil, nil, tx.Commit(ctx)
	}
	v, err := s.load(ctx, tx, idsOf(mine))
	if err != nil {
		return nil, nil, err
	}
	checks := plan(v, mine)

	n := 0
	for _, c := range checks {
		n += len(c.out)
	}
	var ids64 []int64
	if n > 0 {
		rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('outbox', 'id')) FROM generate_series(1, $1)`, n)
		if err != nil {
			return nil, nil, err
		}
		ids64, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, nil, err
		}
	}
	b := &pgx.Batch{}
	var queued []Delivery
	var claimed []string
	// The lease runs from the write, not from the check's start: a chunk
	// queued a minute into a large check is not already free for others.
	until := s.now().Add(s.lease)
	for _, c := range checks {
		if c.err != nil {
			b.Queue(`UPDATE runs SET ran = $2, err = $3 WHERE subscriber = $1`, c.subscriber, now, c.err.Error())
			continue
		}
		for _, o := range c.out {
			dl := o.Delivery
			dl.ID, dl.Created, dl.Updated = uint64(ids64[len(queued)]), now, now
			items, err := json.Marshal(dl.Items)
			if err != nil {
				return nil, nil, err
			}
			b.Queue(`INSERT INTO outbox (id, subscriber, target, due, state, created, updated, queued_by, claimed_by, claimed_until)
				VALUES ($1, $2, $3, $4, 'pending', $5, $5, $6, $6, $7)`,
				int64(dl.ID), dl.Subscriber, dl.Target, dl.Due, now, s.name, until)
			b.Queue(`INSERT INTO messages (id, channel, checked_at, today, subject, body, items) VALUES ($1, $2, $3, $4::date, $5, $6, $7)`,
				int64(dl.ID), dl.Channel, dl.CheckedAt, dl.Today.String(), dl.Subject, dl.Body, string(items))
			was := v.told[dl.Subscriber+keySep+dl.Target]
			for k, a := range o.updates {
				a.Message = dl.ID
				var cur *string
				if a.Current != nil {
					j, err := json.Marshal(a.Current)
					if err != nil {
						return nil, nil, err
					}
					js := string(j)
					cur = &js
				}
				offs := make([]int32, len(a.Offsets))
				for i, o := range a.Offsets {
					offs[i] = int32(o)
				}
				if prev, ok := was[k]; ok {
					// Still what the plan read, or another writer came
					// between: then nothing is written, and the chunk is
					// planned again.
					b.Queue(`UPDATE announcements SET offsets = $6, current = $7, message = $8
						WHERE subscriber = $1 AND target = $2 AND schedule = $3 AND date = $4::date AND kind = $5 AND message = $9`,
						k.Subscriber, k.Target, k.Schedule, k.Date.String(), string(k.Kind), offs, cur, int64(dl.ID), int64(prev.Message)).
						Exec(func(ct pgconn.CommandTag) error {
							if ct.RowsAffected() != 1 {
								return errChanged
							}
							return nil
						})
				} else {
					b.Queue(`INSERT INTO announcements (subscriber, target, schedule, date, kind, offsets, current, message)
						VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8)`,
						k.Subscriber, k.Target, k.Schedule, k.Date.String(), string(k.Kind), offs, cur, int64(dl.ID))
				}
			}
			dl.State = StatePending
			queued = append(queued, dl)
		}
		// The run, as putRun writes it to the file.
		b.Queue(`UPDATE runs SET at = CASE WHEN at > $2 AND at <= $3 THEN at ELSE $2 END, ran = $3, messages = $4, err = ''
			WHERE subscriber = $1`, c.subscriber, at, now, len(c.out))
		claimed = append(claimed, c.subscriber)
	}
	if len(claimed) > 0 {
		b.Queue(`INSERT INTO checks (subscriber, at, replica) SELECT unnest($1::text[]), $2, $3`, claimed, at, s.name)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, nil, err
	}
	return checks, queued, nil
}

// deliveryCols are a Delivery's columns, of outbox o joined with messages
// m (see pgJoin).
const deliveryCols = `o.id, o.subscriber, o.target, m.channel, m.checked_at, m.today::text, o.due, m.subject, m.body, m.items, o.state,
	o.attempts, o.last_error, o.created, o.updated, o.sent_at`

const pgJoin = `outbox o JOIN messages m ON m.id = o.id`

func (s *pgStore) scanDelivery(row pgx.Row, extra ...any) (*Delivery, error) {
	var d Delivery
	var id int64
	var today, items string
	var sent *time.Time
	if err := row.Scan(append([]any{&id, &d.Subscriber, &d.Target, &d.Channel, &d.CheckedAt, &today, &d.Due, &d.Subject, &d.Body, &items, &d.State,
		&d.Attempts, &d.LastError, &d.Created, &d.Updated, &sent}, extra...)...); err != nil {
		return nil, err
	}
	d.ID = uint64(id)
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return nil, err
	}
	d.Today = schedule.DateOf(t)
	if sent != nil {
		d.SentAt = *sent
	}
	var its []notifier.Item
	if err := json.Unmarshal([]byte(items), &its); err != nil {
		s.bad.note([]byte("outbox"), idKey(d.ID), []byte(items), err)
		return nil, nil
	}
	d.Items = its
	return &d, nil
}

func (s *pgStore) pendingTargets() (targets []string, messages int, err error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT target, count(*) FROM outbox
		WHERE state = 'pending' AND (claimed_by IS NULL OR claimed_by = $1 OR claimed_until < $2)
		GROUP BY target ORDER BY min(id)`, s.name, s.now())
	if err != nil {
		return nil, 0, s.fail("read the outbox", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, 0, s.fail("read the outbox", err)
		}
		targets = append(targets, t)
		messages += n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.fail("read the outbox", err)
	}
	return targets, messages, nil
}

func (s *pgStore) nextPending(target string, after uint64, _ func(uint64) *Delivery) (*Delivery, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	now := s.now()
	for {
		// A look first, which writes nothing, for a target that may be
		// drained: the call after a send mostly finds nothing, and a claim
		// that fails still locks a row and commits. The first call for a
		// target (after 0) comes from a caller that knows it has some.
		if after > 0 {
			worth, err := s.worthClaiming(ctx, target, after, now)
			if err != nil || !worth {
				return nil, err
			}
		}
		// head is the first pending message of the target that no other
		// transaction has locked; it is claimed only if it is the oldest
		// pending one (else that one is being claimed elsewhere this
		// instant, and this replica leaves the target alone), if it lies
		// after `after`, and if its lease is free or this replica's.
		var pending int64
		d, err := s.scanDelivery(s.pool.QueryRow(ctx, `UPDATE outbox o SET claimed_by = $3, claimed_until = $5
			FROM (SELECT id FROM outbox WHERE target = $1 AND state = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) head, messages m
			WHERE o.id = head.id AND m.id = o.id
			  AND head.id = (SELECT min(id) FROM outbox WHERE target = $1 AND state = 'pending')
			  AND o.id > $2 AND o.state = 'pending'
			  AND (o.claimed_by IS NULL OR o.claimed_by = $3 OR o.claimed_until < $4)
			RETURNING `+deliveryCols+`, (SELECT count(*) FROM outbox p WHERE p.target = $1 AND p.state = 'pending')`,
			target, int64(after), s.name, now, now.Add(s.lease)), &pending)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil, nil
		case err != nil:
			return nil, s.fail("read the outbox", err)
		case d == nil: // unreadable: quarantined, and the next one taken
			if err := s.moveBad(); err != nil {
				return nil, err
			}
			continue
		}
		d.State = StatePending
		// The target's only pending message: once it is sent, the drain
		// need not look for another (one queued meanwhile by this hoursd
		// is served by its own serve; by another replica, after its lease).
		d.lastOfTarget = pending == 1
		return d, nil
	}
}

// worthClaiming looks whether the target's oldest pending message lies
// after `after` and is free to claim.
func (s *pgStore) worthClaiming(ctx context.Context, target string, after uint64, now time.Time) (bool, error) {
	var head int64
	var holder *string
	var until *time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, claimed_by, claimed_until FROM outbox WHERE target = $1 AND state = 'pending' ORDER BY id LIMIT 1`,
		target).Scan(&head, &holder, &until)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	case err != nil:
		return false, s.fail("read the outbox", err)
	case uint64(head) <= after, holder != nil && *holder != s.name && until != nil && !until.Before(now):
		return false, nil
	}
	return true, nil
}

func (s *pgStore) get(id uint64) (*Delivery, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	d, err := s.scanDelivery(s.pool.QueryRow(ctx, `SELECT `+deliveryCols+` FROM `+pgJoin+` WHERE o.id = $1`, int64(id)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("read the outbox", err)
	}
	return d, nil
}

// record writes where a message stands. A message the sender is done with
// is released (a pending one then waits for the next check, as in the
// file); one still being retried keeps its claim, renewed. The outcomes of
// sends that finish together are written in one statement (see
// pgRecords), and record returns once its own is committed.
func (s *pgStore) record(id uint64, _ string, done bool, st deliveryStatus) error {
	return s.records.do(s, pgRecord{id: id, done: done, st: st})
}

// pgRecords writes many outcomes in one UPDATE (see batcher), as
// groupCommit does for the state file. Per send, a statement and a commit
// of its own cost the database more than the row it changes.
type pgRecords struct {
	b batcher[*pgRecord]
}

type pgRecord struct {
	id   uint64
	done bool
	st   deliveryStatus
	err  chan error
}

func (g *pgRecords) do(s *pgStore, r pgRecord) error {
	r.err = make(chan error, 1)
	g.b.add(&r, s.writeRecords)
	return <-r.err
}

// writeRecords writes a batch of outcomes. A message recorded twice in one
// batch (an attempt, then the outcome) is written as its last record says.
func (s *pgStore) writeRecords(batch []*pgRecord) {
	last := map[uint64]*pgRecord{}
	for _, r := range batch {
		last[r.id] = r
	}
	var (
		ids          []int64
		states, errs []string
		attempts     []int32
		updated      []time.Time
		sent         []*time.Time
		done         []bool
	)
	for id, r := range last {
		ids = append(ids, int64(id))
		states = append(states, string(r.st.State))
		attempts = append(attempts, int32(r.st.Attempts))
		errs = append(errs, r.st.LastError)
		updated = append(updated, r.st.Updated)
		var at *time.Time
		if !r.st.SentAt.IsZero() {
			at = &r.st.SentAt
		}
		sent = append(sent, at)
		done = append(done, r.done)
	}
	order := slices.Sorted(slices.Values(ids)) // for the lock below; ids stays beside the other arrays
	ctx, cancel := s.ctx()
	defer cancel()
	found := map[uint64]bool{}
	err := s.retry(ctx, func(tx pgx.Tx) error {
		clear(found)
		// The rows are locked in the order of their ids first: the
		// heartbeat's renewal and the other replica's outcomes lock them
		// in that order too, so that no two writers wait for each other.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM outbox WHERE id = ANY($1) ORDER BY id FOR UPDATE`, order); err != nil {
			return err
		}
		return s.updateRecords(ctx, tx, found, ids, states, attempts, errs, updated, sent, done)
	})
	for _, r := range batch {
		switch {
		case err != nil:
			r.err <- s.fail("record a delivery", err)
		case !found[r.id]:
			r.err <- fmt.Errorf("outbox message %d is gone", r.id)
		default:
			r.err <- nil
		}
	}
}

// retry runs f in a transaction, again when the database aborted it for a
// deadlock or a serialization failure (the writers lock in one order, so
// that is rare; the database still has the last word).
func (s *pgStore) retry(ctx context.Context, f func(pgx.Tx) error) error {
	var err error
	for range 5 {
		err = pgx.BeginFunc(ctx, s.pool, f)
		var pe *pgconn.PgError
		if err == nil || !errors.As(err, &pe) || (pe.Code != "40P01" && pe.Code != "40001") {
			return err
		}
	}
	return err
}

func (s *pgStore) updateRecords(ctx context.Context, tx pgx.Tx, found map[uint64]bool, ids []int64, states []string, attempts []int32,
	errs []string, updated []time.Time, sent []*time.Time, done []bool) error {
	rows, err := tx.Query(ctx, `UPDATE outbox o SET state = v.state, attempts = v.attempts, last_error = v.last_error,
		updated = v.updated, sent_at = v.sent_at,
		sent_by = CASE WHEN v.state = 'sent' THEN $1 ELSE o.sent_by END,
		claimed_by = CASE WHEN v.done THEN NULL ELSE $1 END,
		claimed_until = CASE WHEN v.done THEN NULL ELSE $2::timestamptz END
		FROM unnest($3::bigint[], $4::text[], $5::integer[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::boolean[])
		  AS v(id, state, attempts, last_error, updated, sent_at, done)
		WHERE o.id = v.id
		RETURNING o.id`, s.name, s.now().Add(s.lease), ids, states, attempts, errs, updated, sent, done)
	if err != nil {
		return err
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	for _, id := range got {
		found[uint64(id)] = true
	}
	return err
}

func (s *pgStore) prune(before schedule.Date, loc *time.Location) error {
	ctx, cancel := s.ctx()
	defer cancel()
	cut := before.Time(loc)
	for _, q := range []struct {
		sql string
		arg any
	}{
		{`DELETE FROM announcements WHERE date < $1::date`, before.String()},
		{`DELETE FROM outbox WHERE due < $1 AND state <> 'pending'`, cut},
		{`DELETE FROM checks WHERE at < $1`, cut},
		{`DELETE FROM replicas WHERE stopped < $1`, cut}, // stopped two months ago: gone for good
	} {
		if _, err := s.pool.Exec(ctx, q.sql, q.arg); err != nil {
			return s.fail("prune", err)
		}
	}
	return nil
}

func (s *pgStore) lastRuns(ids []string) (map[string]*run, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	runs, err := loadRuns(ctx, s.pool, ids)
	if err != nil {
		return nil, s.fail("read the last checks", err)
	}
	return runs, nil
}

func (s *pgStore) deliveries(keep func(*Delivery) bool) ([]Delivery, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryCols+` FROM `+pgJoin+` ORDER BY o.id DESC`)
	if err != nil {
		return nil, s.fail("read the outbox", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := s.scanDelivery(rows)
		if err != nil {
			return nil, s.fail("read the outbox", err)
		}
		if d != nil && keep(d) {
			out = append(out, *d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("read the outbox", err)
	}
	return out, nil
}

func (s *pgStore) quarantine() ([]badRecord, error) {
	err := s.moveBad()
	return s.bad.takeMoved(), err
}

// moveBad moves the rows found unreadable into the quarantine table.
func (s *pgStore) moveBad() error {
	list, _ := s.bad.take()
	if len(list) == 0 || s.readOnly {
		return nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	for _, r := range list {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var ct pgconn.CommandTag
			var err error
			switch r.Bucket {
			case "outbox":
				ct, err = tx.Exec(ctx, `DELETE FROM outbox WHERE id = $1`, int64(binaryID(r.Key)))
			case "announcements":
				f := strings.Split(string(r.Key), keySep)
				ct, err = tx.Exec(ctx, `DELETE FROM announcements WHERE subscriber = $1 AND target = $2 AND schedule = $3 AND date = $4::date AND kind = $5`,
					f[0], f[1], f[2], f[3], f[4])
			}
			if err != nil || ct.RowsAffected() == 0 {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO quarantine (tbl, key, raw, err) VALUES ($1, $2, $3, $4)`, r.Bucket, r.KeyText(), string(r.raw), r.Err.Error())
			return err
		})
		if err != nil {
			return s.fail("move an unreadable record to the quarantine", err)
		}
		s.bad.addMoved(r)
	}
	return nil
}

func binaryID(k []byte) uint64 {
	var id uint64
	for _, b := range k {
		id = id<<8 | uint64(b)
	}
	return id
}

func (s *pgStore) quarantined() int {
	n := s.bad.noted()
	ctx, cancel := s.ctx()
	defer cancel()
	var q int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM quarantine`).Scan(&q); err == nil {
		n += q
	}
	return n
}

// heartbeat tells the other replicas this one lives, and renews its claims
// on the messages of the targets it is sending to (serving: the outbox's
// targets in flight). A claim it does not renew — a message queued by this
// replica whose target another replica was still serving, say — runs out,
// and whichever replica's heartbeat comes first sends it (orphans). It also
// takes the replica's name back if the database lost it (a restart of
// PostgreSQL ends every session).
func (s *pgStore) heartbeat(serving []string) error {
	if s.readOnly {
		return nil
	}
	ctx, cancel := s.ctx()
	defer cancel()
	now := s.now()
	if err := s.holdName(ctx); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `UPDATE replicas SET seen = $2, stopped = NULL WHERE name = $1`, s.name, now); err != nil {
		return s.fail("heartbeat", err)
	}
	err := s.retry(ctx, func(tx pgx.Tx) error {
		// Locked in the order of their ids, as the outcomes lock them.
		_, err := tx.Exec(ctx, `UPDATE outbox SET claimed_until = $2 WHERE id IN (
			SELECT id FROM outbox WHERE claimed_by = $1 AND state = 'pending' AND claimed_until IS NOT NULL AND target = ANY($3)
			ORDER BY id FOR UPDATE)`, s.name, now.Add(s.lease), serving)
		return err
	})
	if err != nil {
		return s.fail("renew claims", err)
	}
	return nil
}

// holdName checks that the replica's lock is still held, and takes it
// again on a new connection when that connection was lost.
func (s *pgStore) holdName(ctx context.Context) error {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	if s.lock != nil && s.lock.Ping(ctx) == nil {
		return nil
	}
	if s.lock != nil {
		s.lock.Close(ctx)
		s.lock = nil
	}
	if err := s.takeName(ctx, s.pool.Config().ConnConfig); err != nil {
		return err
	}
	return nil
}

// orphans lists the targets with pending messages whose claim ran out: the
// replica that held them died or stopped, or queued them while another
// replica was still sending to their target. This one sends them (the
// outbox passes over targets it is serving already).
func (s *pgStore) orphans() ([]string, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT target FROM outbox WHERE state = 'pending' AND claimed_until < $1
		GROUP BY target ORDER BY min(id)`, s.now())
	if err != nil {
		return nil, s.fail("read the outbox", err)
	}
	targets, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, s.fail("read the outbox", err)
	}
	return targets, nil
}

// Replica is one hoursd sharing the database, as status shows it.
type Replica struct {
	Name    string    `json:"name"`
	Self    bool      `json:"self"`
	Alive   bool      `json:"alive"` // its heartbeat is recent and it did not stop
	Started time.Time `json:"started"`
	Seen    time.Time `json:"seen"`
	Sent    int       `json:"sent"`    // messages it sent that the state still keeps (see prune)
	Claimed int       `json:"claimed"` // pending messages it holds
}

func (s *pgStore) replicas() ([]Replica, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	now := s.now()
	rows, err := s.pool.Query(ctx, `SELECT r.name, r.started, r.seen, r.stopped IS NULL, coalesce(s.n, 0), coalesce(c.n, 0)
		FROM replicas r
		LEFT JOIN (SELECT sent_by, count(*) AS n FROM outbox WHERE sent_by IS NOT NULL GROUP BY sent_by) s ON s.sent_by = r.name
		LEFT JOIN (SELECT claimed_by, count(*) AS n FROM outbox WHERE state = 'pending' AND claimed_until >= $1 GROUP BY claimed_by) c
		  ON c.claimed_by = r.name
		ORDER BY r.name`, now)
	if err != nil {
		return nil, s.fail("read the replicas", err)
	}
	defer rows.Close()
	var out []Replica
	for rows.Next() {
		var r Replica
		var running bool
		if err := rows.Scan(&r.Name, &r.Started, &r.Seen, &running, &r.Sent, &r.Claimed); err != nil {
			return nil, s.fail("read the replicas", err)
		}
		r.Self = r.Name == s.name && !s.readOnly // a read-only look (hoursd status) is no replica
		r.Alive = running && now.Sub(r.Seen) < s.lease
		out = append(out, r)
	}
	return out, rows.Err()
}

var _ backend = (*pgStore)(nil)
var _ backend = (*Store)(nil)
