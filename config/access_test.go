package config

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
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
	for _, tg := range cfg.Subscriber("anna").Targets {
		s, err := cfg.Sender(tg)
		if err != nil {
			t.Errorf("Sender(%+v): %v", tg, err)
			continue
		}
		if got := fmt.Sprintf("%T", s); got != wantTypes[tg.Channel] {
			t.Errorf("Sender(%+v) is a %s, want a %s", tg, got, wantTypes[tg.Channel])
		}
	}

	targets, err := cfg.Targets(cfg.Subscriber("anna"))
	if err != nil {
		t.Fatalf("Targets(anna): %v", err)
	}
	var ids []string
	for _, tg := range targets {
		ids = append(ids, tg.ID)
	}
	if got, want := strings.Join(ids, " "), "anna/mail/anna@example.com anna/push/user-3119f2b3 anna/team anna/hook anna/out"; got != want {
		t.Errorf("Targets(anna) ids = %s, want %s", got, want)
	}

	// The console channel prints to Config.Stdout.
	if err := targets[4].Sender.Send(context.Background(), "Ämne", "Text"); err != nil {
		t.Fatalf("console Send: %v", err)
	}
	if !strings.Contains(out.String(), "Ämne") || !strings.Contains(out.String(), "Text") {
		t.Errorf("console printed %q to Config.Stdout, want the subject and the body", out.String())
	}

	if s, err := cfg.Sender(Target{Channel: "nope"}); err == nil || s != nil {
		t.Errorf("Sender(unknown channel) = %v, %v; want nil and an error", s, err)
	}
}
