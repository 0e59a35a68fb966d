package daemon

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// The state file and its companions live in the config's state_dir.
const (
	dbFile  = "hoursd.db"
	pidFile = "hoursd.pid"

	// schemaVersion is written into a new state file. A file of version 1
	// is migrated (its indexes are built), then one of version 2 (its
	// records are rewritten in the compact form of records.go); a file of a
	// version this hoursd does not know, written by a newer one, is refused
	// rather than misread or taken for damage.
	schemaVersion = "3"
)

var (
	bucketMeta          = []byte("meta")
	bucketAnnouncements = []byte("announcements")
	bucketOutbox        = []byte("outbox")
	bucketRuns          = []byte("runs")
	// bucketPending indexes the pending messages by target: target, keySep,
	// message id → nothing. The next message of a target and the pending
	// set at start cost what they return, not a scan of the outbox.
	bucketPending = []byte("pending")
	// bucketDue indexes every message by the instant it is due: due (Unix
	// seconds), message id → nothing. Pruning reads only what is old.
	bucketDue = []byte("due")
	// bucketStatus holds where each message stands (state, attempts, last
	// error), apart from the message itself: recording an attempt writes a
	// few dozen bytes, not the message with its items. A message without an
	// entry (one queued by schema 1) stands as its outbox record says.
	bucketStatus = []byte("status")
	// bucketQuarantine keeps the records that could not be read, raw, under
	// their bucket and key: one damaged record must not stop a subscriber's
	// checks or the status, and must not be lost either.
	bucketQuarantine = []byte("quarantine")
	keySchema        = []byte("schema")
)

// SchemaError is a state file written by a hoursd that knows a newer schema.
// It is refused as it is: moving it aside would forget what was announced,
// and going back to the older binary would repeat it all.
type SchemaError struct {
	Path    string
	Version string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("state %s has schema version %q, and this hoursd knows only up to %q: it was written by a newer hoursd; run that one (the file is left as it is)",
		e.Path, e.Version, schemaVersion)
}

// ErrInUse is returned when another hoursd holds the state file.
var ErrInUse = errors.New("in use by another hoursd")

// InUseError says which state file is held, and by whom when hoursd knows.
type InUseError struct {
	Path string
	PID  int // 0: unknown
}

func (e *InUseError) Error() string {
	who := "another hoursd"
	if e.PID > 0 {
		who = fmt.Sprintf("another hoursd (pid %d)", e.PID)
	}
	return fmt.Sprintf("state %s is in use by %s; stop it first, or give this one its own state_dir", e.Path, who)
}

// Is makes errors.Is(err, ErrInUse) true for an *InUseError.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// State is where an outbox message stands.
type State string

// The states of an outbox message.
const (
	StatePending State = "pending" // written, not yet accepted by the channel
	StateSent    State = "sent"
	StateFailed  State = "failed" // permanently refused, or its day began (a same-day message: ended) before it could be sent
)

// Delivery is one message to one target, as kept in the outbox. It is written
// before the send, so a crash between check and send loses nothing.
type Delivery struct {
	ID         uint64          `json:"id"`
	Subscriber string          `json:"subscriber"`
	Target     string          `json:"target"`
	Channel    string          `json:"channel"`
	CheckedAt  time.Time       `json:"checked_at"` // the check that produced it
	Today      schedule.Date   `json:"today"`
	Due        time.Time       `json:"due"` // not sent after: the start of its earliest day, or of the next day for a same-day message (remind 0)
	Subject    string          `json:"subject"`
	Body       string          `json:"body"`
	Items      []notifier.Item `json:"items"`
	State      State           `json:"state"`
	Attempts   int             `json:"attempts"`
	LastError  string          `json:"last_error,omitempty"` // never holds secrets: see redact
	Created    time.Time       `json:"created"`
	Updated    time.Time       `json:"updated"`
	SentAt     time.Time       `json:"sent_at,omitzero"`

	// lastOfTarget: when it was taken, no other message of its target
	// was pending (pgStore says so, to save the drain a look; kept
	// nowhere).
	lastOfTarget bool
}

// announcement is what a target has been told about one change: the remind
// offsets already used, and the content it last heard (nil once cancelled).
type announcement struct {
	Offsets []int            `json:"offsets"`
	Current *schedule.Change `json:"current"`
	Message uint64           `json:"message"`
}

// annKey identifies a change told to one target. The remind offset is kept
// inside the record (announcement.Offsets), so a correction is sent once per
// change and target rather than once per offset.
type annKey struct {
	Subscriber string
	Target     string
	Schedule   string
	Date       schedule.Date
	Kind       schedule.Kind
}

