package daemon

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// A state file left readable by others (made by hand, restored from a
// backup, written under a loose umask) is made private when hoursd opens it.
func TestStateIsMadePrivate(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, StoreOptions{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = OpenStore(dir, StoreOptions{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode of %s after open = %o, want 600", path, got)
	}
}

// Every answer of the listener tells browsers not to guess its type.
func TestListenerAnswersNosniff(t *testing.T) {
	h := nosniff(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "<b>no</b>", http.StatusNotFound) }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
}
