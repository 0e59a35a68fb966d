package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Damage == nil || !strings.Contains(s.Damage.Error(), `schema version "99"`) {
		t.Errorf("Damage = %v, want the unknown schema named", s.Damage)
	}
}
