package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
	bolt "go.etcd.io/bbolt"
)

func TestSecondInstanceRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := OpenStore(dir, StoreOptions{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	_, err = OpenStore(dir, StoreOptions{LockTimeout: 100 * time.Millisecond})
	var inUse *InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, ErrInUse) {
		t.Fatalf("second OpenStore = %v, want an *InUseError", err)
	}
	want := fmt.Sprintf("state %s is in use by another hoursd (pid %d)", filepath.Join(dir, "hoursd.db"), os.Getpid())
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("second OpenStore: %q, want it to start %q", err, want)
	}
	// Status reads beside a running hoursd are refused the same way: bbolt's
	// shared lock waits for the exclusive one.
	if _, err := OpenStore(dir, StoreOptions{ReadOnly: true, LockTimeout: 100 * time.Millisecond}); !errors.Is(err, ErrInUse) {
		t.Errorf("read-only OpenStore beside a running hoursd = %v, want ErrInUse", err)
	}

	first.Close()
	again, err := OpenStore(dir, StoreOptions{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("OpenStore after the first closed: %v", err)
	}
	again.Close()
}

func TestDamagedStateMovedAside(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(t *testing.T, path string)
		message string
	}{
		{"meta pages overwritten", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte(strings.Repeat("hoursd!", 2000)), 0); err != nil {
				t.Fatal(err)
			}
		}, "invalid database"},
		{"truncated in its header", func(t *testing.T, path string) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		}, "invalid database"},
		{"truncated after its header", func(t *testing.T, path string) {
			if err := os.Truncate(path, 2*4096); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"random bytes", func(t *testing.T, path string) {
			b := make([]byte, 50000)
			rand.NewChaCha8([32]byte{5}).Read(b)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "invalid database"},
		{"a state with a year of messages, cut in half", func(t *testing.T, path string) {
			fill(t, filepath.Dir(path))
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"not a database", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("state_dir: /var/lib/hoursd\n", 1000)), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "invalid database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			now := func() time.Time { return time.Date(2026, 4, 29, 16, 0, 0, 0, time.UTC) }
			s, err := OpenStore(dir, StoreOptions{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			tt.damage(t, filepath.Join(dir, "hoursd.db"))

			s, err = OpenStore(dir, StoreOptions{Now: now})
			if err != nil {
				t.Fatalf("OpenStore on a damaged file = %v, want a fresh state", err)
			}
			defer s.Close()
			wantAside := filepath.Join(dir, "hoursd.db.corrupt-20260429T160000Z")
			if s.MovedAside != wantAside {
				t.Errorf("MovedAside = %q, want %q", s.MovedAside, wantAside)
			}
			if s.Damage == nil || !strings.Contains(s.Damage.Error(), tt.message) {
				t.Errorf("Damage = %v, want it to say %q", s.Damage, tt.message)
			}
			if _, err := os.Stat(wantAside); err != nil {
				t.Errorf("the damaged file was not kept: %v", err)
			}
			if err := s.Ping(); err != nil {
				t.Errorf("the fresh state does not answer: %v", err)
			}
		})
	}
}

func TestSchemaVersionRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("99")) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenStore(dir, StoreOptions{})
	if err == nil {
		s.Close()
		t.Fatal("OpenStore of a state with schema 99 succeeded, want it refused")
	}
	if se, ok := errors.AsType[*SchemaError](err); !ok || se.Version != "99" || !strings.Contains(err.Error(), `schema version "99"`) {
		t.Errorf("OpenStore = %v, want a SchemaError naming version 99", err)
	}
	// Refused, not taken for damage: the file stays where it is, and
	// nothing is moved aside.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "corrupt") {
			t.Errorf("%s was made: a state of a newer hoursd must be left alone", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
		t.Errorf("the state file is gone: %v", err)
	}
}

