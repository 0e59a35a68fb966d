package ntfy

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
	token = "tk_s3cr3ts3cr3ts3cr3ts3cr3ts3c"
	topic = "hoursd-s3cr3t-topic"
)

// Messages as hoursd renders them (notifier/testdata/*.golden).
const (
	subject   = notifiertest.Subject
	body      = notifiertest.Body
	twoPlaces = body + "\nPensionsmyndigheten, tel. 0771-776 776\n" +
		"I morgon, torsdag 30 april (Valborgsmässoafton): stängt (vanligtvis öppet 08:00–16:00).\n" +
		"https://www.pensionsmyndigheten.se/\n"
)

// fakeNtfy answers like an ntfy server's JSON publishing at its root: 200
// with the message as JSON; 400 for a bad topic; 401 for a wrong token; 403
// for a reserved topic; 413 for a message over 4096 bytes (attachments
// off); and what the test scripts first (429 with ntfy's body and no
// Retry-After, as ntfy answers; 429 with Retry-After, as a proxy answers;
// 502 from a proxy).
type fakeNtfy struct {
	*httptest.Server
	mu       sync.Mutex
	script   []int
	bodies   [][]byte
	accepted []Payload
}

// tooManyProxy is a scripted 429 with Retry-After.
const tooManyProxy = 4291

func newFake(t *testing.T, script ...int) *fakeNtfy {
	f := &fakeNtfy{script: script}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeNtfy) serve(w http.ResponseWriter, r *http.Request) {
	fail := func(status, code int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"code":%d,"http":%d,"error":%q,"link":"https://ntfy.sh/docs/publish/"}`+"\n", code, status, msg)
	}
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, raw)
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		fail(404, 40401, "page not found")
		return
	}
	if len(f.script) > 0 {
		status := f.script[0]
		f.script = f.script[1:]
		switch status {
		case 429:
			fail(429, 42901, "limit reached: too many requests")
			return
		case tooManyProxy:
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, "<html><body>429 Too Many Requests</body></html>")
			return
		case 502:
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
			return
		}
	}
	var p Payload
	switch {
	case r.Header.Get("Authorization") != "" && r.Header.Get("Authorization") != "Bearer "+token:
		fail(401, 40101, "unauthorized")
	case json.Unmarshal(raw, &p) != nil:
		fail(400, 40024, "invalid request: json body invalid")
	case !TopicPattern.MatchString(p.Topic):
		fail(400, 40009, "invalid request: topic invalid")
	case p.Topic == "reserved":
		fail(403, 40301, "forbidden")
	case len(p.Message) > 4096:
		fail(413, 41301, "limit reached: message too large")
	default:
		f.accepted = append(f.accepted, p)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"sPs71M8A2T","time":1777478400,"expires":1777521600,"event":"message","topic":%q,"message":"…"}`+"\n", p.Topic)
	}
}

