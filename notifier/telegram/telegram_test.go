package telegram

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
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
	token = "123456789:AAs3cr3t-bot-t0ken_s3cr3t"
	chat  = "-1001234567890"
)

const (
	subject = notifiertest.Subject
	body    = notifiertest.Body
)

// fakeBotAPI answers sendMessage like api.telegram.org: {"ok":true,…} on
// success; 401 for a wrong token; 400 for an unknown chat, a migrated
// group, text that HTML mode cannot parse and text over 4096 characters;
// 403 for a bot blocked by the user; and what the test scripts first (429
// with parameters.retry_after, 502 from Telegram's front end).
type fakeBotAPI struct {
	*httptest.Server
	mu     sync.Mutex
	script []int
	bodies [][]byte
	texts  []string // as a chat shows them: tags gone, entities decoded
}

func newFake(t *testing.T, script ...int) *fakeBotAPI {
	f := &fakeBotAPI{script: script}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// entity is what Telegram's HTML mode takes after an '&'.
var entity = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+);`)

// parseHTML reads text as Telegram's HTML parse mode does for the tags
// hoursd uses, and says what it cannot parse as Telegram does.
func parseHTML(text string) (string, error) {
	var plain strings.Builder
	for i := 0; i < len(text); {
		switch {
		case strings.HasPrefix(text[i:], "<b>"):
			i += 3
		case strings.HasPrefix(text[i:], "</b>"):
			i += 4
		case text[i] == '<':
			return "", fmt.Errorf("Bad Request: can't parse entities: Unsupported start tag at byte offset %d", i)
		case text[i] == '&':
			m := entity.FindString(text[i:])
			if m == "" {
				return "", fmt.Errorf("Bad Request: can't parse entities: Can't find end of the entity starting at byte offset %d", i)
			}
			plain.WriteString(html.UnescapeString(m))
			i += len(m)
		default:
			plain.WriteByte(text[i])
			i++
		}
	}
	return plain.String(), nil
}

func (f *fakeBotAPI) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(status int, desc, params string) {
		w.WriteHeader(status)
		if params != "" {
			params = `,"parameters":` + params
		}
		fmt.Fprintf(w, `{"ok":false,"error_code":%d,"description":%q%s}`, status, desc, params)
	}
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, raw)
	if r.URL.Path != "/bot"+token+"/sendMessage" {
		if strings.HasSuffix(r.URL.Path, "/sendMessage") {
			fail(401, "Unauthorized", "")
		} else {
			fail(404, "Not Found", "")
		}
		return
	}
	if len(f.script) > 0 {
		status := f.script[0]
		f.script = f.script[1:]
		switch status {
		case 429:
			w.Header().Set("Retry-After", "35")
			fail(429, "Too Many Requests: retry after 35", `{"retry_after":35}`)
			return
		case 502:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
			return
		}
	}
	var req Request
	if err := json.Unmarshal(raw, &req); err != nil {
		fail(400, "Bad Request: can't parse JSON", "")
		return
	}
	plain, perr := parseHTML(req.Text)
	switch {
	case req.ChatID == "-4000000001":
		fail(400, "Bad Request: group chat was upgraded to a supergroup chat", `{"migrate_to_chat_id":-1004000000001}`)
	case req.ChatID == "42":
		fail(403, "Forbidden: bot was blocked by the user", "")
	case req.ChatID != chat:
		fail(400, "Bad Request: chat not found", "")
	case req.ParseMode != "HTML":
		fail(400, "Bad Request: unsupported parse_mode", "")
	case perr != nil:
		fail(400, perr.Error(), "")
	case textcut.Size(plain, textcut.UTF16) > 4096:
		fail(400, "Bad Request: message is too long", "")
	default:
		f.texts = append(f.texts, plain)
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":17,"chat":{"id":%s,"type":"supergroup"},"date":1777478400,"text":"…"}}`, chat)
	}
}

