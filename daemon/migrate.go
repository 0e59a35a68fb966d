package daemon

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// buildIndexes indexes every message of the outbox: the migration from a
// state file of schema 1, which had no indexes. A message that cannot be
// read is left out of them.
func buildIndexes(tx *bolt.Tx) error {
	return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return nil // not a key hoursd writes
		}
		d, err := decodeMessageV2(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return nil
		}
		return index(tx, &d)
	})
}

// migrateBatch is how many records one transaction of the migration to
// schema 3 rewrites: the migration of a large state holds a batch in
// memory, not the whole file, and a crash keeps what the batches before it
// did (a variable for the tests).
var migrateBatch = 4096

// keyMigrate (in the meta bucket) is how far the migration to schema 3 has
// come: the step (one byte) and the last key it rewrote. It is written in
// the same transaction as the batch, so a migration cut short by a crash
// goes on where it stopped, and no record is read twice in a format it no
// longer has.
var keyMigrate = []byte("migrate3")

// migrateFault, in tests, fails the migration's batch it returns an error
// for, as a crash there would: the batch is not written.
var migrateFault func(step, batch int) error

// migrateStep rewrites one bucket's records from schema 2 into schema 3.
type migrateStep struct {
	bucket []byte
	conv   func(tx *bolt.Tx, k, v []byte) ([]byte, error)
}

// migrationTo3 rewrites the status records first: the outbox's step writes
// a status record in schema 3 for each message that had none.
var migrationTo3 = []migrateStep{
	{bucketStatus, func(_ *bolt.Tx, _, v []byte) ([]byte, error) {
		st, err := decodeStatusV2(v)
		if err != nil {
			return nil, err
		}
		return encodeStatus(st)
	}},
	{bucketRuns, func(_ *bolt.Tx, _, v []byte) ([]byte, error) {
		r, err := decodeRunV2(v)
		if err != nil {
			return nil, err
		}
		return encodeRun(*r)
	}},
	{bucketAnnouncements, func(_ *bolt.Tx, _, v []byte) ([]byte, error) {
		a, err := decodeAnnouncementV2(v)
		if err != nil {
			return nil, err
		}
		return encodeAnnouncement(a)
	}},
	{bucketOutbox, func(tx *bolt.Tx, k, v []byte) ([]byte, error) {
		if len(k) != 8 {
			return nil, errors.New("not a message key")
		}
		d, err := decodeMessageV2(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return nil, err
		}
		// Schema 2 kept where a message stands in its outbox record too
		// (and only there, for one queued by schema 1).
		sb := tx.Bucket(bucketStatus)
		if sb.Get(k) == nil {
			st := deliveryStatus{State: d.State, Attempts: d.Attempts, LastError: d.LastError, Updated: d.Updated, SentAt: d.SentAt}
			if err := putRecord(sb, k, st, encodeStatus); err != nil {
				return nil, err
			}
		}
		return encodeMessage(&d)
	}},
}

// migrateRecords rewrites the records of a state of schema 2 in the form of
// schema 3 (records.go), a batch per transaction, and then marks the state
// as schema 3. A record that cannot be read is left as it is: the reads of
// schema 3 find it unreadable and move it to the quarantine, as they would
// have before.
func (s *Store) migrateRecords() error {
	// The schema says 3 from the first batch on, so that the hoursd of
	// schema 2 refuses the state rather than misread the records already
	// rewritten (and a read-only look sees keyMigrate and says so).
	err := s.db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if m.Get(keyMigrate) == nil {
			if err := m.Put(keyMigrate, []byte{0}); err != nil {
				return err
			}
		}
		return m.Put(keySchema, []byte(schemaVersion))
	})
	if err != nil {
		return fmt.Errorf("migrate to schema %s: %w", schemaVersion, err)
	}
	for i, step := range migrationTo3 {
		for batch, done := 0, false; !done; batch++ {
			err := s.db.Update(func(tx *bolt.Tx) error {
				m := tx.Bucket(bucketMeta)
				var after []byte
				if at := m.Get(keyMigrate); len(at) > 0 {
					switch {
					case int(at[0]) > i:
						done = true
						return nil
					case int(at[0]) == i && len(at) > 1:
						after = bytes.Clone(at[1:])
					}
				}
				b := tx.Bucket(step.bucket)
				c := b.Cursor()
				k, v := c.First()
				if after != nil {
					if k, v = c.Seek(after); bytes.Equal(k, after) {
						k, v = c.Next()
					}
				}
				var keys, vals [][]byte
				var last []byte // the last key passed, records or not
				for n := 0; k != nil && n < migrateBatch; k, v = c.Next() {
					n++
					last = bytes.Clone(k)
					if v != nil { // nil: a nested bucket, which hoursd never makes
						keys, vals = append(keys, last), append(vals, bytes.Clone(v))
					}
				}
				if migrateFault != nil {
					if err := migrateFault(i, batch); err != nil {
						return err
					}
				}
				for j, k := range keys {
					nv, err := step.conv(tx, k, vals[j])
					if err != nil {
						continue // unreadable: left for the quarantine
					}
					if err := b.Put(k, nv); err != nil {
						return err
					}
				}
				if k == nil {
					done = true
					return m.Put(keyMigrate, []byte{byte(i + 1)})
				}
				return m.Put(keyMigrate, append([]byte{byte(i)}, last...))
			})
			if err != nil {
				return fmt.Errorf("migrate to schema %s: %w", schemaVersion, err)
			}
		}
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if err := m.Delete(keyMigrate); err != nil {
			return err
		}
		return m.Put(keySchema, []byte(schemaVersion))
	})
}

// compactSuffix names the fresh copy of the state that compact writes
// beside it.
const compactSuffix = ".compact"

// compactTxSize is how much one transaction of compact copies: the copy of
// a large state holds this much in memory, not the whole file.
const compactTxSize = 8 << 20

// compact copies the state into a fresh file with bbolt's Compact, every
// page filled, and renames the copy over the state file; the caller then
// closes this one and opens the copy. A crash before the rename leaves the
// state as it was (the copy is removed at the next start); the rename
// itself is atomic. Another hoursd that waits for the lock meanwhile gets
// the old file's when it is let go, finds that the path names another file
// now, and opens that (see openLocked); one that comes between the rename
// and the caller's opening of the copy holds the copy first, and this
// hoursd stops as one that found its state in use.
func (s *Store) compact() error {
	tmp := s.path + compactSuffix
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: s.db.NoSync})
	if err != nil {
		return fmt.Errorf("compact state %s: %w", s.path, err)
	}
	if err := bolt.Compact(dst, s.db, compactTxSize); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact state %s: %w", s.path, err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact state %s: %w", s.path, err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact state %s: %w", s.path, err)
	}
	if d, err := os.Open(filepath.Dir(s.path)); err == nil {
		d.Sync() // the rename on disk before the old file is let go
		d.Close()
	}
	return nil
}
