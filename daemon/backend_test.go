package daemon

import (
	"context"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hoursd/hoursd/schedule"
)

// announcedDates lists the dates of every announcement the state keeps,
// whichever backend holds it.
func announcedDates(t *testing.T, d *Daemon) []schedule.Date {
	t.Helper()
	var out []schedule.Date
	switch st := d.store.(type) {
	case *Store:
		err := st.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketAnnouncements).ForEach(func(k, _ []byte) error {
				key, err := parseAnnKey(k)
				out = append(out, key.Date)
				return err
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	case *pgStore:
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		rows, err := st.pool.Query(ctx, `SELECT date::text FROM announcements`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			day, err := time.Parse(time.DateOnly, s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, schedule.DateOf(day))
		}
	default:
		t.Fatalf("no state")
	}
	return out
}
