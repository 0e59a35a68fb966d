package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/console"
	"github.com/hoursd/hoursd/notifier/discord"
	"github.com/hoursd/hoursd/notifier/email"
	"github.com/hoursd/hoursd/notifier/gotify"
	"github.com/hoursd/hoursd/notifier/matrix"
	"github.com/hoursd/hoursd/notifier/ntfy"
	"github.com/hoursd/hoursd/notifier/pushover"
	"github.com/hoursd/hoursd/notifier/slack"
	"github.com/hoursd/hoursd/notifier/telegram"
	"github.com/hoursd/hoursd/notifier/webhook"
	"github.com/hoursd/hoursd/schedule"
)

// Schedule returns the schedule with id, or nil.
func (c *Config) Schedule(id string) *schedule.Schedule {
	for _, s := range c.Schedules {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Channel returns the channel with id, or nil.
func (c *Config) Channel(id string) *Channel {
	for i := range c.Channels {
		if c.Channels[i].ID == id {
			return &c.Channels[i]
		}
	}
	return nil
}

// Subscriber returns the subscriber with id, or nil.
func (c *Config) Subscriber(id string) *Subscriber {
	for i := range c.Subscribers {
		if c.Subscribers[i].ID == id {
			return &c.Subscribers[i]
		}
	}
	return nil
}

// Sender builds the channel's sender for one target of a subscriber.
func (c *Config) Sender(t Target) (notifier.Sender, error) {
	ch := c.Channel(t.Channel)
	if ch == nil {
		return nil, fmt.Errorf("build sender: unknown channel %q", t.Channel)
	}
	var (
		s   notifier.Sender
		err error
	)
	// Each case assigns only on success, so that a failed New never
	// leaves a typed nil pointer in the interface.
	switch ch.Type {
	case TypeEmail:
		var n *email.Notifier
		if n, err = email.New(*ch.Email, t.Address); err == nil {
			s = n
		}
	case TypePushover:
		var n *pushover.Notifier
		if n, err = pushover.New(*ch.Pushover, t.User); err == nil {
			s = n
		}
	case TypeDiscord:
		var n *discord.Notifier
		if n, err = discord.New(*ch.Discord); err == nil {
			s = n
		}
	case TypeWebhook:
		var n *webhook.Notifier
		if n, err = webhook.New(*ch.Webhook); err == nil {
			s = n
		}
	case TypeNtfy:
		var n *ntfy.Notifier
		if n, err = ntfy.New(*ch.Ntfy, t.Topic); err == nil {
			s = n
		}
	case TypeTelegram:
		var n *telegram.Notifier
		if n, err = telegram.New(*ch.Telegram, t.Chat); err == nil {
			s = n
		}
	case TypeSlack:
		var n *slack.Notifier
		if n, err = slack.New(*ch.Slack); err == nil {
			s = n
		}
	case TypeMatrix:
		var n *matrix.Notifier
		if n, err = matrix.New(*ch.Matrix, t.Room); err == nil {
			s = n
		}
	case TypeGotify:
		var n *gotify.Notifier
		if n, err = gotify.New(*ch.Gotify); err == nil {
			s = n
		}
	case TypeConsole:
		w := c.Stdout
		if w == nil {
			w = os.Stdout
		}
		s = console.New(w)
	default:
		err = fmt.Errorf("unknown channel type %q", ch.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("build sender for channel %s: %w", ch.ID, err)
	}
	return s, nil
}

// Show writes the effective configuration as YAML: the file with the
// defaults and the environment applied, every secret as ***. Paths of
// secret files are shown: they are not secret and say where a secret comes
// from.
func (c *Config) Show(w io.Writer) error {
	if c.raw == nil {
		return fmt.Errorf("show config: the configuration was not loaded by config.Load")
	}
	fmt.Fprintf(w, "# effective configuration from %s\n", c.Source)
	shown := *c.raw
	shown.Subscribers = c.shownSubscribers()
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&shown); err != nil {
		return fmt.Errorf("show config: %w", err)
	}
	return enc.Close()
}

// Summary is one line saying what was loaded, for `hoursd validate` and the
// daemon's start: "config.yaml: 1 schedule, 3 channels, 2 subscribers, time
// zone Europe/Stockholm".
func (c *Config) Summary() string {
	return fmt.Sprintf("%s: %s, %s, %s, time zone %s", c.Source,
		plural(len(c.Schedules), "schedule"), plural(len(c.Channels), "channel"),
		plural(len(c.Subscribers), "subscriber"), c.Timezone)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// bareAddress is the address of an email target without its display name:
// "Anna <anna@example.com>" is anna@example.com. The display name is how
// the message greets its reader, not who it goes to, so renaming someone
// must not make a new target that is told everything again; and a masked
// address ("a***@example.com") must come from the address, not the name.
// A plain address is kept exactly as written, so that the targets of every
// existing state file keep their ids.
func bareAddress(a string) string {
	if !strings.Contains(a, "<") {
		return a
	}
	if p, err := mail.ParseAddress(a); err == nil {
		return p.Address
	}
	return a
}

// ID names a target of subscriber the same way in the state store, the logs,
// `hoursd status` and `hoursd test-send`, and stably across edits that
// reorder targets: the subscriber, the channel and the address (email) or a
// digest of the user key (a Pushover user key lets anyone holding the app
// token reach that person, so hoursd does not print it). An ntfy topic and
// a Telegram chat id are shown by digest for the same reason (a topic on a
// public server is all it takes to read the messages); a Matrix room id is
// shown as it is, since posting to a room takes a member's access token.
func (t Target) ID(subscriber string) string {
	id := subscriber + "/" + t.Channel
	digest := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:4])
	}
	switch {
	case t.Address != "":
		id += "/" + bareAddress(t.Address)
	case t.User != "":
		id += "/user-" + digest(t.User)
	case t.Topic != "":
		id += "/topic-" + digest(t.Topic)
	case t.Chat != "":
		id += "/chat-" + digest(t.Chat)
	case t.Room != "":
		id += "/" + t.Room
	}
	return id
}
