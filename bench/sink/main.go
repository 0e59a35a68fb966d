// Command sink is the loopback receiver of hoursd's benchmarks: a webhook
// endpoint that counts the messages each target gets, and a systemd notify
// socket that tells when hoursd said READY=1. It is not part of hoursd.
//
//	sink -addr-file F [-notify SOCKET]
//
// It answers POST with 200 (or 503 while failing), and serves:
//
//	GET  /stats  {"total": …, "distinct": …, "duplicates": …}
//	POST /fail   answer every post with 503 from now on
//	POST /ok     accept posts again
//	POST /reset  forget the counts
//
// A message's target is the last [bracketed] word of its subject, which
// the benchmark's template puts there ("… [s42]").
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
	mu    sync.Mutex
	total int
	by    map[string]int
}

func main() {
	addrFile := flag.String("addr-file", "", "write the listening address here")
	notify := flag.String("notify", "", "listen on this unixgram socket for sd_notify messages; print READY's arrival")
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
		json.NewEncoder(w).Encode(map[string]int{"total": c.total, "distinct": len(c.by), "duplicates": c.total - len(c.by)})
	})
	mux.HandleFunc("POST /fail", func(http.ResponseWriter, *http.Request) { failing.Store(true) })
	mux.HandleFunc("POST /ok", func(http.ResponseWriter, *http.Request) { failing.Store(false) })
	mux.HandleFunc("POST /reset", func(http.ResponseWriter, *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total, c.by = 0, map[string]int{}
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
		c.mu.Lock()
		c.total++
		c.by[target]++
		c.mu.Unlock()
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