const keySep = "\x1f"

func (k annKey) bytes() []byte {
	return []byte(strings.Join([]string{k.Subscriber, k.Target, k.Schedule, k.Date.String(), string(k.Kind)}, keySep))
}

func annPrefix(subscriber, target string) []byte {
	return []byte(subscriber + keySep + target + keySep)
}

func parseAnnKey(b []byte) (annKey, error) {
	f := strings.Split(string(b), keySep)
	if len(f) != 5 {
		return annKey{}, fmt.Errorf("announcement key %q has %d fields, want 5", b, len(f))
	}
	d, err := time.Parse(time.DateOnly, f[3])
	if err != nil {
		return annKey{}, fmt.Errorf("announcement key %q: %w", b, err)
	}
	return annKey{f[0], f[1], f[2], schedule.DateOf(d), schedule.Kind(f[4])}, nil
}

// run is the record of a subscriber's last check. Its cbor keys are the
// state file's (schema 3, records.go); its json names are schema 2's, read
// by the migration.
type run struct {
	At       time.Time `cbor:"1,keyasint,omitzero" json:"at"`       // the scheduled instant the check stood for
	Ran      time.Time `cbor:"2,keyasint,omitzero" json:"ran"`      // when it actually ran
	Messages int       `cbor:"3,keyasint,omitzero" json:"messages"` // queued by it
	Err      string    `cbor:"4,keyasint,omitempty" json:"err,omitempty"`
}

// Store is hoursd's state: announcements, the outbox and check runs, in one
// bbolt file under state_dir. Only one read-write hoursd may hold it.
type Store struct {
	db    *bolt.DB
	path  string
	group groupCommit // the outcomes of sends, written together
	bad   badRecords  // records found unreadable, to be quarantined
	// readOnly stores (status, dry runs) write nothing, quarantine included.
	readOnly bool
	// legacy: a read-only look at a state of schema 1 or 2, whose records
	// are read as those schemas wrote them (see records.go).
	legacy bool
	pid    string // our pid file, removed on Close; "" when read-only

	// MovedAside is where a damaged state file was moved when Open started a
	// fresh one ("" when it did not), so the caller can say so.
	MovedAside string
	// Damage is what was wrong with the moved file.
	Damage error
	// Emptied reports a state file found empty: bbolt made a fresh store of
	// it in place, and what hoursd knew is gone just the same.
	Emptied bool
	// Migrated reports a state of an older schema brought to this one;
	// CompactErr, why its copy into a compact file failed (it is used as
	// migrated, only larger).
	Migrated   bool
	CompactErr error
}

// StoreOptions tune OpenStore.
type StoreOptions struct {
	ReadOnly    bool          // for status: shares the lock with other readers, writes nothing
	LockTimeout time.Duration // how long to wait for another hoursd; default 1s
	// NoSync skips fsync on commit: for tests, whose simulated years commit
	// thousands of times and need no protection from power loss.
	NoSync bool
	Now    func() time.Time
}

// OpenStore opens (or creates) the state file in dir. Another hoursd holding it
// yields an *InUseError. A damaged file is moved aside to
// hoursd.db.corrupt-<time> and a fresh one started: losing the record of what
// was announced risks a repeated message, which is better than a daemon that
// never starts again; Store.MovedAside reports it.
func OpenStore(dir string, o StoreOptions) (*Store, error) {
	if o.LockTimeout <= 0 {
		o.LockTimeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	path := filepath.Join(dir, dbFile)
	if !o.ReadOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open state: %w", err)
		}
	}
	s, err := openBolt(path, o)
	if err == nil || !isDamage(err) {
		return s, err
	}
	if o.ReadOnly {
		return nil, fmt.Errorf("%w (the state file is damaged: the next hoursd run or check starts a fresh one, keeping a damaged file beside it)", err)
	}
	aside := fmt.Sprintf("%s.corrupt-%s", path, o.Now().UTC().Format("20060102T150405Z"))
	if rerr := os.Rename(path, aside); rerr != nil {
		return nil, fmt.Errorf("open state %s: %w; moving it aside failed: %w", path, err, rerr)
	}
	s, err2 := openBolt(path, o)
	if err2 != nil {
		return nil, err2
	}
	s.MovedAside, s.Damage = aside, err
	return s, nil
}

// damageError marks an open failure that means the file's content is bad (as
// opposed to permissions, a full disk or a lock held elsewhere).
type damageError struct{ err error }

