package config

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier"
)

// Secrets of the ntfy, Telegram, Slack, Matrix and Gotify fixtures below;
// none of them may show in `config show`, a problem or a target id.
const (
	ntfyToken     = "tk_ntfys3cr3tntfys3cr3tntfys3cr"
	telegramToken = "123456789:AAtelegrams3cr3t"
	slackPath     = "/services/T0HOURSD/B0HOURSD/slacks3cr3t"
	matrixToken   = "syt_matrixs3cr3t"
	gotifyToken   = "Agotifys3cr3t"
	ntfyTopic     = "anna-s3cr3t-topic"
	telegramChat  = "-1001234567890"
	matrixRoom    = "!hoursd:example.org"
)

// newChannelsConfig is a configuration with one channel of each of the
// five types, each pointed at base (a local server, or a real service's
// address), with their secrets from the environment and a file.
func newChannelsConfig(t *testing.T, base string) *Config {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "matrix-token", matrixToken+"\n")
	file := writeFile(t, dir, "c.yaml", fmt.Sprintf(`
schedules: [{id: kundcenter, weekly: {mon-fri: ["08:00-16:00"]}}]
channels:
  - {id: phone, type: ntfy, server: %[1]q, token: "${NTFY_TOKEN}", timeout: 5s}
  - {id: tg, type: telegram, token: "${TELEGRAM_TOKEN}", api_url: %[1]q}
  - {id: team, type: slack, webhook_url: "${SLACK_WEBHOOK}"}
  - {id: room, type: matrix, homeserver: %[1]q, token_file: matrix-token}
  - {id: got, type: gotify, url: %[1]q, token: "${GOTIFY_TOKEN}", priority: 8}
subscribers:
  - id: anna
    schedules: [kundcenter]
    targets:
      - {channel: phone, topic: %[2]s}
      - {channel: tg, chat: %[3]s}
      - {channel: team}
      - {channel: room, room: %[4]q}
      - {channel: got}
`, base, ntfyTopic, telegramChat, matrixRoom))
	env := map[string]string{
		"NTFY_TOKEN": ntfyToken, "TELEGRAM_TOKEN": telegramToken,
		"SLACK_WEBHOOK": base + slackPath, "GOTIFY_TOKEN": gotifyToken,
	}
	return mustLoad(t, testLoader(env, nil), file)
}

// TestNewChannelTypes checks that each key of the five channels lands in
// its notifier's Config, how their targets are named, and that neither the
// names nor `config show` give a secret away.
func TestNewChannelTypes(t *testing.T) {
	cfg := newChannelsConfig(t, "https://push.example.com")
	checks := []struct {
		name      string
		got, want any
	}{
		{"ntfy server", cfg.Channel("phone").Ntfy.Server, "https://push.example.com"},
		{"ntfy token from $NTFY_TOKEN", cfg.Channel("phone").Ntfy.Token == ntfyToken, true},
		{"ntfy default priority", cfg.Channel("phone").Ntfy.Priority, 3},
		{"ntfy timeout", cfg.Channel("phone").Ntfy.Timeout, 5 * time.Second},
		{"telegram api_url", cfg.Channel("tg").Telegram.APIURL, "https://push.example.com"},
		{"telegram token from $TELEGRAM_TOKEN", cfg.Channel("tg").Telegram.Token == telegramToken, true},
		{"telegram default timeout", cfg.Channel("tg").Telegram.Timeout, 30 * time.Second},
		{"slack webhook from $SLACK_WEBHOOK", cfg.Channel("team").Slack.WebhookURL == "https://push.example.com"+slackPath, true},
		{"matrix homeserver", cfg.Channel("room").Matrix.Homeserver, "https://push.example.com"},
		{"matrix token from its file, without the newline", cfg.Channel("room").Matrix.Token == matrixToken, true},
		{"gotify url", cfg.Channel("got").Gotify.URL, "https://push.example.com"},
		{"gotify token from $GOTIFY_TOKEN", cfg.Channel("got").Gotify.Token == gotifyToken, true},
		{"gotify priority", cfg.Channel("got").Gotify.Priority, 8},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	anna := cfg.Subscriber("anna")
	wantTargets := []Target{{Channel: "phone", Topic: ntfyTopic}, {Channel: "tg", Chat: telegramChat},
		{Channel: "team"}, {Channel: "room", Room: matrixRoom}, {Channel: "got"}}
	if !slices.Equal(anna.Targets, wantTargets) {
		t.Errorf("targets of anna = %+v, want %+v", anna.Targets, wantTargets)
	}
	var ids []string
	for _, tg := range anna.Targets {
		ids = append(ids, tg.ID(anna.ID))
	}
	// A topic and a chat id by digest (sha256, first 4 bytes), a room as it is.
	wantIDs := []string{"anna/phone/topic-" + digest(ntfyTopic), "anna/tg/chat-" + digest(telegramChat),
		"anna/team", "anna/room/" + matrixRoom, "anna/got"}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("target ids of anna = %q, want %q", ids, wantIDs)
	}
	other := Target{Channel: "phone", Topic: "bob-topic"}.ID("anna")
	if other == ids[0] {
		t.Errorf("two ntfy topics of one subscriber and channel have the same id %q", other)
	}

	shown := show(t, cfg)
	for _, s := range []string{"s3cr3t", "tk_"} {
		if strings.Contains(strings.ReplaceAll(shown, ntfyTopic, ""), s) {
			t.Errorf("config show reveals %q:\n%s", s, shown)
		}
	}
	for _, want := range []string{`token: ${NTFY_TOKEN}`, "token_file: matrix-token", "server: https://push.example.com", "priority: 3"} {
		if !strings.Contains(shown, want) {
			t.Errorf("config show lacks %q:\n%s", want, shown)
		}
	}
	for _, id := range ids {
		for _, s := range []string{"s3cr3t", telegramChat} {
			if strings.Contains(id, s) {
				t.Errorf("target id %q shows %q", id, s)
			}
		}
	}
}

