package schedule

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
)

// TestCatalogueIgnoresTheHostZone computes every catalogue day from 2000 to
// 2100 with rickar/cal's default location (time.Local in the library, UTC
// once schedule's init has run) set to zones whose clocks skip midnight: the
// dates must be those of UTC. In Atlantic/Azores the clocks go from 00:00 to
// 01:00 on the last Sunday of March, which is Easter Sunday in 2027.
func TestCatalogueIgnoresTheHostZone(t *testing.T) {
	saved := cal.DefaultLoc
	t.Cleanup(func() { cal.DefaultLoc = saved })
	cal.DefaultLoc = time.UTC
	want := map[string][]Date{}
	for _, id := range CatalogueIDs() {
		for y := 2000; y <= 2100; y++ {
			d, _ := CatalogueDate(id, y)
			want[id] = append(want[id], d)
		}
	}
	for _, zone := range []string{"Europe/Stockholm", "Atlantic/Azores", "America/Scoresbysund", "America/Havana", "Pacific/Apia"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			cal.DefaultLoc = loc
			for _, id := range CatalogueIDs() {
				for i, w := range want[id] {
					if got, _ := CatalogueDate(id, 2000+i); got != w {
						t.Errorf("CatalogueDate(%s, %d) with the host in %s = %v (%v), want %v (%v)", id, 2000+i, zone, got, got.Weekday(), w, w.Weekday())
					}
				}
			}
		})
	}
}

// TestCatalogueOnHostsWhoseClocksSkipMidnight runs the catalogue's own test
// again in a process whose local zone skips midnight on some holidays
// (Atlantic/Azores: Easter Sunday 2027; Pacific/Kiritimati: all of
// 31 December 1994): hoursd's dates must not depend on the host's zone.
func TestCatalogueOnHostsWhoseClocksSkipMidnight(t *testing.T) {
	if os.Getenv("HOURSD_ZONE_CHILD") != "" {
		t.Skip("already in the child process")
	}
	for _, zone := range []string{"Atlantic/Azores", "Pacific/Kiritimati", "America/Havana"} {
		t.Run(zone, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCatalogueDates$", "-test.count=1")
			cmd.Env = append(os.Environ(), "TZ="+zone, "HOURSD_ZONE_CHILD=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("TestCatalogueDates with TZ=%s: %v\n%s", zone, err, out)
			}
		})
	}
}
