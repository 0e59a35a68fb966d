package config

import (
	"bytes"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// goodEnv holds the secrets testdata/good/everything.* names.
var goodEnv = map[string]string{
	"DISCORD_BOT_TOKEN": "bot-secret-token",
	"NTFY_TOKEN":        "ntfy-secret",
}

func mustLoad(t *testing.T, l *loader, name string) *Config {
	t.Helper()
	cfg, err := l.load(name)
	if err != nil {
		t.Fatalf("Load(%s): %v\n%s", name, err, formatProblems(problemsOf(t, err)))
	}
	return cfg
}

func show(t *testing.T, cfg *Config) string {
	t.Helper()
	var b bytes.Buffer
	if err := cfg.Show(&b); err != nil {
		t.Fatalf("Show: %v", err)
	}
	_, body, _ := strings.Cut(b.String(), "\n") // the first line names the source
	return body
}

// TestSameConfigInEveryFormat loads the same configuration written in
// YAML, TOML and JSON and expects the same result.
func TestSameConfigInEveryFormat(t *testing.T) {
	for _, set := range [][]string{
		{"../deploy/examples/forsakringskassan.yaml", "../deploy/examples/forsakringskassan.toml"},
		{"testdata/good/everything.yaml", "testdata/good/everything.json"},
	} {
		env := map[string]string{}
		for k, v := range exampleEnv {
			env[k] = v
		}
		for k, v := range goodEnv {
			env[k] = v
		}
		first := mustLoad(t, testLoader(env, fixtureFiles), set[0])
		for _, other := range set[1:] {
			cfg := mustLoad(t, testLoader(env, fixtureFiles), other)
			if a, b := show(t, first), show(t, cfg); a != b {
				t.Errorf("Show(%s) differs from Show(%s):\n%s\n----\n%s", other, set[0], b, a)
			}
			if !reflect.DeepEqual(first.Schedules, cfg.Schedules) {
				t.Errorf("schedules of %s differ from those of %s", other, set[0])
			}
			if !reflect.DeepEqual(first.Channels, cfg.Channels) {
				t.Errorf("channels of %s = %+v, want %+v", other, cfg.Channels, first.Channels)
			}
		}
	}
}

// TestDesignExample checks what the design's example configures.
func TestDesignExample(t *testing.T) {
	cfg := mustLoad(t, testLoader(exampleEnv, fixtureFiles), "../deploy/examples/forsakringskassan.yaml")
	if got, want := cfg.Summary(), "../deploy/examples/forsakringskassan.yaml: 1 schedule, 3 channels, 2 subscribers, time zone Europe/Stockholm"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	mail := cfg.Channel("mail")
	if mail == nil || mail.Email == nil {
		t.Fatalf("Channel(mail) = %+v, want an email channel", mail)
	}
	if mail.Email.Password != smtpPassword || mail.Email.Host != "smtp.example.com" || mail.Email.Port != 587 ||
		mail.Email.TLS != "starttls" || mail.Email.From != "Öppettider <hoursd@example.com>" || mail.Timeout != 30*time.Second {
		// Not %+v of the email.Config: it would print the password.
		t.Errorf("Channel(mail) = %s:%d %s from %q timeout %v, password from $SMTP_PASSWORD %v; want smtp.example.com:587 starttls, the password of $SMTP_PASSWORD, timeout 30s",
			mail.Email.Host, mail.Email.Port, mail.Email.TLS, mail.Email.From, mail.Timeout, mail.Email.Password == smtpPassword)
	}
	if push := cfg.Channel("push"); push.Pushover.Token != pushoverToken {
		t.Errorf("Channel(push).Pushover.Token is not the content of %s without its newline", pushoverFile)
	}
	if team := cfg.Channel("team"); team.Discord.WebhookURL != discordWebhook {
		t.Errorf("Channel(team).Discord.WebhookURL is not $DISCORD_WEBHOOK")
	}
	anna := cfg.Subscriber("anna")
	if anna == nil || !slices.Equal(anna.Remind, []int{7, 1}) || anna.Check != "0 18 * * *" || anna.Language != "sv" {
		t.Errorf("Subscriber(anna) = %+v, want remind [7 1], check 0 18 * * *, language sv", anna)
	}
	wantTargets := []Target{{Channel: "mail", Address: "anna@example.com"}, {Channel: "push", User: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"}}
	if !slices.Equal(anna.Targets, wantTargets) {
		t.Errorf("Subscriber(anna).Targets = %+v, want %+v", anna.Targets, wantTargets)
	}
	team := cfg.Subscriber("team")
	if team == nil || !slices.Equal(team.Remind, []int{1}) || team.Language != "en" {
		t.Errorf("Subscriber(team) = %+v, want the default remind [1] and language en", team)
	}
	if cfg.StateDir != "/var/lib/hoursd" || cfg.HTTP.Listen != "127.0.0.1:9470" || cfg.Location == nil || cfg.Location.String() != "Europe/Stockholm" {
		t.Errorf("state_dir %q, listen %q, location %v; want /var/lib/hoursd, 127.0.0.1:9470, Europe/Stockholm", cfg.StateDir, cfg.HTTP.Listen, cfg.Location)
	}
}

// TestEverything checks that each key of testdata/good/everything.yaml
// lands where it belongs.
func TestEverything(t *testing.T) {
	cfg := mustLoad(t, testLoader(goodEnv, nil), "testdata/good/everything.yaml")
	checks := []struct {
		name      string
		got, want any
	}{
		{"Timezone", cfg.Timezone, "Europe/Helsinki"},
		{"StateDir", cfg.StateDir, "/srv/hoursd"},
		{"Log", cfg.Log, Log{Level: "debug", Format: "json"}},
		{"HTTP.Listen", cfg.HTTP.Listen, ""},
		{"Defaults", cfg.Defaults, Defaults{Check: "@daily", Remind: []int{3, 1}, Language: "en"}},
		{"schedules", len(cfg.Schedules), 2},
		{"mail timeout", cfg.Channel("mail").Timeout, 5 * time.Second},
		{"mail email timeout", cfg.Channel("mail").Email.Timeout, 5 * time.Second},
		{"mail tls", cfg.Channel("mail").Email.TLS, "none"},
		{"push api_url", cfg.Channel("push").Pushover.APIURL, "http://127.0.0.1:8080"},
		// Each channel's own client gives up at the channel's timeout too, so
		// an attempt abandoned by delivery does not linger.
		{"push pushover timeout", cfg.Channel("push").Pushover.Timeout, 10 * time.Second},
		{"bot discord timeout", cfg.Channel("bot").Discord.Timeout, 15 * time.Second},
		{"hook webhook timeout", cfg.Channel("hook").Webhook.Timeout, 20 * time.Second},
		{"bot token", cfg.Channel("bot").Discord.BotToken, "bot-secret-token"},
		{"bot channel", cfg.Channel("bot").Discord.ChannelID, "123456789012345678"},
		// viper lower-cases keys; header names are case-insensitive.
		{"hook headers", cfg.Channel("hook").Webhook.Headers, map[string]string{"authorization": "Bearer ntfy-secret", "x-priority": "3"}},
		{"out timeout", cfg.Channel("out").Timeout, time.Minute},
		{"Anna id keeps its case", cfg.Subscribers[0].ID, "Anna.Svensson"},
		{"Anna address keeps its case", cfg.Subscribers[0].Targets[0].Address, "Anna Svensson <Anna.Svensson@Example.com>"},
		{"Anna language from defaults", cfg.Subscribers[0].Language, "en"},
		{"Anna check", cfg.Subscribers[0].Check, "30 17 * * 1-5"},
		{"Anna remind", cfg.Subscribers[0].Remind, []int{0}},
		{"Anna has templates", cfg.Subscribers[0].Templates != nil, true},
		{"bot-only check from defaults", cfg.Subscribers[1].Check, "@daily"},
		{"bot-only remind from defaults", cfg.Subscribers[1].Remind, []int{3, 1}},
		{"bot-only inherits the top-level templates", cfg.Subscribers[1].Templates != nil, true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}

	k := cfg.Schedule("kundcenter")
	if k == nil {
		t.Fatal(`Schedule("kundcenter") = nil`)
	}
	iv := func(open, close int) schedule.Interval {
		return schedule.Interval{Open: schedule.Clock(open), Close: schedule.Clock(close)}
	}
	weekly := []struct {
		day  time.Weekday
		want schedule.Hours
	}{
		{time.Monday, schedule.Hours{iv(8*60, 16*60)}},
		{time.Thursday, schedule.Hours{iv(8*60, 16*60)}},
		{time.Friday, schedule.Hours{iv(8*60, 12*60), iv(13*60, 15*60)}},
		{time.Saturday, schedule.Hours{iv(22*60, 2*60)}},
		{time.Sunday, nil},
	}
	for _, w := range weekly {
		if got := k.Weekly[w.day]; !got.Equal(w.want) && !(got.Closed() && w.want.Closed()) {
			t.Errorf("kundcenter weekly %v = %v, want %v", w.day, got, w.want)
		}
	}
	wantPeriod := schedule.Period{
		Name: schedule.Name{SV: "Vinter", EN: "Winter"},
		From: schedule.YearDate{Month: 12, Day: 1}, To: schedule.YearDate{Month: 2, Day: 28},
	}
	wantPeriod.Weekly = k.Periods[0].Weekly
	if !reflect.DeepEqual(k.Periods[0], wantPeriod) {
		t.Errorf("kundcenter periods[0] = %+v, want %+v", k.Periods[0], wantPeriod)
	}
	wantEx := []schedule.Exception{
		{From: schedule.Date{Year: 2026, Month: 3, Day: 12}, To: schedule.Date{Year: 2026, Month: 3, Day: 12},
			Name: schedule.Name{SV: "Utbildningsdag", EN: "Training day"}, Closed: true},
		{From: schedule.Date{Year: 2026, Month: 5, Day: 4}, To: schedule.Date{Year: 2026, Month: 5, Day: 6},
			Hours: schedule.Hours{iv(10*60, 14*60)}},
	}
	for i, want := range wantEx {
		got := k.Exceptions[i]
		if got.From != want.From || got.To != want.To || got.Name != want.Name || got.Closed != want.Closed || !got.Hours.Equal(want.Hours) && len(want.Hours) > 0 {
			t.Errorf("kundcenter exceptions[%d] = %+v, want %+v", i, got, want)
		}
	}
	if nd := k.NamedDays[1]; nd.On != "easter-3" || nd.Name != (schedule.Name{SV: "Skärtorsdag", EN: "Maundy Thursday"}) {
		t.Errorf("kundcenter named_days[1] = %+v, want on easter-3 named Skärtorsdag/Maundy Thursday", nd)
	}
}

// TestExamplesValidate loads every example under deploy/examples.
func TestExamplesValidate(t *testing.T) {
	files, _ := filepath.Glob("../deploy/examples/*")
	if len(files) < 3 {
		t.Fatalf("deploy/examples holds %d files, want at least 3", len(files))
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			mustLoad(t, testLoader(exampleEnv, fixtureFiles), name)
		})
	}
}

// TestNumbersAsStrings checks that whole numbers written bare stand for
// the strings they spell.
func TestNumbersAsStrings(t *testing.T) {
	cfg := mustLoad(t, testLoader(goodEnv, nil), "testdata/good/numbers.yaml")
	if got := cfg.Channel("bot").Discord.ChannelID; got != "123456789012345678" {
		t.Errorf("channel_id = %q, want 123456789012345678", got)
	}
	sub := cfg.Subscriber("7")
	if sub == nil || !slices.Equal(sub.Schedules, []string{"2026"}) || !slices.Equal(sub.Remind, []int{7, 1}) {
		t.Errorf("Subscriber(7) = %+v, want schedules [2026] and remind [7 1]", sub)
	}
}

// TestNumbersAsStringsInJSON checks that JSON's numbers, which are all
// floating-point, stand for strings only when they are exact.
func TestNumbersAsStringsInJSON(t *testing.T) {
	file := writeFile(t, t.TempDir(), "c.json", `{
  "schedules": [{"id": 2026, "weekly": {}}],
  "channels": [{"id": 42, "type": "console"},
               {"id": "bot", "type": "discord", "bot_token": "x", "channel_id": 123456789012345678}],
  "subscribers": [{"id": 7, "schedules": [2026], "targets": [{"channel": "42"}]}]
}`)
	_, err := testLoader(nil, nil).load(file)
	want := []Problem{{Path: "channels[1].channel_id", Message: "is too large a number to be read exactly: write it in quotes"}}
	if ps := problemsOf(t, err); !slices.Equal(ps, want) {
		t.Fatalf("problems = %q, want %q", ps, want)
	}

	quoted := writeFile(t, t.TempDir(), "c.json", `{
  "schedules": [{"id": 2026, "weekly": {}}],
  "channels": [{"id": 42, "type": "console"}],
  "subscribers": [{"id": 7, "schedules": [2026], "targets": [{"channel": 42}]}]
}`)
	cfg := mustLoad(t, testLoader(nil, nil), quoted)
	if cfg.Schedule("2026") == nil || cfg.Channel("42") == nil || cfg.Subscriber("7") == nil {
		t.Errorf("whole JSON numbers did not stand for the ids 2026, 42 and 7: %s", cfg.Summary())
	}
}

// TestEmailPortDefault checks that the port follows the tls mode when it
// is left out.
func TestEmailPortDefault(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		keys     string
		wantPort int
		wantTLS  string
	}{
		{"host: smtp.example.com", 587, "starttls"},
		{"host: smtp.example.com, tls: tls", 465, "tls"},
		{"host: localhost, tls: none", 25, "none"},
		{"host: smtp.example.com, tls: tls, port: 2465", 2465, "tls"},
	} {
		file := writeFile(t, dir, "c.yaml", `
schedules: [{id: s, weekly: {}}]
channels: [{id: mail, type: email, from: hoursd@example.com, `+tt.keys+`}]
`)
		cfg := mustLoad(t, testLoader(nil, nil), file)
		if e := cfg.Channel("mail").Email; e.Port != tt.wantPort || e.TLS != tt.wantTLS {
			t.Errorf("{%s}: port %d tls %s, want port %d tls %s", tt.keys, e.Port, e.TLS, tt.wantPort, tt.wantTLS)
		}
	}
}