func digest(s string) string {
	return strings.TrimPrefix(Target{User: s}.ID(""), "//user-")
}

// services answers, on one local server, like the five services do when
// they accept a message: ntfy's root, Telegram's sendMessage, a Slack
// webhook, a Matrix room's send endpoint and Gotify's /message, each only
// with the right credential. It records the title each one received.
type services struct {
	mu     sync.Mutex
	titles map[string]string // service → the subject it got
}

func (s *services) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	text := func(key string) string { v, _ := body[key].(string); return v }
	record := func(service, title string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.titles[service] = title
	}
	switch {
	case r.URL.Path == "/" && r.Header.Get("Authorization") == "Bearer "+ntfyToken && text("topic") == ntfyTopic:
		record("ntfy", text("title"))
		fmt.Fprint(w, `{"id":"x","event":"message"}`)
	case r.URL.Path == "/bot"+telegramToken+"/sendMessage" && text("chat_id") == telegramChat:
		title, _, _ := strings.Cut(strings.TrimPrefix(text("text"), "<b>"), "</b>")
		record("telegram", title)
		fmt.Fprint(w, `{"ok":true,"result":{"message_id":1}}`)
	case r.URL.Path == slackPath:
		title, _, _ := strings.Cut(strings.TrimPrefix(text("text"), "*"), "*")
		record("slack", title)
		fmt.Fprint(w, "ok")
	case strings.HasPrefix(r.URL.Path, "/_matrix/client/v3/rooms/"+matrixRoom+"/send/m.room.message/") &&
		r.Method == http.MethodPut && r.Header.Get("Authorization") == "Bearer "+matrixToken:
		title, _, _ := strings.Cut(text("body"), "\n")
		record("matrix", title)
		fmt.Fprint(w, `{"event_id":"$1"}`)
	case r.URL.Path == "/message" && r.Header.Get("X-Gotify-Key") == gotifyToken:
		record("gotify", text("title"))
		fmt.Fprint(w, `{"id":1}`)
	default:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"unauthorized"}`)
	}
}

// TestNewChannelsSendTestMessage sends `hoursd test-send`'s message to each
// target the way test-send does (config.Sender, notifier.Send) and checks
// that each service got it: the wiring from keys to requests is right.
func TestNewChannelsSendTestMessage(t *testing.T) {
	svc := &services{titles: map[string]string{}}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	cfg := newChannelsConfig(t, srv.URL)
	anna := cfg.Subscriber("anna")
	msg, err := notifier.TestMessage("sv", "anna", "any")
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range anna.Targets {
		s, err := cfg.Sender(tg)
		if err != nil {
			t.Fatalf("Sender(%s): %v", tg.ID(anna.ID), err)
		}
		o := notifier.Send(t.Context(), notifier.Target{ID: tg.ID(anna.ID), Channel: tg.Channel, Sender: s}, msg, notifier.Policy{})
		if !o.Sent {
			t.Errorf("test message to %s: %v, want it sent", o.Target, o.Err)
		}
	}
	for _, service := range []string{"ntfy", "telegram", "slack", "matrix", "gotify"} {
		if got := svc.titles[service]; got != msg.Subject {
			t.Errorf("%s got the title %q, want %q", service, got, msg.Subject)
		}
	}
}
