package secret_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier/discord"
	"github.com/hoursd/hoursd/notifier/email"
	"github.com/hoursd/hoursd/notifier/internal/secret"
	"github.com/hoursd/hoursd/notifier/pushover"
	"github.com/hoursd/hoursd/notifier/webhook"
)

const (
	password  = "smtp-pw-s3cr3t"
	token     = "azGDORePK8gMaC0QOYAMyEEuzJnyUi" // a Pushover application token
	userKey   = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
	hookToken = "hook-t0ken-s3cr3t"
	botToken  = "MTIz.bot-s3cr3t"
	bearer    = "Bearer tk_s3cr3t"
	ntfyTopic = "hoursd-topic-s3cr3t"
)

// TestConfigsHideSecrets prints every channel's Config, and the Notifier
// built from it, every way fmt and slog print a value, and looks for the
// secrets in the output.
func TestConfigsHideSecrets(t *testing.T) {
	emailCfg := email.Config{Host: "smtp.example.com", Username: "hoursd", Password: password,
		From: "hoursd@example.com", Timeout: 10 * time.Second}
	pushoverCfg := pushover.Config{Token: token, APIURL: "https://proxy-user:proxy-s3cr3t@proxy.example/1"}
	hookCfg := discord.Config{WebhookURL: "https://discord.com/api/webhooks/123/" + hookToken}
	botCfg := discord.Config{BotToken: botToken, ChannelID: "42"}
	webhookCfg := webhook.Config{URL: "https://ntfy.example/" + ntfyTopic + "?auth=q-s3cr3t",
		Headers: map[string]string{"Authorization": bearer}}

	emailN, err := email.New(emailCfg, "anna@example.com")
	if err != nil {
		t.Fatal(err)
	}
	pushoverN, err := pushover.New(pushoverCfg, userKey)
	if err != nil {
		t.Fatal(err)
	}
	hookN, err := discord.New(hookCfg)
	if err != nil {
		t.Fatal(err)
	}
	webhookN, err := webhook.New(webhookCfg)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		value any
		want  string // something the output must still say, so a reader learns what it is
	}{
		{"email.Config", emailCfg, "smtp.example.com"},
		{"*email.Config", &emailCfg, "smtp.example.com"},
		{"pushover.Config", pushoverCfg, "proxy.example"},
		{"discord.Config webhook", hookCfg, "discord.com"},
		{"discord.Config bot", botCfg, "42"},
		{"webhook.Config", webhookCfg, "Authorization"},
		{"*email.Notifier", emailN, "anna@example.com"},
		{"*pushover.Notifier", pushoverN, "proxy.example"},
		{"*discord.Notifier", hookN, "discord.com"},
		{"*webhook.Notifier", webhookN, "ntfy.example"},
	}
	secrets := []string{"s3cr3t", token, userKey}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outputs := map[string]string{}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				outputs[verb] = fmt.Sprintf(verb, tt.value)
			}
			// A Config inside another value, as a caller might log it.
			outputs["nested %+v"] = fmt.Sprintf("%+v", struct{ Channel any }{tt.value})
			for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
				"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
				"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			} {
				var b bytes.Buffer
				slog.New(h(&b)).Info("channel", "cfg", tt.value)
				outputs[name] = b.String()
			}
			for how, out := range outputs {
				for _, s := range secrets {
					if strings.Contains(out, s) {
						t.Errorf("%s of %s = %q, shows the secret %q", how, tt.name, out, s)
					}
				}
				if !strings.Contains(out, tt.want) {
					t.Errorf("%s of %s = %q, want it to still say %q", how, tt.name, out, tt.want)
				}
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, wantString, wantURL string
	}{
		{"empty", "", "", ""},
		{"set", "hunter22", "***", "***"},
		{"webhook url", "https://discord.com/api/webhooks/1/tok", "***", "https://discord.com/***"},
		{"url with user info", "https://u:p@ntfy.example/topic", "***", "https://ntfy.example/***"},
		{"key in the host", "https://k3y-9f2a.m.pipedream.net/", "***", "https://***.m.pipedream.net/***"},
		{"word in the host", "https://hooks.slack.com/services/T0/B0/x", "***", "https://hooks.slack.com/***"},
		{"loopback with port", "http://127.0.0.1:8080/hook", "***", "http://127.0.0.1:8080/***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := secret.String(tt.in); got != tt.wantString {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.wantString)
			}
			if got := secret.URL(tt.in); got != tt.wantURL {
				t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.wantURL)
			}
		})
	}
}

// TestURLParts: the parts of a secret URL that are masked on their own
// are those that can carry a key, never an ordinary word.
func TestURLParts(t *testing.T) {
	tests := []struct {
		name, url string
		want      []string // must be among the parts
		not       []string // must not be
	}{
		{"discord", "https://discord.com/api/webhooks/1/t0ken", []string{"t0ken", "/api/webhooks/1/t0ken"}, []string{"webhooks", "api"}},
		{"ends in a word", "https://example.com/hook", nil, []string{"hook", "/hook"}},
		{"query key", "https://example.com/post?key=s3cr3t", []string{"s3cr3t", "key=s3cr3t"}, []string{"post"}},
		{"key in the host", "https://k3y9.m.example.net/x", []string{"k3y9.m"}, []string{"example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := secret.URLParts(tt.url)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("URLParts(%q) = %q, want it to hold %q", tt.url, got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("URLParts(%q) = %q, want no %q", tt.url, got, n)
				}
			}
		})
	}
}

func TestUserinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.telegram.org", "https://api.telegram.org"},
		{"https://proxy:pa55w0rd@push.example.org:8443/api", "https://proxy:xxxxx@push.example.org:8443/api"},
		{"https://user@ntfy.example.org", "https://user@ntfy.example.org"},
		{"://bad url", secret.Mask},
	}
	for _, tt := range tests {
		if got := secret.Userinfo(tt.in); got != tt.want {
			t.Errorf("Userinfo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