func TestNtfyDelivery(t *testing.T) {
	tests := []struct {
		name          string
		token, topic  string
		script        []int
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"success", token, topic, nil, true, 1, false, nil, ""},
		{"anonymous", "", topic, nil, true, 1, false, nil, ""},
		{"429 from ntfy, backoff", token, topic, []int{429}, true, 2, false, []time.Duration{time.Second}, ""},
		{"429 from a proxy, Retry-After", token, topic, []int{tooManyProxy}, true, 2, false, []time.Duration{30 * time.Second}, ""},
		{"502 then success", token, topic, []int{502}, true, 2, false, []time.Duration{time.Second}, ""},
		{"wrong token", "tk_wrongwrongwrongwrongwrongwro", topic, nil, false, 1, true, nil,
			`ntfy: post message: http 401 Unauthorized: {"code":40101,"http":401,"error":"unauthorized","link":"https://ntfy.sh/docs/publish/"}`},
		{"reserved topic", token, "reserved", nil, false, 1, true, nil,
			`ntfy: post message: http 403 Forbidden: {"code":40301,"http":403,"error":"forbidden","link":"https://ntfy.sh/docs/publish/"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			n, err := New(Config{Server: f.URL, Token: tt.token}, tt.topic)
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "anna/phone/topic-1", Sender: n},
				notifier.Message{Subject: subject, Body: body}, notifiertest.InstantPolicy(&delays))
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
			if o.Err != nil && (strings.Contains(o.Err.Error(), "s3cr3t") || strings.Contains(o.Err.Error(), "tk_wrong")) {
				t.Errorf("error %q holds a secret", o.Err)
			}
			if tt.wantSent {
				p := f.accepted[len(f.accepted)-1]
				want := Payload{Topic: topic, Title: subject, Message: strings.TrimRight(body, "\n"), Priority: 3,
					Tags: []string{"calendar"}, Click: "https://www.forsakringskassan.se/"}
				if !equalPayload(p, want) {
					t.Errorf("published %+v, want %+v", p, want)
				}
			}
		})
	}
}

func equalPayload(a, b Payload) bool {
	return a.Topic == b.Topic && a.Title == b.Title && a.Message == b.Message && a.Priority == b.Priority &&
		slices.Equal(a.Tags, b.Tags) && a.Click == b.Click
}

// TestNtfyGolden compares the JSON hoursd posts with testdata/*.golden
// (reviewed by eye; go test ./notifier/ntfy -update rewrites them).
func TestNtfyGolden(t *testing.T) {
	tests := []struct {
		name, subject, body string
		priority            int
	}{
		{"valborg", subject, body, 0},
		{"two-places", subject, twoPlaces, 5},
		{"long", subject, strings.Repeat("Torsdag 24 december (Julafton): stängt (vanligtvis öppet 08:00–16:00).\n", 60), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			n, err := New(Config{Server: f.URL + "/", Token: token, Priority: tt.priority}, topic)
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Send(t.Context(), tt.subject, tt.body); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, f.bodies[0], "", "  "); err != nil {
				t.Fatalf("posted body %q is not JSON: %v", f.bodies[0], err)
			}
			got.WriteString("\n")
			notifiertest.Golden(t, filepath.Join("testdata", tt.name+".golden"), got.Bytes(), *update)
			if msg := f.accepted[0].Message; len(msg) > MaxMessage {
				t.Errorf("message is %d bytes, want at most %d", len(msg), MaxMessage)
			} else if len(tt.body) > MaxMessage && !strings.HasSuffix(msg, textcut.Note) {
				t.Errorf("cut message ends %q, want the note %q", msg[len(msg)-40:], textcut.Note)
			}
		})
	}
}

func TestClick(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"one place", body, "https://www.forsakringskassan.se/"},
		{"two places", twoPlaces, ""},
		{"the same page twice", body + "\n" + body, "https://www.forsakringskassan.se/"},
		{"no url", "Stängt i morgon.\n", ""},
		{"url inside a sentence is not a page line", "Se https://example.com/ för mer.\n", ""},
		{"not http", "ftp://example.com/x\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Click(tt.body); got != tt.want {
				t.Errorf("Click(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		topic string
		want  string
	}{
		{"topic with a slash", Config{}, "a/b", "ntfy: topic must be 1 to 64 letters, digits, '-' or '_'"},
		{"empty topic", Config{}, "", "ntfy: topic must be 1 to 64 letters, digits, '-' or '_'"},
		{"relative server", Config{Server: "ntfy.sh"}, topic, "ntfy: server must be an absolute http(s) URL"},
		{"priority", Config{Priority: 6}, topic, "ntfy: priority 6 is not from 1 to 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, tt.topic); err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNtfyNetworkErrorsHideSecrets(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	hanging := notifiertest.HangingServer(t)
	for name, srv := range map[string]string{"gone": gone.URL, "hanging": hanging.URL} {
		t.Run(name, func(t *testing.T) {
			// A proxy's password in the server's URL is a secret too.
			withUser := strings.Replace(srv, "://", "://proxy:pw-s3cr3t@", 1)
			n, err := New(Config{Server: withUser, Token: token, Timeout: 50 * time.Millisecond}, topic)
			if err != nil {
				t.Fatal(err)
			}
			notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), subject, body), token, topic, "pw-s3cr3t")
		})
	}
}

func TestConfigHidesSecrets(t *testing.T) {
	cfg := Config{Server: "https://user:pw-s3cr3t@ntfy.example.com", Token: token}
	n, err := New(cfg, topic)
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
		if !strings.Contains(out, "ntfy.example.com") {
			t.Errorf("printed %q, want the server's host", out)
		}
	}
}
