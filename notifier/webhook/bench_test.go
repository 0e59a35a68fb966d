package webhook

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier"
)

// BenchmarkDeliver10kWebhook sends one message to 10,000 webhook targets on
// one local HTTP server, through the real HTTP stack, and reports
// deliveries per second and the peak heap.
//
//	go test ./notifier/webhook -run '^$' -bench Deliver10k -benchmem
func BenchmarkDeliver10kWebhook(b *testing.B) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	targets := make([]notifier.Target, 10_000)
	for i := range targets {
		n, err := New(Config{URL: fmt.Sprintf("%s/hook/%d", srv.URL, i)})
		if err != nil {
			b.Fatal(err)
		}
		targets[i] = notifier.Target{ID: fmt.Sprintf("subscriber%d/hook/0", i), Sender: n}
	}
	msg := notifier.Message{Subject: "Ändrade öppettider i morgon: Försäkringskassan kundcenter",
		Body: "I morgon, torsdag 30 april (Valborgsmässoafton): öppet 08:00–11:30 i stället för 08:00–16:00.\n"}

	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak.Store(max(peak.Load(), m.HeapInuse))
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		for _, o := range notifier.Deliver(b.Context(), targets, msg, notifier.Policy{}) {
			if !o.Sent {
				b.Fatalf("delivery to %s failed: %v", o.Target, o.Err)
			}
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	if got.Load() != int64(10_000*b.N) {
		b.Fatalf("server got %d posts, want %d", got.Load(), 10_000*b.N)
	}
	b.ReportMetric(float64(10_000*b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}
