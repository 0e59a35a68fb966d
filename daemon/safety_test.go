package daemon

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/notifier"
)

// While a message is retried for hours, status already says how many
// attempts were made and why they failed: "why did nothing arrive?" is
// answered while it matters, not when the retries end.
func TestRetriesShowInStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(t.TempDir(), kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com"))
		s := &sim{t: t, clock: &fakeClock{}}
		opts := s.options()
		opts.Now = time.Now
		opts.Sleep = nil // the daemon's own waits, in the bubble's fake time
		opts.Watchdog = func() (time.Duration, error) { return 0, nil }
		attempts := make(chan struct{}, 1000)
		opts.SenderFor = func(*config.Config, config.Target) (notifier.Sender, error) { return downSender{attempts}, nil }
		d, stop := running(t, cfg, opts)
		time.Sleep(until(t, "2000-01-05 19:00")) // an hour into the retries of Trettondedag jul's eve
		synctest.Wait()
		st, err := d.Status()
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Pending) != 1 {
			t.Fatalf("pending an hour into the retries = %d messages, want 1", len(st.Pending))
		}
		p := st.Pending[0]
		if made := len(attempts); p.Attempts < 2 || p.Attempts != made {
			t.Errorf("status says %d attempts an hour into the retries; %d were made", p.Attempts, made)
		}
		if !strings.Contains(p.LastError, "503 service unavailable") {
			t.Errorf("status's last error = %q, want the channel's 503", p.LastError)
		}
		if p.Updated.Before(at(t, "2000-01-05 18:30")) {
			t.Errorf("status's last update = %s, want the latest attempt's time", p.Updated.In(stockholm).Format(time.DateTime))
		}
		if err := stop(); err != nil {
			t.Fatalf("Run = %v", err)
		}
	})
}

// A record of the state that cannot be read — an announcement, a run, an
// outbox message — is moved to the quarantine with its raw bytes, reported
// once, and blocks nothing: the subscriber's checks go on, status answers.
func TestUnreadableRecordsQuarantined(t *testing.T) {
	anna := subscriber("anna", []int{7, 1}, "mail:anna@example.com")
	bo := subscriber("bo", []int{1}, "mail:bo@example.com")
	s := newSim(t, testConfig(t.TempDir(), kundcenter2026(t), anna, bo), at(t, "2026-04-22 12:00"))
	s.box.setDown("bo@example.com", true)
	s.runUntil(at(t, "2026-04-23 20:00"), nil) // anna hears of Valborg a week ahead; bo's channel is down… and he is told nothing yet
	s.runUntil(at(t, "2026-04-24 20:00"), nil)

	// Damage one record of each kind.
	garbage := []byte("\x00{not json")
	var damagedAnn, damagedMsg []byte
	err := s.d.store.(*Store).db.Update(func(tx *bolt.Tx) error {
		a := tx.Bucket(bucketAnnouncements)
		prefix := annPrefix("anna", "anna/mail/anna@example.com")
		c := a.Cursor()
		k, _ := c.Seek(prefix)
		if k == nil || !strings.HasPrefix(string(k), string(prefix)) {
			t.Fatal("anna was told nothing")
		}
		damagedAnn = append([]byte(nil), k...)
		if err := a.Put(damagedAnn, garbage); err != nil {
			return err
		}
		if err := tx.Bucket(bucketRuns).Put([]byte("bo"), garbage); err != nil {
			return err
		}
		k, _ = tx.Bucket(bucketOutbox).Cursor().First()
		damagedMsg = append([]byte(nil), k...)
		return tx.Bucket(bucketOutbox).Put(damagedMsg, garbage)
	})
	if err != nil {
		t.Fatal(err)
	}

	st, err := s.d.Status()
	if err != nil {
		t.Fatalf("Status with damaged records = %v, want an answer", err)
	}
	// Status reads the runs and the outbox (not the announcements): the
	// two it found are moved aside and named.
	if st.Quarantined != 2 || !strings.Contains(st.Problem, "2 record(s)") || strings.Contains(st.Problem, "panic") {
		t.Errorf("status: quarantined %d, problem %q; want the 2 records it read named", st.Quarantined, st.Problem)
	}
	// The checks go on: bo's channel is back and he hears of Valborg the
	// evening before; anna still gets her eve reminder.
	s.box.setDown("bo@example.com", false)
	s.runUntil(at(t, "2026-04-29 20:00"), nil)
	var bo29, anna29 bool
	for _, g := range s.box.got {
		if d := g.when.In(stockholm).Format(time.DateOnly); d == "2026-04-29" && strings.Contains(g.line, "2026-04-30 day") {
			bo29 = bo29 || g.target == "bo@example.com"
			anna29 = anna29 || g.target == "anna@example.com"
		}
	}
	if !bo29 || !anna29 {
		t.Errorf("on Valborg's eve bo told %v, anna told %v; want both, damaged records or not (got %q)", bo29, anna29, s.box.lines())
	}
	if st, err = s.d.Status(); err != nil || st.Quarantined != 3 {
		t.Errorf("status after the checks: quarantined %d (%v), want the damaged announcement too: 3", st.Quarantined, err)
	}
	// The raw bytes are kept.
	err = s.d.store.(*Store).db.View(func(tx *bolt.Tx) error {
		q := tx.Bucket(bucketQuarantine)
		for _, k := range [][]byte{
			append([]byte(string(bucketAnnouncements)+keySep), damagedAnn...),
			[]byte(string(bucketRuns) + keySep + "bo"),
			append([]byte(string(bucketOutbox)+keySep), damagedMsg...),
		} {
			prefix := append(k, keySep...) // then a sequence number
			qk, v := q.Cursor().Seek(prefix)
			if !bytes.HasPrefix(qk, prefix) || string(v) != string(garbage) {
				t.Errorf("quarantine[%q…] = %q, want the damaged record's bytes", prefix, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A state file that bbolt made but hoursd never set up (a crash between the
// two at the very first start) is read by status and dry runs as "nothing
// told yet", never with a panic.
func TestReadOnlyBareState(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	cfg := testConfig(dir, kundcenter2026(t), subscriber("anna", []int{1}, "mail:anna@example.com"))
	s := &sim{t: t, clock: &fakeClock{t: at(t, "2026-04-29 12:00")}}
	d, err := NewReadOnly(cfg, s.options())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Status(); err != nil {
		t.Errorf("Status of a bare state = %v, want an answer", err)
	}
	rep := d.Check(t.Context(), at(t, "2026-04-29 18:00"), true, 0)
	if len(rep.Errors) > 0 || len(rep.Messages) != 1 {
		t.Errorf("dry check on a bare state = %d messages, errors %v; want Valborg's one", len(rep.Messages), rep.Errors)
	}
}

// A commit that panics fails its callers with an error and leaves the group
// commit working: every later outcome is still written.
func TestGroupCommitSurvivesPanic(t *testing.T) {
	s, err := OpenStore(t.TempDir(), StoreOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.group.do(s.db, func(*bolt.Tx) error { panic("a damaged page") }); err == nil || !strings.Contains(err.Error(), "a damaged page") {
		t.Errorf("a panicking update = %v, want its error", err)
	}
	done := make(chan error)
	go func() {
		done <- s.group.do(s.db, func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte("k"), []byte("v")) })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the update after a panic = %v, want it written", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the update after a panic never returned: the group commit hangs")
	}
}
