package daemon

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// pipeListener is an in-memory listener: each Dial is a net.Pipe whose
// other end Accept hands to the server, so that the server's timeouts run
// on the bubble's clock.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	select {
	case <-l.closed:
	default:
		close(l.closed)
	}
	return nil
}

func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9470} }

// dial connects; it returns once the server accepted the connection.
func (l *pipeListener) dial() net.Conn {
	client, server := net.Pipe()
	l.conns <- server
	return client
}

// A client that opens many connections and leaves them idle holds at most
// MaxListenerConns of them (the next waits to be accepted), and an idle
// keep-alive connection is closed after ListenerIdle.
func TestListenerBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig(t.TempDir(), kundcenter2026(t))
		cfg.HTTP.Listen = "127.0.0.1:9470"
		s := &sim{t: t, clock: &fakeClock{}}
		opts := s.options()
		opts.Now = time.Now
		opts.Watchdog = func() (time.Duration, error) { return 0, nil }
		ln := newPipeListener()
		opts.Listen = func(string, string) (net.Listener, error) { return ln, nil }
		_, stop := running(t, cfg, opts)

		// One keep-alive connection that asks for /healthz, then idles.
		kept := ln.dial()
		req, _ := http.NewRequest("GET", "http://hoursd/healthz", nil)
		go req.Write(kept)
		res, err := http.ReadResponse(bufio.NewReader(kept), req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()

		// Fill the rest of the connections, and one more.
		for range MaxListenerConns - 1 {
			ln.dial()
		}
		var extra atomic.Bool
		go func() { ln.dial(); extra.Store(true) }()
		synctest.Wait()
		if extra.Load() {
			t.Errorf("connection %d was accepted at once, want it to wait: at most %d at a time", MaxListenerConns+1, MaxListenerConns)
		}

		// Past the idle timeout the idle connections are closed, and the
		// one that waited gets in.
		time.Sleep(ListenerIdle + time.Second)
		synctest.Wait()
		if !extra.Load() {
			t.Errorf("connection %d still waits after %s, want it accepted once idle ones were closed", MaxListenerConns+1, ListenerIdle)
		}
		kept.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := kept.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("reading the idle keep-alive connection after %s = %v, want EOF: closed by hoursd", ListenerIdle, err)
		}
		if err := stop(); err != nil && err != context.Canceled {
			t.Fatalf("Run = %v", err)
		}
	})
}
