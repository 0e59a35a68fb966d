package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// scaleConfig is the configuration bench/scale.sh writes: one schedule,
// one webhook channel, a subject template and n subscribers with one
// target each, in YAML or JSON.
func scaleConfig(n int, format string) string {
	var b strings.Builder
	switch format {
	case "yaml":
		b.WriteString(`timezone: Europe/Stockholm
state_dir: /var/lib/hoursd
log: {level: warn}
http: {listen: ""}
templates: {subject: "{{.Subject}} [{{.Subscriber}}]"}
schedules:
  - id: kundcenter
    title: Försäkringskassan kundcenter
    weekly: {mon-fri: ["08:00-16:00"]}
    holidays: {calendar: se, closed: true}
    named_days:
      - {day: valborgsmassoafton, hours: ["08:00-11:30"]}
channels:
  - {id: hook, type: webhook, url: "http://127.0.0.1:8080/hook"}
subscribers:
`)
		for i := range n {
			fmt.Fprintf(&b, "  - {id: s%d, schedules: [kundcenter], targets: [{channel: hook}]}\n", i)
		}
	case "json":
		b.WriteString(`{"timezone": "Europe/Stockholm", "state_dir": "/var/lib/hoursd",
"log": {"level": "warn"}, "http": {"listen": ""},
"templates": {"subject": "{{.Subject}} [{{.Subscriber}}]"},
"schedules": [{"id": "kundcenter", "title": "Försäkringskassan kundcenter",
  "weekly": {"mon-fri": ["08:00-16:00"]}, "holidays": {"calendar": "se", "closed": true},
  "named_days": [{"day": "valborgsmassoafton", "hours": ["08:00-11:30"]}]}],
"channels": [{"id": "hook", "type": "webhook", "url": "http://127.0.0.1:8080/hook"}],
"subscribers": [
`)
		for i := range n {
			if i > 0 {
				b.WriteString(",\n")
			}
			s, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("s%d", i), "schedules": []string{"kundcenter"}, "targets": []map[string]string{{"channel": "hook"}}})
			b.Write(s)
		}
		b.WriteString("]}\n")
	}
	return b.String()
}

// peakHeap samples the bytes of the heap's objects while it runs and
// returns the largest value seen: what a load costs at its worst, which is
// what the process's peak RSS follows.
type peakHeap struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func startPeakHeap() *peakHeap {
	p := &peakHeap{stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		p.peak = max(p.peak, sample[0].Value.Uint64())
	}
	read()
	p.done.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	})
	return p
}

func (p *peakHeap) end() uint64 {
	close(p.stop)
	p.done.Wait()
	return p.peak
}

// BenchmarkLoad100k loads a file of 100,000 subscribers from disk, as
// `hoursd check` and `hoursd run` do, and reports beside the time and
// allocations the peak of the heap during a load (peak-heap-MB) and what
// the loaded configuration keeps (kept-MB). yaml-general-way reads the
// YAML file without taking its subscribers list apart (see split.go).
func BenchmarkLoad100k(b *testing.B) {
	for _, bench := range []struct {
		name, format string
		whole        bool
	}{{"yaml", "yaml", false}, {"yaml-general-way", "yaml", true}, {"json", "json", false}} {
		format := bench.format
		b.Run(bench.name, func(b *testing.B) {
			name := filepath.Join(b.TempDir(), "config."+format)
			if err := os.WriteFile(name, []byte(scaleConfig(100_000, format)), 0o600); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var peak, kept uint64
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				p := startPeakHeap()
				b.StartTimer()
				l := testLoader(nil, nil)
				l.whole = bench.whole
				cfg, err := l.load(name)
				b.StopTimer()
				pk := p.end()
				peak = max(peak, pk-min(pk, before.HeapAlloc))
				if err != nil {
					b.Fatal(err)
				}
				if len(cfg.Subscribers) != 100_000 {
					b.Fatalf("%d subscribers, want 100000", len(cfg.Subscribers))
				}
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				kept = after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
				runtime.KeepAlive(cfg)
				b.StartTimer()
			}
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(kept)/1e6, "kept-MB")
		})
	}
}
