package daemon

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// badRecord is a record of the state that could not be read.
type badRecord struct {
	Bucket string
	Key    []byte
	raw    []byte
	Err    error
}

// badRecords collects what the reads of the state found unreadable, for
// quarantine to move aside. Reads note and go on: one damaged announcement
// must not stop its subscriber's checks for two months, nor one damaged
// message the status.
type badRecords struct {
	mu    sync.Mutex
	list  []badRecord
	gone  [][]byte    // pending-index keys whose message is gone or unreadable
	moved []badRecord // moved to the quarantine, not yet reported
}

// note keeps a copy of an unreadable record (bbolt's slices live only as
// long as their transaction).
func (b *badRecords) note(bucket, key, raw []byte, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.list {
		if r.Bucket == string(bucket) && bytes.Equal(r.Key, key) {
			return
		}
	}
	b.list = append(b.list, badRecord{Bucket: string(bucket), Key: bytes.Clone(key), raw: bytes.Clone(raw), Err: err})
}

func (b *badRecords) dangling(key []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gone = append(b.gone, bytes.Clone(key))
}

func (b *badRecords) take() ([]badRecord, [][]byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	l, d := b.list, b.gone
	b.list, b.gone = nil, nil
	return l, d
}

// addMoved keeps records moved to the quarantine, for takeMoved.
func (b *badRecords) addMoved(rs ...badRecord) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.moved = append(b.moved, rs...)
}

// takeMoved returns the records moved to the quarantine since it was last
// asked, for the caller to report once each.
func (b *badRecords) takeMoved() []badRecord {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.moved
	b.moved = nil
	return m
}

// noted counts what was found and not yet moved (a read-only store, as
// hoursd status beside a stopped daemon has, cannot move anything).
func (b *badRecords) noted() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.list)
}

// quarantine moves the unreadable records found so far into the quarantine
// bucket, raw, under their bucket and key, and returns them with those moved
// earlier (see chunk) and not yet returned. A record that was rewritten since
// it was found (a new run over an unreadable one) is left where it is. A
// read-only store moves nothing.
func (s *Store) quarantine() ([]badRecord, error) {
	err := s.moveBad()
	return s.bad.takeMoved(), err
}

// moveBad moves what the reads found unreadable into the quarantine bucket,
// keeping the moved records for quarantine to return.
func (s *Store) moveBad() error {
	if s.readOnly {
		return nil
	}
	list, dangling := s.bad.take()
	if len(list) == 0 && len(dangling) == 0 {
		return nil
	}
	var moved []badRecord
	err := s.db.Update(func(tx *bolt.Tx) error {
		moved = moved[:0]
		q := tx.Bucket(bucketQuarantine)
		for _, r := range list {
			b := tx.Bucket([]byte(r.Bucket))
			if b == nil || !bytes.Equal(b.Get(r.Key), r.raw) {
				continue
			}
			// Keyed by bucket, key and a sequence number, so that a
			// second unreadable record under the same key keeps the
			// first one's bytes too.
			seq, err := q.NextSequence()
			if err != nil {
				return err
			}
			if err := q.Put(append(append([]byte(r.Bucket+keySep), r.Key...), []byte(keySep+strconv.FormatUint(seq, 10))...), r.raw); err != nil {
				return err
			}
			if err := b.Delete(r.Key); err != nil {
				return err
			}
			moved = append(moved, r)
		}
		p := tx.Bucket(bucketPending)
		for _, k := range dangling {
			id := k[len(k)-8:]
			if d := s.readDelivery(tx, id); d == nil || d.State != StatePending {
				if err := p.Delete(k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.bad.addMoved(moved...)
	return nil
}

// quarantined counts the records in quarantine, and those found unreadable
// that a read-only store could not move there.
func (s *Store) quarantined() int {
	n := s.bad.noted()
	s.db.View(func(tx *bolt.Tx) error {
		if q := tx.Bucket(bucketQuarantine); q != nil { // a read-only state of schema 1 has none
			n += q.Stats().KeyN
		}
		return nil
	})
	return n
}

// KeyText is the record's key as the log shows it: a message's id as its
// number, other keys as they are written (subscriber, target, date …).
func (r badRecord) KeyText() string {
	if (r.Bucket == string(bucketOutbox) || r.Bucket == string(bucketStatus)) && len(r.Key) == 8 {
		return strconv.FormatUint(binary.BigEndian.Uint64(r.Key), 10)
	}
	return strings.ReplaceAll(string(r.Key), keySep, "/")
}
