package daemon

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/schedule"
)

// schema2 is a copy of testdata/schema2.db, written by the last hoursd of
// schema 2 (see testdata/make-schema2.sh), in a directory of its own.
func schema2(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "schema2.db"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dbFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The targets of testdata/schema2.db, by subscriber.
var schema2Targets = map[string][]string{"anna": {"anna/ok", "anna/down"}, "bo": {"bo/refuses"}, "cilla": {"cilla/ok"}}

// stateSnapshot is everything a state file tells hoursd, as JSON that does
// not depend on how the records are spelled on disk: the outbox with where
// each message stands, what each target was told, each subscriber's last
// check, the targets with pending messages.
type stateSnapshot struct {
	Messages      []Delivery
	Announcements map[string]map[string]*announcement
	Runs          map[string]*run
	Pending       []string
	Quarantined   int
}

func snapshotOf(t *testing.T, s *Store) stateSnapshot {
	t.Helper()
	var snap stateSnapshot
	var err error
	if snap.Messages, err = s.deliveries(func(*Delivery) bool { return true }); err != nil {
		t.Fatal(err)
	}
	subs := slices.Sorted(func(yield func(string) bool) {
		for s := range schema2Targets {
			if !yield(s) {
				return
			}
		}
	})
	if snap.Runs, err = s.lastRuns(subs); err != nil {
		t.Fatal(err)
	}
	snap.Announcements = map[string]map[string]*announcement{}
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, sub := range subs {
			for _, target := range schema2Targets[sub] {
				m := map[string]*announcement{}
				for k, a := range s.announcementsOf(tx, sub, target) {
					m[string(k.bytes())] = a
				}
				snap.Announcements[target] = m
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Pending, _, err = s.pendingTargets(); err != nil {
		t.Fatal(err)
	}
	snap.Quarantined = s.quarantined()
	return snap
}

// schemaIn reads the schema version of the state file in dir with bbolt
// alone.
func schemaIn(t *testing.T, dir string) string {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get(keySchema))
		return nil
	})
	return v
}