func (e *damageError) Error() string { return e.err.Error() }
func (e *damageError) Unwrap() error { return e.err }

func isDamage(err error) bool {
	var d *damageError
	return errors.As(err, &d)
}

func openBolt(path string, o StoreOptions) (s *Store, err error) {
	// bbolt reads page headers it trusts; a damaged file can make it panic,
	// or fault on a page past the end of a truncated file, rather than
	// return an error. hoursd reports either as damage.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("open state %s: %w", path, &damageError{fmt.Errorf("unreadable: %v", r)})
		}
	}()
	// bbolt makes a fresh store of an empty file (and fails with "bad
	// file descriptor" doing so read-only). An empty file is what a crash
	// during the very first start leaves, or a state that was wiped:
	// hoursd says so rather than start over in silence.
	fi, serr := os.Stat(path)
	empty := serr == nil && fi.Size() == 0
	switch {
	case o.ReadOnly && errors.Is(serr, fs.ErrNotExist):
		return nil, fmt.Errorf("open state: %w", serr)
	case o.ReadOnly && empty:
		return nil, fmt.Errorf("open state %s: %w", path, &damageError{errors.New("the file is empty")})
	}
	db, err := openLocked(path, &bolt.Options{Timeout: o.LockTimeout, ReadOnly: o.ReadOnly, NoSync: o.NoSync})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, &InUseError{Path: path, PID: readPID(filepath.Join(filepath.Dir(path), pidFile))}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), err != nil && strings.Contains(err.Error(), "file size too small"):
		return nil, fmt.Errorf("open state %s: %w", path, &damageError{err})
	case err != nil:
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	s = &Store{db: db, path: path, readOnly: o.ReadOnly}
	if err := s.verify(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, &damageError{err})
	}
	v, err := s.schemaOf()
	if err == nil && v != "" && v != "1" && v != "2" && v != schemaVersion {
		db.Close()
		return nil, &SchemaError{Path: path, Version: v}
	}
	if o.ReadOnly {
		if s.migrating() {
			db.Close()
			return nil, fmt.Errorf("state %s: its migration to schema %s was cut short; the next hoursd run or hoursd check finishes it", path, schemaVersion)
		}
		s.legacy = v == "1" || v == "2"
		return s, nil
	}
	// The file holds who is subscribed and what they are told: a state
	// created by hand or by an older hoursd with a looser mode is made
	// private, whatever the umask was.
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			db.Close()
			return nil, fmt.Errorf("open state %s: make it private (mode 0600): %w", path, err)
		}
	}
	// Empty before bbolt took the lock and still without hoursd's buckets:
	// it was not another hoursd creating it (that one would have held the
	// lock until it had written them).
	if empty && s.Ping() != nil {
		s.Emptied = true
	}
	// A panic from here on is no damage (the file was read whole by
	// verify): a migration that fails keeps the state where it is.
	var migrated bool
	if err := notDamage(func() (err error) { migrated, err = s.init(); return err }); err != nil {
		db.Close()
		return nil, err
	}
	if migrated {
		// A migration leaves the pages a third full (its records are
		// smaller than the ones they replace): the state is copied into a
		// fresh file, its pages full, which takes the old one's place. A
		// copy that fails (a full disk) leaves the migrated state as it
		// is, larger than it need be, and says so.
		if cerr := notDamage(s.compact); cerr != nil {
			s.Migrated, s.CompactErr = true, cerr
		} else {
			db.Close()
			if s, err = openBolt(path, o); s != nil {
				s.Migrated = true
			}
			return s, err
		}
	}
	os.Remove(path + compactSuffix) // a copy that a crash cut short
	s.pid = filepath.Join(filepath.Dir(path), pidFile)
	// The pid only serves the "in use" message; failing to write it is harmless.
	_ = os.WriteFile(s.pid, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	return s, nil
}

// openLocked opens the state file with bbolt, which locks it (flock). A
// lock belongs to a file, not to its path: a hoursd that waited for the
// lock while its holder renamed a compact copy over the path (see compact)
// would get the lock of the file that was replaced, and write where nobody
// reads. It checks that the path still names the file it holds, and if not
// lets go and opens the path again.
func openLocked(path string, bo *bolt.Options) (*bolt.DB, error) {
	for range 3 {
		var f *os.File
		bo.OpenFile = func(name string, flag int, mode os.FileMode) (*os.File, error) {
			var err error
			f, err = openStateFile(name, flag, mode)
			return f, err
		}
		db, err := bolt.Open(path, 0o600, bo)
		if err != nil {
			return nil, err
		}
		held, err1 := f.Stat()
		named, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || os.SameFile(held, named) {
			return db, nil
		}
		db.Close()
	}
	return nil, fmt.Errorf("open state %s: it was replaced three times while hoursd opened it", path)
}

