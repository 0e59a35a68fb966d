package matrix

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/notifiertest"
	"github.com/hoursd/hoursd/notifier/internal/textcut"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const (
	token = "syt_aG91cnNk_s3cr3tAccessT0ken_1a2b3c"
	room  = "!hoursdRoom:example.org"
)

const (
	subject = notifiertest.Subject
	body    = notifiertest.Body
)

// Scripted answers besides plain HTTP statuses.
const (
	limitNoHeader  = 4291 // M_LIMIT_EXCEEDED with retry_after_ms only, as before spec v1.10
	acceptThenDrop = 9999 // the event is stored, then the connection breaks before the answer
)

// fakeHomeserver answers PUT …/send/m.room.message/{txn} like Synapse: 200
// with an event_id, the same one again for a repeated transaction (nothing
// new in the room); 401 M_UNKNOWN_TOKEN or M_MISSING_TOKEN; 403 M_FORBIDDEN
// for a room the account is not in; 413 M_TOO_LARGE over 64 KiB; and what
// the test scripts first (429 M_LIMIT_EXCEEDED with or without Retry-After,
// 502 from a proxy, an answer lost on the way).
type fakeHomeserver struct {
	*httptest.Server
	mu       sync.Mutex
	script   []int
	bodies   [][]byte
	txns     map[string]string // txn → event id
	timeline []Content         // what the room shows, in order
}

