package notifier

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// accept is a Sender that accepts everything, as fast as it can; it yields
// once so that a send is at least a goroutine switch, like a real one.
type accept struct{ n atomic.Int64 }

func (a *accept) Send(context.Context, string, string) error {
	runtime.Gosched()
	a.n.Add(1)
	return nil
}

// BenchmarkDeliver10k sends one check's message to 10,000 targets on a local
// fake and reports deliveries per second and the peak heap while it runs.
//
//	go test ./notifier -run '^$' -bench Deliver10k -benchmem
func BenchmarkDeliver10k(b *testing.B) {
	msg := Message{Subject: "Ändrade öppettider i morgon: Försäkringskassan kundcenter",
		Body: "I morgon, torsdag 30 april (Valborgsmässoafton): öppet 08:00–11:30 i stället för 08:00–16:00.\n"}
	s := &accept{}
	targets := make([]Target, 10_000)
	for i := range targets {
		targets[i] = Target{ID: fmt.Sprintf("subscriber%d/mail/0", i), Sender: s}
	}
	benchDeliver(b, targets, msg, Policy{Timeout: 30 * time.Second})
	if got := s.n.Load(); got != int64(10_000*b.N) {
		b.Fatalf("accepted %d messages, want %d", got, 10_000*b.N)
	}
}

// benchDeliver runs Deliver to targets b.N times and reports
// deliveries/s and peak-heap-MB.
func benchDeliver(b *testing.B, targets []Target, msg Message, p Policy) {
	b.Helper()
	peak := watchHeap()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		for _, o := range Deliver(b.Context(), targets, msg, p) {
			if !o.Sent {
				b.Fatalf("delivery to %s failed: %v", o.Target, o.Err)
			}
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(len(targets)*b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
}

// watchHeap samples the heap in use every millisecond until the returned
// function is called, which returns the peak seen.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); <-done; return peak.Load() }
}