// openStateFile opens the state file for bbolt (a variable for the tests).
var openStateFile = os.OpenFile

// notDamage runs f, turning a panic into an error that is not damage: the
// state stays where it is, and the start fails with the reason.
func notDamage(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("prepare state: %v", r)
		}
	}()
	return f()
}

func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// verify reads every key and runs bbolt's consistency check: the file is
// small, and finding damage at start beats a crash in the middle of a check.
// The walk runs in the caller's goroutine, where a fault is a panic that
// openBolt recovers; bbolt's own check runs in a goroutine of its own, so it
// comes after the walk has touched every page.
func (s *Store) verify() error {
	return s.db.View(func(tx *bolt.Tx) error {
		var walk func(b *bolt.Bucket) error
		walk = func(b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					if sub := b.Bucket(k); sub != nil {
						return walk(sub)
					}
				}
				return nil
			})
		}
		if err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) }); err != nil {
			return err
		}
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// schemaOf is the state's schema version ("" for a file without one yet).
func (s *Store) schemaOf() (string, error) {
	var v string
	err := s.db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			v = string(m.Get(keySchema))
		}
		return nil
	})
	return v, err
}

// init makes the buckets of a new state, and brings an older one to this
// schema (migrate.go); migrated says it did.
func (s *Store) init() (migrated bool, err error) {
	var from string
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketAnnouncements, bucketOutbox, bucketRuns, bucketPending, bucketDue, bucketStatus, bucketQuarantine} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		m := tx.Bucket(bucketMeta)
		switch from = string(m.Get(keySchema)); {
		case from == "": // a new state
			return m.Put(keySchema, []byte(schemaVersion))
		case from == "1":
			if err := buildIndexes(tx); err != nil {
				return fmt.Errorf("migrate to schema 2: %w", err)
			}
			from = "2"
			return m.Put(keySchema, []byte(from))
		case from == schemaVersion && m.Get(keyMigrate) != nil:
			from = "2" // a migration from 2 cut short
		}
		return nil
	})
	if err == nil && from == "2" {
		err, migrated = s.migrateRecords(), true
	}
	if err != nil {
		return false, fmt.Errorf("prepare state %s: %w", s.path, err)
	}
	return migrated, nil
}

// migrating reports a migration to schema 3 begun and not finished: the
// state then holds records of both schemas.
func (s *Store) migrating() bool {
	var m bool
	s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			m = b.Get(keyMigrate) != nil
		}
		return nil
	})
	return m
}

// codec reads the records of the state's schema.
func (s *Store) codec() recordCodec {
	if s.legacy {
		return codecV2
	}
	return codecV3
}

// Path is the state file.
func (s *Store) Path() string { return s.path }

// Close releases the state file.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	if s.pid != "" {
		os.Remove(s.pid)
	}
	err := s.db.Close()
	s.db = nil
	if err != nil {
		return fmt.Errorf("close state %s: %w", s.path, err)
	}
	return nil
}

// Ping reports whether the state file still answers, for /healthz.
func (s *Store) Ping() error {
	if s == nil || s.db == nil {
		return errors.New("state is closed")
	}
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketOutbox) == nil {
			return errors.New("state has no outbox")
		}
		return nil
	})
}

func idKey(id uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], id)
	return b[:]
}

// pendingKey is a message's key in bucketPending.
func pendingKey(target string, id uint64) []byte {
	return append([]byte(target+keySep), idKey(id)...)
}

// dueKey is a message's key in bucketDue.
func dueKey(due time.Time, id uint64) []byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(max(due.Unix(), 0)))
	binary.BigEndian.PutUint64(b[8:], id)
	return b[:]
}

// appendFill is how full bbolt fills the pages of a bucket whose keys come
// in increasing order (message ids; due instants, which mostly do).
const appendFill = 0.9

// index keeps a message's entries in the indexes as its state says.
func index(tx *bolt.Tx, d *Delivery) error {
	due := tx.Bucket(bucketDue)
	due.FillPercent = appendFill
	if err := due.Put(dueKey(d.Due, d.ID), nil); err != nil {
		return err
	}
	p := tx.Bucket(bucketPending)
	if d.State == StatePending {
		return p.Put(pendingKey(d.Target, d.ID), nil)
	}
	return p.Delete(pendingKey(d.Target, d.ID))
}