// A state file of schema 1 (no indexes, where each message stands kept in
// its outbox record) is migrated at open, through schema 2 to 3: its
// pending messages are found through the new index, each message stands as
// it did, and its old finished ones are pruned through the due index.
func TestSchemaMigration(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, StoreOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 4, 30, 0, 0, 0, 0, stockholm)
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketPending, bucketDue} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		ob := tx.Bucket(bucketOutbox)
		for _, d := range []Delivery{
			{ID: 1, Target: "anna/mail/anna@example.com", State: StateSent, Due: due.AddDate(0, -3, 0)},
			{ID: 2, Target: "anna/mail/anna@example.com", State: StatePending, Due: due, Attempts: 2, LastError: "smtp: 421 try again later"},
			{ID: 3, Target: "bo/mail/bo@example.com", State: StatePending, Due: due},
		} {
			if err := putV2(ob, idKey(d.ID), d); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = OpenStore(dir, StoreOptions{NoSync: true}); err != nil {
		t.Fatalf("OpenStore of a schema 1 state = %v, want it migrated", err)
	}
	defer s.Close()
	if v, _ := s.schemaOf(); v != schemaVersion {
		t.Errorf("schema after migration = %q, want %q", v, schemaVersion)
	}
	if next, err := s.nextPending("anna/mail/anna@example.com", 0, nil); err != nil || next == nil || next.ID != 2 || next.Attempts != 2 || next.LastError == "" {
		t.Errorf("nextPending(anna) = %+v, %v; want message 2, tried twice, with its error", next, err)
	}
	if d, err := s.get(1); err != nil || d == nil || d.State != StateSent {
		t.Errorf("message 1 = %+v, %v; want it sent, as schema 1 kept it", d, err)
	}
	targets, n, err := s.pendingTargets()
	if err != nil || n != 2 || !slices.Equal(targets, []string{"anna/mail/anna@example.com", "bo/mail/bo@example.com"}) {
		t.Errorf("pendingTargets() = %q, %d, %v; want anna and bo, 2 messages", targets, n, err)
	}
	if err := s.prune(schedule.DateOf(due.AddDate(0, -1, 0)), stockholm); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.get(1); d != nil {
		t.Errorf("message 1, sent three months ago, was kept by prune")
	}
	if d, _ := s.get(2); d == nil {
		t.Errorf("message 2, pending, was pruned")
	}
}

// fill writes a year's worth of outbox messages into the state in dir, so
// that it spans many pages.
func fill(t *testing.T, dir string) {
	t.Helper()
	s, err := OpenStore(dir, StoreOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.db.Update(func(tx *bolt.Tx) error {
		for i := range 365 {
			d := Delivery{ID: uint64(i + 1), Subscriber: "anna", Target: "anna/mail/0", Body: strings.Repeat("Valborgsmässoafton 08:00–11:30. ", 20)}
			if err := putRecord(tx.Bucket(bucketOutbox), idKey(d.ID), &d, encodeMessage); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEmptyStateFile: an empty state file (a crash in the very first start,
// or a wiped one) is said to be empty: read-only it is refused with that
// reason, and a hoursd that writes starts a fresh store in it and says so.
func TestEmptyStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hoursd.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := OpenStore(dir, StoreOptions{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "the file is empty (the state file is damaged") {
		t.Errorf("read-only OpenStore of an empty file = %v, want it called empty and damaged", err)
	}
	s, err := OpenStore(dir, StoreOptions{})
	if err != nil {
		t.Fatalf("OpenStore of an empty file = %v, want a fresh state", err)
	}
	if !s.Emptied || s.Ping() != nil {
		t.Errorf("OpenStore of an empty file: Emptied = %v, Ping = %v; want true and a state that answers", s.Emptied, s.Ping())
	}
	s.Close()
	s, err = OpenStore(dir, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Emptied {
		t.Error("OpenStore of the fresh state again: Emptied = true, want false")
	}
}

// putV2 writes x as schemas 1 and 2 wrote their records: the Go type as
// encoding/json spells it.
func putV2(b *bolt.Bucket, key []byte, x any) error {
	v, err := json.Marshal(x)
	if err != nil {
		return err
	}
	return b.Put(key, v)
}