func newFake(t *testing.T, script ...int) *fakeHomeserver {
	f := &fakeHomeserver{script: script, txns: map[string]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeHomeserver) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(status int, code, msg, extra string) {
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"errcode":%q,"error":%q%s}`, code, msg, extra)
	}
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, raw)
	rest, ok := strings.CutPrefix(r.URL.Path, "/_matrix/client/v3/rooms/")
	roomID, txn, ok2 := strings.Cut(rest, "/send/m.room.message/")
	if !ok || !ok2 || r.Method != http.MethodPut || txn == "" {
		fail(404, "M_UNRECOGNIZED", "Unrecognized request", "")
		return
	}
	switch auth := r.Header.Get("Authorization"); {
	case auth == "":
		fail(401, "M_MISSING_TOKEN", "Missing access token", "")
		return
	case auth != "Bearer "+token:
		fail(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.", `,"soft_logout":false`)
		return
	}
	if id, seen := f.txns[roomID+"/"+txn]; seen {
		fmt.Fprintf(w, `{"event_id":%q}`, id)
		return
	}
	if len(f.script) > 0 {
		status := f.script[0]
		f.script = f.script[1:]
		switch status {
		case 429:
			w.Header().Set("Retry-After", "3")
			fail(429, "M_LIMIT_EXCEEDED", "Too Many Requests", `,"retry_after_ms":2500`)
			return
		case limitNoHeader:
			fail(429, "M_LIMIT_EXCEEDED", "Too Many Requests", `,"retry_after_ms":2500`)
			return
		case 502:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
			return
		case acceptThenDrop:
			f.store(roomID, txn, raw)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
	}
	var c Content
	switch {
	case roomID != room:
		fail(403, "M_FORBIDDEN", "User @hoursd:example.org not in room "+roomID, "")
	case len(raw) > 65536:
		fail(413, "M_TOO_LARGE", "event too large", "")
	case json.Unmarshal(raw, &c) != nil || c.MsgType == "" || c.Body == "":
		fail(400, "M_BAD_JSON", "Content must be a JSON object with msgtype and body", "")
	default:
		fmt.Fprintf(w, `{"event_id":%q}`, f.store(roomID, txn, raw))
	}
}

// store adds an event to the room's timeline and remembers its transaction.
func (f *fakeHomeserver) store(roomID, txn string, raw []byte) string {
	var c Content
	_ = json.Unmarshal(raw, &c)
	f.timeline = append(f.timeline, c)
	id := fmt.Sprintf("$event%d", len(f.timeline))
	f.txns[roomID+"/"+txn] = id
	return id
}

func TestMatrixDelivery(t *testing.T) {
	long := strings.Repeat("Torsdag 24 december (Julafton): stängt (vanligtvis öppet 08:00–16:00).\n", 600) // ~45 KB
	tests := []struct {
		name          string
		token, room   string
		script        []int
		body          string
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"success", token, room, nil, body, true, 1, false, nil, ""},
		{"429 waits Retry-After", token, room, []int{429}, body, true, 2, false, []time.Duration{3 * time.Second}, ""},
		{"429 waits retry_after_ms", token, room, []int{limitNoHeader}, body, true, 2, false, []time.Duration{2500 * time.Millisecond}, ""},
		{"502 then success", token, room, []int{502}, body, true, 2, false, []time.Duration{time.Second}, ""},
		{"answer lost, resent once", token, room, []int{acceptThenDrop}, body, true, 2, false, []time.Duration{time.Second}, ""},
		{"long message cut", token, room, nil, long, true, 1, false, nil, ""},
		{"revoked token", "syt_revokedT0ken", room, nil, body, false, 1, true, nil,
			"matrix: send message: http 401 M_UNKNOWN_TOKEN: Invalid access token passed."},
		{"not in the room", token, "!otherRoom:example.org", nil, body, false, 1, true, nil,
			"matrix: send message: http 403 M_FORBIDDEN: User @hoursd:example.org not in room !otherRoom:example.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			n, err := New(Config{Homeserver: f.URL, Token: tt.token}, tt.room)
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "team/matrix/" + tt.room, Sender: n},
				notifier.Message{Subject: subject, Body: tt.body}, notifiertest.InstantPolicy(&delays))
			if o.Sent != tt.wantSent || o.Attempts != tt.wantAttempts || o.Permanent != tt.wantPermanent {
				t.Errorf("Send() = sent %v, %d attempts, permanent %v (err %v), want %v, %d, %v",
					o.Sent, o.Attempts, o.Permanent, o.Err, tt.wantSent, tt.wantAttempts, tt.wantPermanent)
			}
			if !slices.Equal(delays, tt.wantDelays) {
				t.Errorf("waits = %v, want %v", delays, tt.wantDelays)
			}
			if tt.wantErr != "" && (o.Err == nil || o.Err.Error() != tt.wantErr) {
				t.Errorf("error = %v, want %q", o.Err, tt.wantErr)
			}
			if o.Err != nil && strings.Contains(o.Err.Error(), "T0ken") {
				t.Errorf("error %q holds the token", o.Err)
			}
			if !o.Sent {
				return
			}
			if len(f.timeline) != 1 {
				t.Fatalf("room shows %d events, want 1", len(f.timeline))
			}
			got, want := f.timeline[0], subject+"\n\n"+strings.TrimRight(tt.body, "\n")
			switch {
			case got.MsgType != "m.text":
				t.Errorf("msgtype = %q, want m.text", got.MsgType)
			case len(got.Body) > MaxBody:
				t.Errorf("body is %d bytes, want at most %d", len(got.Body), MaxBody)
			case len(want) > MaxBody:
				if !strings.HasSuffix(got.Body, textcut.Note) || !strings.HasPrefix(want, strings.TrimSuffix(got.Body, textcut.Note)) {
					t.Errorf("room shows …%q, want the message's beginning and the note", got.Body[len(got.Body)-60:])
				}
			case got.Body != want:
				t.Errorf("room shows %q, want %q", got.Body, want)
			}
		})
	}
}

// TestMatrixResendAfterRestart sends the same message from a new Notifier,
// as hoursd does with a message left in its outbox by a crash: the
// homeserver recognises the transaction and the room shows it once. Another
// message is a new event, and the same message to another room has another
// transaction id.
func TestMatrixResendAfterRestart(t *testing.T) {
	f := newFake(t)
	send := func(body string) {
		t.Helper()
		n, err := New(Config{Homeserver: f.URL, Token: token}, room)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Send(t.Context(), subject, body); err != nil {
			t.Fatalf("Send() = %v", err)
		}
	}
	send(body)
	send(body)
	if len(f.timeline) != 1 {
		t.Errorf("after a resend the room shows %d events, want 1", len(f.timeline))
	}
	send(body + "Ändrat.\n")
	if len(f.timeline) != 2 {
		t.Errorf("after another message the room shows %d events, want 2", len(f.timeline))
	}
	if a, b := TxnID(room, subject, body), TxnID("!other:example.org", subject, body); a == b {
		t.Errorf("TxnID is %q for two rooms, want one per room", a)
	}
}

// TestMatrixGolden compares the request with testdata/*.golden (reviewed by
// eye; go test ./notifier/matrix -update rewrites them): the path with its
// transaction id, then the body.
func TestMatrixGolden(t *testing.T) {
	tests := []struct{ name, subject, body string }{
		{"valborg", subject, body},
		{"markup", "Café <Kungsgatan> & co", "<b>inte fet</b> öppet 08:00–11:30\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var path string
			f := newFake(t)
			inner := f.Config.Handler
			f.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				path = r.URL.EscapedPath()
				inner.ServeHTTP(w, r)
			})
			n, err := New(Config{Homeserver: f.URL + "/", Token: token}, room)
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Send(t.Context(), tt.subject, tt.body); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			var got bytes.Buffer
			got.WriteString("PUT " + path + "\n")
			if err := json.Indent(&got, f.bodies[0], "", "  "); err != nil {
				t.Fatalf("body %q is not JSON: %v", f.bodies[0], err)
			}
			file := filepath.Join("testdata", tt.name+".golden")
			notifiertest.Golden(t, file, got.Bytes(), *update)
		})
	}
}

func TestMatrixNetworkErrorsHideSecrets(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	hanging := notifiertest.HangingServer(t)
	for name, srv := range map[string]string{"gone": gone.URL, "hanging": hanging.URL} {
		t.Run(name, func(t *testing.T) {
			withUser := strings.Replace(srv, "://", "://proxy:pw-s3cr3t@", 1)
			n, err := New(Config{Homeserver: withUser, Token: token, Timeout: 50 * time.Millisecond}, room)
			if err != nil {
				t.Fatal(err)
			}
			notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), subject, body), token, "pw-s3cr3t")
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		room string
		want string
	}{
		{"alias", Config{Homeserver: "https://matrix.example.org", Token: token}, "#hoursd:example.org",
			"matrix: room must be a room id, !abc…:example.org (an alias such as #room:example.org is not enough)"},
		{"relative homeserver", Config{Homeserver: "matrix.example.org", Token: token}, room, "matrix: homeserver must be an absolute http(s) URL"},
		{"no token", Config{Homeserver: "https://matrix.example.org"}, room, "matrix: token is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, tt.room); err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestConfigHidesToken(t *testing.T) {
	cfg := Config{Homeserver: "https://proxy:pw-s3cr3t@matrix.example.org", Token: token}
	n, err := New(cfg, room)
	if err != nil {
		t.Fatal(err)
	}
	// slog's JSON handler would print every exported field without LogValue.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("channel", "cfg", cfg, "notifier", n)
	for _, out := range []string{logged.String(), fmt.Sprint(cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%+v", n), fmt.Sprintf("%#v", n)} {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("printed %q, shows a secret", out)
		}
		if !strings.Contains(out, "matrix.example.org") {
			t.Errorf("printed %q, want the homeserver", out)
		}
	}
}