// putRecord writes x under key, encoded by enc (records.go).
func putRecord[T any](b *bolt.Bucket, key []byte, x T, enc func(T) ([]byte, error)) error {
	v, err := enc(x)
	if err != nil {
		return fmt.Errorf("write %q: %w", key, err)
	}
	return b.Put(key, v)
}

// announcementsOf lists what one target of a subscriber has been told. A
// record that cannot be read is left out (and quarantined, see badRecords):
// the change it stood for may be told again, which beats a subscriber who is
// told nothing at all.
func (s *Store) announcementsOf(tx *bolt.Tx, subscriber, target string) map[annKey]*announcement {
	out := map[annKey]*announcement{}
	b := tx.Bucket(bucketAnnouncements)
	if b == nil { // a read-only look at a state that was never set up
		return out
	}
	prefix := annPrefix(subscriber, target)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		key, err := parseAnnKey(k)
		if err != nil {
			s.bad.note(bucketAnnouncements, k, v, err)
			continue
		}
		a, err := s.codec().announcement(v)
		if err != nil {
			s.bad.note(bucketAnnouncements, k, v, err)
			continue
		}
		out[key] = a
	}
	return out
}

// lastRun is a subscriber's last check, or nil (also when its record cannot
// be read: the subscriber is then taken for one never checked).
func (s *Store) lastRun(tx *bolt.Tx, subscriber string) *run {
	b := tx.Bucket(bucketRuns)
	if b == nil {
		return nil
	}
	k := []byte(subscriber)
	v := b.Get(k)
	if v == nil {
		return nil
	}
	r, err := s.codec().run(v)
	if err != nil {
		s.bad.note(bucketRuns, k, v, err)
		return nil
	}
	return r
}

// deliveryStatus is where a message stands, kept in bucketStatus. Its cbor
// keys are the state file's (schema 3, records.go); its json names are
// schema 2's, read by the migration.
type deliveryStatus struct {
	State     State     `cbor:"1,keyasint" json:"state"`
	Attempts  int       `cbor:"2,keyasint,omitzero" json:"attempts"`
	LastError string    `cbor:"3,keyasint,omitempty" json:"last_error,omitempty"`
	Updated   time.Time `cbor:"4,keyasint,omitzero" json:"updated"`
	SentAt    time.Time `cbor:"5,keyasint,omitzero" json:"sent_at,omitzero"`
}

// readDelivery reads one outbox message with where it stands; nil when
// there is none, or when it cannot be read (it is then quarantined).
func (s *Store) readDelivery(tx *bolt.Tx, key []byte) *Delivery {
	ob := tx.Bucket(bucketOutbox)
	if ob == nil {
		return nil
	}
	v := ob.Get(key)
	if v == nil {
		return nil
	}
	d, err := s.codec().message(binary.BigEndian.Uint64(key), v)
	if err != nil {
		s.bad.note(bucketOutbox, key, v, err)
		return nil
	}
	s.withStatus(tx, key, &d)
	return &d
}

// withStatus sets where d stands from its status record, if it has one. An
// unreadable status record is noted for the quarantine, and d stands as
// its outbox record says (false).
func (s *Store) withStatus(tx *bolt.Tx, key []byte, d *Delivery) bool {
	sb := tx.Bucket(bucketStatus)
	if sb == nil {
		return true
	}
	sv := sb.Get(key)
	if sv == nil {
		return true
	}
	st, err := s.codec().status(sv)
	if err != nil {
		s.bad.note(bucketStatus, key, sv, err)
		return false
	}
	d.State, d.Attempts, d.LastError, d.Updated, d.SentAt = st.State, st.Attempts, st.LastError, st.Updated, st.SentAt
	return true
}

// boltView is a read transaction of the state file, as a check reads it.
type boltView struct {
	s  *Store
	tx *bolt.Tx
}

func (v boltView) lastRun(subscriber string) *run { return v.s.lastRun(v.tx, subscriber) }
func (v boltView) announcementsOf(subscriber, target string) map[annKey]*announcement {
	return v.s.announcementsOf(v.tx, subscriber, target)
}

func (s *Store) view(_ []*config.Subscriber, f func(stateView)) error {
	return s.db.View(func(tx *bolt.Tx) error {
		f(boltView{s, tx})
		return nil
	})
}

