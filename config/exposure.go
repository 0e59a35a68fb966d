package config

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
)

// InlineSecrets are the key paths of the secrets written out in the
// configuration itself, as opposed to named (${NAME}) or kept in a file
// (<key>_file): those are the ones anyone who can read the file can read.
func (c *Config) InlineSecrets() []string {
	if c.raw == nil {
		return nil
	}
	var paths []string
	add := func(i int, key string, s Secret) {
		if s != "" && !envRef.MatchString(string(s)) {
			paths = append(paths, fmt.Sprintf("channels[%d].%s", i, key))
		}
	}
	for i, ch := range c.raw.ShownChannels {
		switch r := ch.(type) {
		case *rawEmail:
			add(i, "password", r.Password)
		case *rawPushover:
			add(i, "token", r.Token)
		case *rawDiscord:
			add(i, "webhook_url", r.WebhookURL)
			add(i, "bot_token", r.BotToken)
		case *rawWebhook:
			add(i, "url", r.URL)
			for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
				// "Bearer ${TOKEN}" names its secret: what is left is at
				// most the scheme. "Bearer abc" and "abc" are written out.
				v := string(r.Headers[k])
				rest := strings.Fields(envRefInside.ReplaceAllString(v, ""))
				if named := envRefInside.MatchString(v); (!named && len(rest) > 0) || len(rest) > 1 {
					paths = append(paths, fmt.Sprintf("channels[%d].headers.%s", i, k))
				}
			}
		case *rawNtfy:
			add(i, "token", r.Token)
		case *rawTelegram:
			add(i, "token", r.Token)
		case *rawSlack:
			add(i, "webhook_url", r.WebhookURL)
		case *rawMatrix:
			add(i, "token", r.Token)
		case *rawGotify:
			add(i, "token", r.Token)
		}
	}
	if pg := c.raw.Postgres; pg != nil && pg.DSN != "" && !envRef.MatchString(string(pg.DSN)) && dsnHasPassword(string(pg.DSN)) {
		paths = append(paths, "postgres.dsn")
	}
	return paths
}

// ExposedSecrets says, when the configuration file holds secrets written
// out in it and other users of the machine may read it (mode o+r), what
// is exposed and how to fix it; "" when nothing is. hoursd does not refuse
// such a file: a single-user machine or a container may be fine with it,
// and refusing would turn a warning into an outage at the next restart.
// Group read is left alone: 0640 with the group hoursd runs as is how a
// service is meant to read a file it does not own.
func (c *Config) ExposedSecrets() string {
	paths := c.InlineSecrets()
	if len(paths) == 0 || c.Source == DefaultSource || c.Source == "" {
		return ""
	}
	fi, err := os.Stat(c.Source)
	if err != nil || fi.Mode().Perm()&0o004 == 0 {
		return ""
	}
	return fmt.Sprintf("%s is readable by every user of this machine (mode %04o) and holds %s written out in it (%s): "+
		"chmod o-r it, or move them to <key>_file or ${NAME} (see docs/configuration.md#secrets)",
		c.Source, fi.Mode().Perm()&fs.ModePerm, plural(len(paths), "secret"), strings.Join(paths, ", "))
}
