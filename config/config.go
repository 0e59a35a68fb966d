// Package config loads hoursd's one configuration file (YAML, TOML or JSON)
// with viper, resolves secrets, applies defaults, validates everything with
// key paths, and builds the schedule and channel values the rest of hoursd
// uses. Nothing else in hoursd reads viper.
package config

import (
	"io"
	"time"

	"github.com/hoursd/hoursd/notifier"
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

// Config is the loaded, validated configuration.
type Config struct {
	Source   string // the file it came from, or "built-in default"
	Timezone string
	Location *time.Location
	StateDir string
	Log      Log
	HTTP     HTTP
	Defaults Defaults

	Schedules   []*schedule.Schedule // validated
	Channels    []Channel
	Subscribers []Subscriber
	// Postgres is where the state lives when replicas share it; nil
	// without a postgres section, when the state is the state
	// directory's file.
	Postgres *Postgres
	// Sources are the schedules' sources, in the order of the schedules;
	// a schedule without one has none here (see SourceOf).
	Sources []Source

	// Stdout is where console channels print; nil is os.Stdout. Tests and
	// the command line set it.
	Stdout io.Writer

	raw *rawFile // the file with defaults filled in, for Show; its subscribers are Subscribers
	// ownTemplates are the templates subscribers give themselves, as
	// written, by subscriber id, for Show.
	ownTemplates map[string]*rawTemplates
}

// Log is the logging setup.
type Log struct {
	Level  string // debug|info|warn|error
	Format string // text|json
}

// HTTP is the health/metrics listener; Listen "" turns it off.
type HTTP struct {
	Listen string
}

// Defaults apply to subscribers that do not set their own.
type Defaults struct {
	Check    string
	Remind   []int
	Language string
}

// Channel is one configured channel. Exactly one of the typed fields is set,
// matching Type (console has none).
type Channel struct {
	ID       string
	Type     string // email|pushover|discord|webhook|ntfy|telegram|slack|matrix|gotify|console
	Timeout  time.Duration
	Email    *email.Config
	Pushover *pushover.Config
	Discord  *discord.Config
	Webhook  *webhook.Config
	Ntfy     *ntfy.Config
	Telegram *telegram.Config
	Slack    *slack.Config
	Matrix   *matrix.Config
	Gotify   *gotify.Config
}

// Subscriber follows schedules and is reached through targets.
type Subscriber struct {
	ID        string
	Language  string
	Schedules []string
	Check     string // cron spec or descriptor, validated
	Remind    []int
	Targets   []Target
	Templates *notifier.Templates // nil: built-in texts
}

// Target is one way to reach a subscriber.
type Target struct {
	Channel string
	Address string // email
	User    string // pushover
	Topic   string // ntfy
	Chat    string // telegram
	Room    string // matrix
}