// chunk plans from one read of the state and queues in one write. The
// daemon holds its planMu across it: one hoursd holds the file, so that is
// what makes the step exclusive. Records the read found unreadable are
// moved to the quarantine between the two, before the write could replace
// them (and lose their bytes).
func (s *Store) chunk(at, now time.Time, subs []*config.Subscriber, plan func(stateView, []*config.Subscriber) []planned) ([]planned, []Delivery, error) {
	checks, err := s.planParts(subs, plan)
	if err != nil {
		return nil, nil, err
	}
	s.moveBad()
	queued, err := s.enqueue(at, now, checks)
	return checks, queued, err
}

// planPart is the fewest subscribers worth planning beside another part.
const planPart = 128

// planParts plans subs in parts side by side, one per processor, each from
// a read transaction of its own (a bbolt transaction serves one goroutine):
// planning is most of what a check with nothing new does. The parts read
// the same state: they begin while the caller holds planMu, and what else
// writes meanwhile (the sends' outcomes, pruning of long past days) is
// nothing a plan reads.
func (s *Store) planParts(subs []*config.Subscriber, plan func(stateView, []*config.Subscriber) []planned) ([]planned, error) {
	n := min(runtime.GOMAXPROCS(0), len(subs)/planPart)
	if n <= 1 {
		var checks []planned
		err := s.view(subs, func(v stateView) { checks = plan(v, subs) })
		return checks, err
	}
	size := (len(subs) + n - 1) / n
	parts := slices.Collect(slices.Chunk(subs, size))
	out := make([][]planned, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() { errs[i] = s.view(part, func(v stateView) { out[i] = plan(v, part) }) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.Concat(out...), nil
}

// lastRuns reads the last check of each of ids.
func (s *Store) lastRuns(ids []string) (map[string]*run, error) {
	out := make(map[string]*run, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if r := s.lastRun(tx, id); r != nil {
				out[id] = r
			}
		}
		return nil
	})
	return out, err
}

// deliveries lists the outbox, newest first, keeping those keep accepts.
func (s *Store) deliveries(keep func(*Delivery) bool) ([]Delivery, error) {
	var out []Delivery
	err := s.db.View(func(tx *bolt.Tx) error {
		out = s.deliveriesIn(tx, keep)
		return nil
	})
	return out, err
}

func (s *Store) deliveriesIn(tx *bolt.Tx, keep func(*Delivery) bool) []Delivery {
	var out []Delivery
	ob := tx.Bucket(bucketOutbox)
	if ob == nil {
		return nil
	}
	c := ob.Cursor()
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		if d := s.readDelivery(tx, k); d != nil && keep(d) {
			out = append(out, *d)
		}
	}
	return out
}

// pendingTargets lists the targets with pending messages, and counts the
// messages.
func (s *Store) pendingTargets() (targets []string, messages int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		p := tx.Bucket(bucketPending)
		if p == nil {
			return nil
		}
		return p.ForEach(func(k, _ []byte) error {
			if len(k) < 8+len(keySep) {
				return nil // not a key hoursd writes
			}
			messages++
			t := string(k[:len(k)-8-len(keySep)])
			if len(targets) == 0 || targets[len(targets)-1] != t {
				targets = append(targets, t)
			}
			return nil
		})
	})
	return targets, messages, err
}

// nextPending is the target's oldest pending message after the one with id
// after (0: from the first), or nil. An index entry whose message is gone or
// cannot be read is passed over (and cleared with the quarantine).
func (s *Store) nextPending(target string, after uint64, held func(uint64) *Delivery) (*Delivery, error) {
	var out *Delivery
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := []byte(target + keySep)
		p := tx.Bucket(bucketPending)
		if p == nil {
			return nil
		}
		c := p.Cursor()
		for k, _ := c.Seek(pendingKey(target, after+1)); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, _ = c.Next() {
			id := k[len(prefix):]
			if held != nil {
				if d := held(binary.BigEndian.Uint64(id)); d != nil && s.withStatus(tx, id, d) && d.State == StatePending {
					out = d
					return nil
				}
			}
			if d := s.readDelivery(tx, id); d != nil && d.State == StatePending {
				out = d
				return nil
			}
			s.bad.dangling(k)
		}
		return nil
	})
	return out, err
}

// get reads one outbox message; nil if there is none with that id.
func (s *Store) get(id uint64) (*Delivery, error) {
	var d *Delivery
	err := s.db.View(func(tx *bolt.Tx) error {
		d = s.readDelivery(tx, idKey(id))
		return nil
	})
	return d, err
}