func TestTelegramDelivery(t *testing.T) {
	tests := []struct {
		name          string
		token, chat   string
		script        []int
		subject, body string
		wantSent      bool
		wantAttempts  int
		wantPermanent bool
		wantDelays    []time.Duration
		wantErr       string
	}{
		{"success", token, chat, nil, subject, body, true, 1, false, nil, ""},
		{"markup characters escaped", token, chat, nil, "Öppet <i morgon> & sedan", "Bistro <Café> & \"Bar\" 08:00–11:30", true, 1, false, nil, ""},
		{"429 waits retry_after", token, chat, []int{429}, subject, body, true, 2, false, []time.Duration{35 * time.Second}, ""},
		{"502 then success", token, chat, []int{502}, subject, body, true, 2, false, []time.Duration{time.Second}, ""},
		{"long message cut", token, chat, nil, subject, strings.Repeat("Torsdag 24 december (Julafton): stängt 📆 & mer.\n", 120), true, 1, false, nil, ""},
		{"wrong token", "123456789:AAwrong", chat, nil, subject, body, false, 1, true, nil, "telegram: send message: http 401: Unauthorized"},
		{"unknown chat", token, "-1009999999999", nil, subject, body, false, 1, true, nil, "telegram: send message: http 400: Bad Request: chat not found"},
		{"blocked", token, "42", nil, subject, body, false, 1, true, nil, "telegram: send message: http 403: Forbidden: bot was blocked by the user"},
		{"migrated group", token, "-4000000001", nil, subject, body, false, 1, true, nil,
			"telegram: send message: http 400: Bad Request: group chat was upgraded to a supergroup chat (the group is now the supergroup -1004000000001: set the target's chat to it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.script...)
			n, err := New(Config{Token: tt.token, APIURL: f.URL}, tt.chat)
			if err != nil {
				t.Fatal(err)
			}
			var delays []time.Duration
			o := notifier.Send(t.Context(), notifier.Target{ID: "anna/tg/chat-1", Sender: n},
				notifier.Message{Subject: tt.subject, Body: tt.body}, notifiertest.InstantPolicy(&delays))
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
			if o.Err != nil && (strings.Contains(o.Err.Error(), "s3cr3t") || strings.Contains(o.Err.Error(), "AAwrong")) {
				t.Errorf("error %q holds a token", o.Err)
			}
			if !o.Sent {
				return
			}
			// What the chat shows is the message as written, or its
			// beginning and the note when it had to be cut.
			got := f.texts[len(f.texts)-1]
			want := tt.subject + "\n" + strings.TrimRight(tt.body, "\n")
			if textcut.Size(want, textcut.UTF16) > MaxText {
				if !strings.HasSuffix(got, textcut.Note) || !strings.HasPrefix(want, strings.TrimSuffix(got, textcut.Note)) {
					t.Errorf("chat shows …%q, want the message's beginning and the note %q", got[len(got)-60:], textcut.Note)
				}
			} else if got != want {
				t.Errorf("chat shows %q, want %q", got, want)
			}
		})
	}
}

// TestTelegramGolden compares the JSON hoursd posts with testdata/*.golden
// (reviewed by eye; go test ./notifier/telegram -update rewrites them).
func TestTelegramGolden(t *testing.T) {
	tests := []struct{ name, subject, body string }{
		{"valborg", subject, body},
		{"escaped", "Öppet <i morgon> & sedan", "Bistro <Café> & \"Bar\": öppet 08:00–11:30.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			n, err := New(Config{Token: token, APIURL: f.URL + "/"}, chat)
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
			path := filepath.Join("testdata", tt.name+".golden")
			notifiertest.Golden(t, path, got.Bytes(), *update)
		})
	}
}

func TestNewTakesChannelUsername(t *testing.T) {
	if _, err := New(Config{Token: token}, "@hoursd_kundcenter"); err != nil {
		t.Errorf("New(chat @hoursd_kundcenter) = %v, want a public channel's username taken", err)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		chat string
		want string
	}{
		{"token without id", Config{Token: "s3cr3t"}, chat, "telegram: token must be a bot token as @BotFather gives it (123456789:AA…)"},
		{"chat is a name", Config{Token: token}, "Anna", "telegram: chat must be a chat id (a number) or a channel's @username"},
		{"username too short", Config{Token: token}, "@abcd", "telegram: chat must be a chat id (a number) or a channel's @username"},
		{"relative api url", Config{Token: token, APIURL: "api.telegram.org"}, chat, "telegram: api_url must be an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, tt.chat); err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestTelegramNetworkErrorsHideToken: the token is part of the URL, and Go's
// HTTP client quotes the whole URL in a network error.
func TestTelegramNetworkErrorsHideToken(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	hanging := notifiertest.HangingServer(t)
	for name, srv := range map[string]string{"gone": gone.URL, "hanging": hanging.URL} {
		t.Run(name, func(t *testing.T) {
			n, err := New(Config{Token: token, APIURL: srv, Timeout: 50 * time.Millisecond}, chat)
			if err != nil {
				t.Fatal(err)
			}
			notifiertest.CheckTransientWithoutSecrets(t, n.Send(t.Context(), subject, body), token, "s3cr3t")
		})
	}
}

func TestConfigHidesToken(t *testing.T) {
	cfg := Config{Token: token, APIURL: "https://proxy:pw-s3cr3t@tg.example.com"}
	n, err := New(cfg, chat)
	if err != nil {
		t.Fatal(err)
	}
	// slog's JSON handler would print every exported field without LogValue.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("channel", "cfg", cfg, "notifier", n)
	for _, out := range []string{logged.String(), fmt.Sprint(cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%+v", n), fmt.Sprintf("%#v", n)} {
		if strings.Contains(out, "s3cr3t") || strings.Contains(out, chat) {
			t.Errorf("printed %q, shows the token or the chat", out)
		}
		if !strings.Contains(out, "tg.example.com") {
			t.Errorf("printed %q, want the API's host", out)
		}
	}
}