// readOnlySnapshot is the state in dir as a read-only look (hoursd status)
// reads it, writing nothing.
func readOnlySnapshot(t *testing.T, dir string) stateSnapshot {
	t.Helper()
	ro, err := OpenStore(dir, StoreOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	return snapshotOf(t, ro)
}

// canonical is the snapshot as JSON, with every "closed" day spelled one
// way: schema 2 kept a closed day of a week as [] and a closed change as
// null, which hoursd reads alike (schedule.Hours.Closed, Equal).
func (snap stateSnapshot) canonical(t *testing.T) string {
	t.Helper()
	norm := func(c *schedule.Change) {
		if c == nil {
			return
		}
		for _, h := range []*schedule.Hours{&c.Hours, &c.Regular} {
			if len(*h) == 0 {
				*h = nil
			}
		}
		for i := range c.Weekly {
			if len(c.Weekly[i]) == 0 {
				c.Weekly[i] = nil
			}
			if len(c.RegularWeekly[i]) == 0 {
				c.RegularWeekly[i] = nil
			}
		}
	}
	for _, m := range snap.Messages {
		for i := range m.Items {
			norm(&m.Items[i].Change)
			norm(m.Items[i].Previous)
		}
	}
	for _, m := range snap.Announcements {
		for _, a := range m {
			norm(a.Current)
		}
	}
	b, err := json.MarshalIndent(snap, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A state file of schema 2 reads the same after its migration to schema 3
// as before it, record for record: read before by a read-only look (which
// reads schema 2 as it is and writes nothing), after by the hoursd that
// migrated it, and again by a read-only look at schema 3.
func TestMigrateSchema2(t *testing.T) {
	dir := schema2(t)
	before := readOnlySnapshot(t, dir)
	checkSchema2Fixture(t, before)

	s, err := OpenStore(dir, StoreOptions{NoSync: true})
	if err != nil {
		t.Fatalf("opening the schema 2 state = %v, want it migrated", err)
	}
	if v, _ := s.schemaOf(); v != schemaVersion {
		t.Errorf("schema after migration = %q, want %q", v, schemaVersion)
	}
	if s.migrating() {
		t.Error("the migration left its mark in the state")
	}
	// The migrated state was copied into a compact file, which took the
	// old one's place.
	if !s.Migrated || s.CompactErr != nil {
		t.Errorf("Migrated, CompactErr = %v, %v; want a migration and its compact copy", s.Migrated, s.CompactErr)
	}
	fixture, _ := os.Stat(filepath.Join("testdata", "schema2.db"))
	if fi, err := os.Stat(filepath.Join(dir, dbFile)); err != nil || fi.Size() >= fixture.Size() {
		t.Errorf("the migrated state file: %v, %v; want it smaller than the %d bytes of schema 2", fi, err, fixture.Size())
	}
	if _, err := os.Stat(filepath.Join(dir, dbFile+compactSuffix)); err == nil {
		t.Error("the compact copy was left beside the state")
	}
	after := snapshotOf(t, s)
	if got, want := after.canonical(t), before.canonical(t); got != want {
		t.Errorf("the state after migration differs:\n--- after\n%s\n--- before\n%s", got, want)
	}
	// Every record is in the form of schema 3 now: none of them is JSON.
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketOutbox, bucketAnnouncements, bucketRuns, bucketStatus} {
			n := 0
			tx.Bucket(b).ForEach(func(k, v []byte) error {
				n++
				if json.Valid(v) {
					t.Errorf("%s %q is still JSON: %s", b, k, v)
				}
				return nil
			})
			if n == 0 {
				t.Errorf("%s is empty after the migration", b)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	if got, want := readOnlySnapshot(t, dir).canonical(t), before.canonical(t); got != want {
		t.Errorf("a read-only look at the migrated state differs:\n--- after\n%s\n--- before\n%s", got, want)
	}
}

// checkSchema2Fixture makes sure the fixture holds every kind of record the
// migration must carry over, so that the comparison means something.
func checkSchema2Fixture(t *testing.T, snap stateSnapshot) {
	t.Helper()
	has := map[string]bool{}
	for _, m := range snap.Messages {
		has["message "+string(m.State)] = true
		if m.State == StatePending && m.Attempts > 0 && m.LastError != "" {
			has["message pending after attempts"] = true
		}
		if m.State == StatePending && m.Attempts == 0 {
			has["message pending never tried"] = true
		}
		for _, it := range m.Items {
			has["item "+string(it.Status)] = true
			if it.Previous != nil {
				has["item with what was told before"] = true
			}
			if it.Change.Kind == schedule.KindPeriodStart && !it.Change.Weekly.Equal(schedule.Week{}) && !it.Change.Until.IsZero() {
				has["period start with its week and end"] = true
			}
		}
	}
	for _, m := range snap.Announcements {
		for _, a := range m {
			if a.Current == nil {
				has["announcement cancelled"] = true
			}
			if len(a.Offsets) > 1 {
				has["announcement told twice ahead"] = true
			}
		}
	}
	if len(snap.Runs) == 3 {
		has["a run per subscriber"] = true
	}
	if len(snap.Pending) > 0 {
		has["pending index"] = true
	}
	for _, want := range []string{
		"message sent", "message failed", "message pending after attempts", "message pending never tried",
		"item " + string(notifier.StatusNew), "item " + string(notifier.StatusCorrection), "item " + string(notifier.StatusCancellation),
		"item with what was told before", "period start with its week and end",
		"announcement cancelled", "announcement told twice ahead", "a run per subscriber", "pending index",
	} {
		if !has[want] {
			t.Errorf("testdata/schema2.db holds no %s (read as schema 2)", want)
		}
	}
	if snap.Quarantined != 0 {
		t.Errorf("%d record(s) of testdata/schema2.db could not be read as schema 2", snap.Quarantined)
	}
}

// A migration cut short (a crash between two of its batches) leaves a
// state that a read-only look refuses with a clear message rather than
// misreading, and that the next start finishes: nothing is lost, nothing
// read twice, nothing moved aside as damaged.
func TestMigrateCutShort(t *testing.T) {
	dir := schema2(t)
	before := readOnlySnapshot(t, dir).canonical(t)

	defer func(n int) { migrateBatch, migrateFault = n, nil }(migrateBatch)
	migrateBatch = 3
	crash := errors.New("the power went")
	for _, at := range [][2]int{{0, 1}, {2, 2}, {3, 4}} { // status, announcements, outbox: each cut in its middle
		migrateFault = func(step, batch int) error {
			if step == at[0] && batch == at[1] {
				return crash
			}
			return nil
		}
		s, err := OpenStore(dir, StoreOptions{NoSync: true})
		if err == nil {
			s.Close()
			t.Fatalf("fault at step %d batch %d: the migration did not fail", at[0], at[1])
		}
		if !errors.Is(err, crash) {
			t.Fatalf("OpenStore = %v, want the fault", err)
		}
		// The hoursd of schema 2 refuses a schema it does not know: the
		// records already rewritten are never read as JSON.
		if v := schemaIn(t, dir); v != schemaVersion {
			t.Errorf("schema of a state migrated in part = %q, want %q, which schema 2 refuses", v, schemaVersion)
		}
		if _, err := OpenStore(dir, StoreOptions{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "migration to schema 3 was cut short") {
			t.Errorf("a read-only look at a state migrated in part = %v, want it refused as such", err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "corrupt") {
			t.Errorf("%s was made: a migration cut short is no damage", e.Name())
		}
	}
	migrateFault = nil
	s, err := OpenStore(dir, StoreOptions{NoSync: true})
	if err != nil {
		t.Fatalf("opening after the migration was cut short = %v, want it finished", err)
	}
	defer s.Close()
	if got := snapshotOf(t, s).canonical(t); got != before {
		t.Errorf("the state after a migration cut short three times differs:\n--- after\n%s\n--- before\n%s", got, before)
	}
}

// A record of schema 2 that cannot be read is left as it is by the
// migration, and the reads of schema 3 move it to the quarantine, as they
// would have before: the rest of the state is migrated.
func TestMigrateKeepsUnreadable(t *testing.T) {
	dir := schema2(t)
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	garbage := []byte(`{"offsets":[1],"current":{"Date":`)
	key := []byte("cilla\x1fcilla/ok\x1fkundcenter\x1f2027-04-30\x1fday")
	err = db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketAnnouncements).Get(key) == nil {
			t.Fatalf("testdata/schema2.db has no announcement %q", key)
		}
		return tx.Bucket(bucketAnnouncements).Put(key, garbage)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenStore(dir, StoreOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap := snapshotOf(t, s)
	if _, ok := snap.Announcements["cilla/ok"][string(key)]; ok {
		t.Errorf("the unreadable announcement was read")
	}
	if len(snap.Announcements["cilla/ok"]) == 0 || len(snap.Messages) == 0 {
		t.Errorf("the rest of the state was not migrated: %d of cilla's announcements, %d messages", len(snap.Announcements["cilla/ok"]), len(snap.Messages))
	}
	moved, err := s.quarantine()
	if err != nil || len(moved) != 1 || moved[0].Bucket != string(bucketAnnouncements) || string(moved[0].raw) != string(garbage) {
		t.Errorf("quarantine() = %+v, %v; want the unreadable announcement, as it was", moved, err)
	}
}

// A compact copy that cannot be made (here its path is taken by a
// directory) leaves the migrated state as it is: hoursd runs on it, and
// says why it is larger than it need be.
func TestMigrateCompactFails(t *testing.T) {
	dir := schema2(t)
	before := readOnlySnapshot(t, dir).canonical(t)
	blocker := filepath.Join(dir, dbFile+compactSuffix)
	if err := os.MkdirAll(filepath.Join(blocker, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := OpenStore(dir, StoreOptions{NoSync: true})
	if err != nil {
		t.Fatalf("OpenStore = %v, want the migrated state without its compact copy", err)
	}
	defer s.Close()
	if !s.Migrated || s.CompactErr == nil {
		t.Errorf("Migrated, CompactErr = %v, %v; want a migration and the copy's failure", s.Migrated, s.CompactErr)
	}
	if v, _ := s.schemaOf(); v != schemaVersion {
		t.Errorf("schema = %q, want %q", v, schemaVersion)
	}
	if got := snapshotOf(t, s).canonical(t); got != before {
		t.Errorf("the state migrated without its copy differs:\n--- after\n%s\n--- before\n%s", got, before)
	}
}

// A hoursd that opened the state file just before another renamed a
// compact copy over it (and so gets the lock of the file replaced) lets it
// go and opens the copy: two hoursd never write to two files each thinks
// is the state.
func TestOpenFollowsRename(t *testing.T) {
	dir := t.TempDir()
	path, copyPath := filepath.Join(dir, dbFile), filepath.Join(dir, dbFile+compactSuffix)
	for _, f := range []struct{ path, which string }{{path, "replaced"}, {copyPath, "copy"}} {
		db, err := bolt.Open(f.path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			return b.Put([]byte("which"), []byte(f.which))
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	defer func() { openStateFile = os.OpenFile }()
	renamed := false
	openStateFile = func(name string, flag int, mode os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, mode)
		if !renamed { // the other hoursd's compact copy takes the path now
			renamed = true
			if err := os.Rename(copyPath, path); err != nil {
				t.Fatal(err)
			}
		}
		return f, err
	}
	db, err := openLocked(path, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var which string
	db.View(func(tx *bolt.Tx) error {
		which = string(tx.Bucket(bucketMeta).Get([]byte("which")))
		return nil
	})
	if !renamed || which != "copy" {
		t.Errorf("opened the %q file (renamed: %v), want the copy that took the path", which, renamed)
	}
}