// record stores where a message stands after an attempt to send it. Only
// its status is written; the outcomes of the sends in flight at once are
// committed together (see groupCommit), and record returns once its own is
// on disk. Sent messages are kept for status; see prune.
func (s *Store) record(id uint64, target string, _ bool, st deliveryStatus) error {
	return s.group.do(s.db, func(tx *bolt.Tx) error {
		// A message being sent is in the pending index; only one that is
		// not (recorded as finished before) is looked for in the outbox,
		// whose pages a check of many targets need not read at all.
		key, p := idKey(id), tx.Bucket(bucketPending)
		pk := pendingKey(target, id)
		if p.Get(pk) == nil && tx.Bucket(bucketOutbox).Get(key) == nil {
			return fmt.Errorf("outbox message %d is gone", id)
		}
		sb := tx.Bucket(bucketStatus)
		sb.FillPercent = appendFill // first written as the sends finish, mostly in id order
		if err := putRecord(sb, key, st, encodeStatus); err != nil {
			return err
		}
		if st.State == StatePending {
			return p.Put(pk, nil)
		}
		return p.Delete(pk)
	})
}

// prune forgets announcements and finished messages whose day is long past:
// they can no longer be corrected, and status shows only recent ones.
func (s *Store) prune(before schedule.Date, loc *time.Location) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		a := tx.Bucket(bucketAnnouncements)
		c := a.Cursor()
		for k, _ := c.First(); k != nil; {
			key, err := parseAnnKey(k)
			if err == nil && !key.Date.Before(before) {
				k, _ = c.Next()
				continue
			}
			if err := c.Delete(); err != nil {
				return err
			}
			k, _ = c.Seek(k)
		}
		// Through the due index, only as far as the cut: a message still
		// pending stays, whatever its age (its send says why it failed).
		ob, pend := tx.Bucket(bucketOutbox), tx.Bucket(bucketPending)
		cut := dueKey(before.Time(loc), 0)
		dc := tx.Bucket(bucketDue).Cursor()
		for k, _ := dc.First(); k != nil && bytes.Compare(k, cut) < 0; {
			id := idKey(binary.BigEndian.Uint64(k[8:]))
			d := s.readDelivery(tx, id)
			if d != nil && d.State == StatePending && pend.Get(pendingKey(d.Target, d.ID)) != nil {
				k, _ = dc.Next()
				continue
			}
			if err := ob.Delete(id); err != nil {
				return err
			}
			if err := tx.Bucket(bucketStatus).Delete(id); err != nil {
				return err
			}
			if err := dc.Delete(); err != nil {
				return err
			}
			k, _ = dc.Seek(k)
		}
		return nil
	})
}

// planned is one subscriber's check as planned, for enqueue: its messages,
// or the error that kept it from being planned.
type planned struct {
	subscriber string
	out        []outgoing
	err        error
	// last is the subscriber's last check as the plan read it (nil: none,
	// or unreadable), so that the write need not read it again: the step
	// is exclusive.
	last *run
}

