package config

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/notifier"
)

func TestSender(t *testing.T) {
	file := writeFile(t, t.TempDir(), "c.yaml", `
schedules: [{id: s, weekly: {}}]
channels:
  - {id: mail, type: email, host: smtp.example.com, from: hoursd@example.com}
  - {id: push, type: pushover, token: azGDORePK8gMaC0QOYAMyEEuzJnyUi}
  - {id: team, type: discord, webhook_url: "https://discord.com/api/webhooks/1/x"}
  - {id: hook, type: webhook, url: "https://example.com/hook"}
  - {id: out, type: console}
subscribers:
  - id: anna
    schedules: [s]
    targets:
      - {channel: mail, address: anna@example.com}
      - {channel: push, user: uQiRzpo4DXghDmr9QzzfQu27cmVRsG}
      - {channel: team}
      - {channel: hook}
      - {channel: out}
`)
	cfg := mustLoad(t, testLoader(nil, nil), file)
	var out bytes.Buffer
	cfg.Stdout = &out

	wantTypes := map[string]string{
		"mail": "*email.Notifier", "push": "*pushover.Notifier", "team": "*discord.Notifier",
		"hook": "*webhook.Notifier", "out": "*console.Notifier",
	}
	// The ids are what the state store, status and the logs name a target
	// by (daemon and test-send call Target.ID the same way).
	anna := cfg.Subscriber("anna")
	var ids []string
	var console notifier.Sender
	for _, tg := range anna.Targets {
		ids = append(ids, tg.ID(anna.ID))
		s, err := cfg.Sender(tg)
		if err != nil {
			t.Errorf("Sender(%+v): %v", tg, err)
			continue
		}
		if got := fmt.Sprintf("%T", s); got != wantTypes[tg.Channel] {
			t.Errorf("Sender(%+v) is a %s, want a %s", tg, got, wantTypes[tg.Channel])
		}
		if tg.Channel == "out" {
			console = s
		}
	}
	if got, want := strings.Join(ids, " "), "anna/mail/anna@example.com anna/push/user-3119f2b3 anna/team anna/hook anna/out"; got != want {
		t.Errorf("target ids of anna = %s, want %s", got, want)
	}

	// The console channel prints to Config.Stdout.
	if console == nil {
		t.Fatal("no sender for the console target")
	}
	if err := console.Send(context.Background(), "Ämne", "Text"); err != nil {
		t.Fatalf("console Send: %v", err)
	}
	if !strings.Contains(out.String(), "Ämne") || !strings.Contains(out.String(), "Text") {
		t.Errorf("console printed %q to Config.Stdout, want the subject and the body", out.String())
	}

	if s, err := cfg.Sender(Target{Channel: "nope"}); err == nil || s != nil {
		t.Errorf("Sender(unknown channel) = %v, %v; want nil and an error", s, err)
	}
}

// TestTargetIDOfDisplayName: a target's id comes from the address alone, so
// that renaming someone does not make a new target that is told everything
// again; a plain address keeps the id it always had.
func TestTargetIDOfDisplayName(t *testing.T) {
	tests := []struct{ name, address, want string }{
		{"plain", "anna@example.com", "anna/mail/anna@example.com"},
		{"plain, as written", "Anna@Example.com", "anna/mail/Anna@Example.com"},
		{"display name", "Anna <anna@example.com>", "anna/mail/anna@example.com"},
		{"quoted display name", `"Anna Andersson" <anna@example.com>`, "anna/mail/anna@example.com"},
		{"another display name", "Anna A. <anna@example.com>", "anna/mail/anna@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Target{Channel: "mail", Address: tt.address}).ID("anna"); got != tt.want {
				t.Errorf("Target{Address: %q}.ID(anna) = %q, want %q", tt.address, got, tt.want)
			}
		})
	}
}
