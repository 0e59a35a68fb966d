// Command sink is the loopback receiver of hoursd's benchmarks: a webhook
// endpoint that counts the messages each target gets, and a systemd notify
// socket that tells when hoursd said READY=1. It is not part of hoursd.
//
//	sink -addr-file F [-notify SOCKET] [-delay D]
//
// It answers POST with 200 (or 503 while failing), after -delay (default
// none: a remote service's answer takes that long), and serves:
//
//	GET  /stats  {"total": …, "distinct": …, "duplicates": …, "first": …, "last": …}
//	POST /fail   answer every post with 503 from now on
//	POST /ok     accept posts again
//	POST /reset  forget the counts
//
// first and last are when the first post was counted and when a target was
// first reached last (Unix nanoseconds, 0 before any post): a benchmark
// that polls /stats until every target is reached reads the end of the
// fan-out from last, not from when its poll happened to look.
//
// A message's target is the last [bracketed] word of its subject, which
// the benchmark's template puts there ("… [s42]"). A post is counted when it
// arrives, before the delay: a receiver acts on what it got even if the
// sender dies before it hears the answer.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type counts struct {
	mu          sync.Mutex
	total       int
	by          map[string]int
	first, last int64
}

func main() {
	addrFile := flag.String("addr-file", "", "write the listening address here")
	notify := flag.String("notify", "", "listen on this unixgram socket for sd_notify messages; print READY's arrival")
	delay := flag.Duration("delay", 0, "answer each post after this long, as a remote service would")
	flag.Parse()

	if *notify != "" {
		conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: *notify, Net: "unixgram"})
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			buf := make([]byte, 4096)
			for {
				n, err := conn.Read(buf)
				if err != nil {
					return
				}
				for _, line := range strings.Split(string(buf[:n]), "\n") {
					if line == "READY=1" {
						fmt.Printf("READY %d\n", time.Now().UnixNano())
					}
				}
			}
		}()
	}

	c := &counts{by: map[string]int{}}
	var failing atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]int64{"total": int64(c.total), "distinct": int64(len(c.by)),
			"duplicates": int64(c.total - len(c.by)), "first": c.first, "last": c.last})
	})
	mux.HandleFunc("POST /fail", func(http.ResponseWriter, *http.Request) { failing.Store(true) })
	mux.HandleFunc("POST /ok", func(http.ResponseWriter, *http.Request) { failing.Store(false) })
	mux.HandleFunc("POST /reset", func(http.ResponseWriter, *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total, c.by, c.first, c.last = 0, map[string]int{}, 0, 0
	})
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "down for the benchmark", http.StatusServiceUnavailable)
			return
		}
		var m struct{ Subject string }
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		target := m.Subject
		if i := strings.LastIndex(target, "["); i >= 0 {
			target = strings.TrimSuffix(target[i+1:], "]")
		}
		now := time.Now().UnixNano()
		c.mu.Lock()
		c.total++
		c.by[target]++
		if c.first == 0 {
			c.first = now
		}
		if c.by[target] == 1 {
			c.last = now
		}
		c.mu.Unlock()
		if *delay > 0 {
			time.Sleep(*delay)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	log.Fatal(http.Serve(ln, mux))
}