// enqueue writes the planned checks of several subscribers in one
// transaction: each message to the outbox and its index, what its target
// will then have been told to the announcements, and each subscriber's run
// (or its failure). A crash leaves all of it or none, and a check of many
// subscribers commits (and waits for the disk) a few times, not once per
// subscriber. Announcements are recorded when the message is queued, not
// when it is sent: the message is then this change's one announcement, and
// a later check does not queue it a second time while the first still waits
// for its channel.
func (s *Store) enqueue(at, now time.Time, checks []planned) ([]Delivery, error) {
	var queued []Delivery
	err := s.db.Update(func(tx *bolt.Tx) error {
		queued = queued[:0]
		ob, ab := tx.Bucket(bucketOutbox), tx.Bucket(bucketAnnouncements)
		// Messages are appended in id order, and never grow: their pages
		// may be filled (bbolt's default half-fills them, for inserts in
		// the middle), which halves the outbox on disk.
		ob.FillPercent = appendFill
		// Announcements and runs are keyed by subscriber, whose order has
		// nothing to do with the order they are written in; their pages are
		// filled as far as the outbox's all the same (a page that must take
		// one more record is split then): with bbolt's half-full pages, a
		// first check leaves them at about half, and every later check reads
		// twice the pages it needs to.
		ab.FillPercent = appendFill
		tx.Bucket(bucketRuns).FillPercent = appendFill
		for _, c := range checks {
			if c.err != nil {
				if err := failRun(tx, c, now); err != nil {
					return err
				}
				continue
			}
			for _, o := range c.out {
				id, err := ob.NextSequence()
				if err != nil {
					return err
				}
				dl := o.Delivery
				dl.ID, dl.Created, dl.Updated = id, now, now
				if err := putRecord(ob, idKey(id), &dl, encodeMessage); err != nil {
					return err
				}
				if dl.State != StatePending || dl.Attempts > 0 { // a message is queued pending, never tried
					st := deliveryStatus{State: dl.State, Attempts: dl.Attempts, LastError: dl.LastError, Updated: dl.Updated, SentAt: dl.SentAt}
					if err := putRecord(tx.Bucket(bucketStatus), idKey(id), st, encodeStatus); err != nil {
						return err
					}
				}
				if err := index(tx, &dl); err != nil {
					return err
				}
				for k, a := range o.updates {
					a.Message = id
					if err := putRecord(ab, k.bytes(), a, encodeAnnouncement); err != nil {
						return err
					}
				}
				queued = append(queued, dl)
			}
			if err := putRun(tx, c, at, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record check: %w", err)
	}
	return queued, nil
}

// putRun records a subscriber's check; a run that stands for an earlier
// instant (hoursd check --at in the past) does not move the record back,
// unless the record lies after now: it was made by a clock that ran ahead,
// and kept, it would hide every missed check until that date.
func putRun(tx *bolt.Tx, c planned, at, now time.Time) error {
	b := tx.Bucket(bucketRuns)
	prev := c.last // unreadable: replaced by this run (and kept in quarantine by the read that found it)
	r := run{At: at, Ran: now, Messages: len(c.out)}
	if prev != nil && prev.At.After(at) && !prev.At.After(now) {
		r.At = prev.At
	}
	return putRecord(b, []byte(c.subscriber), r, encodeRun)
}

// failRun records a check that could not be planned, for status and
// /healthz.
func failRun(tx *bolt.Tx, c planned, now time.Time) error {
	b := tx.Bucket(bucketRuns)
	r := run{Ran: now, Err: c.err.Error()}
	if c.last != nil {
		r.At = c.last.At // the check did not happen: catch-up may still redo it
	}
	return putRecord(b, []byte(c.subscriber), r, encodeRun)
}

// groupCommit writes many small updates in few transactions (see batcher):
// a single send is written at once, and a hundred sends that finish
// together share one write and one fsync. (bbolt's own Batch waits up to
// 10 ms for company even when none comes, which is what every send of a
// lone target would pay.) Each caller returns once its update is on disk.
type groupCommit struct {
	b batcher[*groupUpdate]
}

type groupUpdate struct {
	fn   func(*bolt.Tx) error
	done chan error
}

func (g *groupCommit) do(db *bolt.DB, fn func(*bolt.Tx) error) error {
	u := &groupUpdate{fn: fn, done: make(chan error, 1)}
	g.b.add(u, func(batch []*groupUpdate) { commit(db, batch) })
	return <-u.done
}

// batcher hands what its callers add to write in batches, without a timer:
// the first caller to find no write under way writes what is queued then,
// and whoever adds meanwhile is written together in the next round, by a
// new leader, so that no caller stays writing for others after its own is
// done. The state file's group commit and the database's batched outcomes
// (pgRecords) both use it.
type batcher[T any] struct {
	mu      sync.Mutex
	queue   []T
	running bool
}

func (b *batcher[T]) add(item T, write func([]T)) {
	b.mu.Lock()
	b.queue = append(b.queue, item)
	lead := !b.running
	b.running = true
	b.mu.Unlock()
	if lead {
		b.lead(write)
	}
}

func (b *batcher[T]) lead(write func([]T)) {
	b.mu.Lock()
	batch := b.queue
	b.queue = nil
	b.mu.Unlock()
	write(batch)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) == 0 {
		b.running = false
		return
	}
	go b.lead(write)
}

// commit runs a batch of updates in one transaction. When one of them
// fails, the transaction is rolled back and each is run in one of its own,
// so that one bad update fails alone.
func commit(db *bolt.DB, batch []*groupUpdate) {
	failed := -1
	err := update(db, func(tx *bolt.Tx) error {
		for i, u := range batch {
			if err := u.fn(tx); err != nil {
				failed = i
				return err
			}
		}
		return nil
	})
	if err == nil || failed < 0 || len(batch) == 1 {
		for _, u := range batch {
			u.done <- err
		}
		return
	}
	for _, u := range batch {
		u.done <- update(db, u.fn)
	}
}

// update is db.Update with a panic (a bug, a damaged page) turned into the
// update's error: the callers waiting for a group commit must hear of it,
// and the commits after it must still run.
func update(db *bolt.DB, fn func(*bolt.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write state: %v", r)
		}
	}()
	return db.Update(fn)
}
