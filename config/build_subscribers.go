package config

import (
	"cmp"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/matrix"
	"github.com/hoursd/hoursd/notifier/ntfy"
	"github.com/hoursd/hoursd/notifier/pushover"
	"github.com/hoursd/hoursd/notifier/telegram"
)

func (b *builder) buildSubscribers(c *Config) {
	ids := make([]string, 0, len(b.raw.Subscribers))
	c.Subscribers = make([]Subscriber, 0, len(b.raw.Subscribers))
	d := b.raw.Defaults
	for i := range b.raw.Subscribers {
		r := &b.raw.Subscribers[i]
		p := index("subscribers", i)
		b.checkID(join(p, "id"), "subscriber", r.ID, &ids)

		if r.Language == "" {
			r.Language = d.Language
		} else {
			b.oneOf(join(p, "language"), "language", r.Language, languages)
		}
		if r.Check == "" {
			r.Check = d.Check
		} else if _, err := ParseCheck(r.Check); err != nil {
			b.add(join(p, "check"), "%v", err)
		}
		if r.Remind == nil {
			rm := slices.Clone(*d.Remind)
			r.Remind = &rm
		} else {
			b.checkRemind(join(p, "remind"), *r.Remind)
		}

		if len(r.Schedules) == 0 {
			b.add(join(p, "schedules"), "missing: the ids of the schedules to follow")
		}
		for j, id := range r.Schedules {
			switch q := index(join(p, "schedules"), j); {
			case !slices.Contains(b.scheduleIDs, id):
				b.add(q, "unknown schedule %q%s", id, known(b.scheduleIDs))
			case slices.Index(r.Schedules, id) < j:
				b.add(q, "schedule %q is given twice", id)
			}
		}

		if len(r.Targets) == 0 {
			b.add(join(p, "targets"), "missing: at least one target, e.g. targets: [{channel: mail, address: anna@example.com}]")
		}
		targets := make([]Target, 0, len(r.Targets))
		for j, t := range r.Targets {
			q := index(join(p, "targets"), j)
			b.checkTarget(q, t)
			// Compared by id: "Anna <anna@example.com>" and
			// anna@example.com are one target.
			if slices.ContainsFunc(targets, func(u Target) bool { return u.ID(r.ID) == Target(t).ID(r.ID) }) {
				b.add(q, "the same target is given twice")
			}
			targets = append(targets, Target(t))
		}

		tm := b.templates
		if r.Templates != nil {
			if c.ownTemplates == nil {
				c.ownTemplates = map[string]*rawTemplates{}
			}
			c.ownTemplates[r.ID] = r.Templates
			b.checkTemplates(join(p, "templates"), *r.Templates)
			tm.Subject = cmp.Or(r.Templates.Subject, tm.Subject)
			tm.Body = cmp.Or(r.Templates.Body, tm.Body)
		}
		var parsed *notifier.Templates
		if tm.Subject != "" || tm.Body != "" {
			// Subscribers with the same templates (those that inherit the
			// top-level ones) share one parse: templates are safe for
			// concurrent use, and a hundred thousand copies are not small.
			var ok bool
			if parsed, ok = b.parsed[tm]; !ok {
				var err error
				if parsed, err = notifier.ParseTemplates(tm.Subject, tm.Body); err != nil {
					// Each template was checked where it was written; this
					// only fails when they were already reported.
					parsed = nil
				}
				if b.parsed == nil {
					b.parsed = map[rawTemplates]*notifier.Templates{}
				}
				b.parsed[tm] = parsed
			}
		}
		c.Subscribers = append(c.Subscribers, Subscriber{
			ID:        r.ID,
			Language:  r.Language,
			Schedules: slices.Clone(r.Schedules),
			Check:     r.Check,
			Remind:    slices.Clone(*r.Remind),
			Targets:   targets,
			Templates: parsed,
		})
	}
	// Show prints the subscribers from c.Subscribers (see
	// shownSubscribers), so the raw ones, as many again, are let go.
	b.raw.Subscribers = nil
}

// shownSubscribers are the subscribers as `config show` prints them: as
// written, with the defaults filled in. They are made from c.Subscribers,
// which hold the same values, rather than kept beside them: a file of a
// hundred thousand subscribers would keep them all twice.
func (c *Config) shownSubscribers() []rawSubscriber {
	out := make([]rawSubscriber, len(c.Subscribers))
	for i, s := range c.Subscribers {
		targets := make([]rawTarget, len(s.Targets))
		for j, t := range s.Targets {
			targets[j] = rawTarget(t)
		}
		remind := s.Remind
		out[i] = rawSubscriber{ID: s.ID, Language: s.Language, Schedules: s.Schedules, Check: s.Check,
			Remind: &remind, Targets: targets, Templates: c.ownTemplates[s.ID]}
	}
	return out
}

func (b *builder) checkTarget(q string, t rawTarget) {
	if t.Channel == "" {
		b.add(join(q, "channel"), "missing: the id of a channel%s", known(b.channelIDs))
		return
	}
	typ, ok := b.channels[t.Channel]
	if !ok {
		b.add(join(q, "channel"), "unknown channel %q%s", t.Channel, known(b.channelIDs))
		return
	}
	if !slices.Contains(channelTypes, typ) {
		return // the channel's type is reported; its targets cannot be checked
	}
	switch typ {
	case TypeEmail:
		if t.Address == "" {
			b.add(join(q, "address"), "missing: channel %s sends email, so the target needs an address", t.Channel)
		} else if _, err := mail.ParseAddress(t.Address); err != nil {
			b.add(join(q, "address"), "%q is not an email address", t.Address)
		}
	case TypePushover:
		if t.User == "" {
			b.add(join(q, "user"), "missing: channel %s is Pushover, so the target needs a user key", t.Channel)
		} else if !pushover.IsKey(t.User) {
			b.add(join(q, "user"), "%q is not a Pushover user key: those are 30 letters and digits", t.User)
		}
	case TypeNtfy:
		if t.Topic == "" {
			b.add(join(q, "topic"), "missing: channel %s is ntfy, so the target needs a topic", t.Channel)
		} else if !ntfy.TopicPattern.MatchString(t.Topic) {
			// Not quoted: on a public server the topic is the secret.
			b.add(join(q, "topic"), "is not an ntfy topic: those are 1 to 64 letters, digits, '-' and '_'")
		}
	case TypeTelegram:
		if t.Chat == "" {
			b.add(join(q, "chat"), "missing: channel %s is Telegram, so the target needs a chat id", t.Channel)
		} else if !telegram.ChatPattern.MatchString(t.Chat) {
			b.add(join(q, "chat"), "%q is not a Telegram chat id (a number, -100… for groups and channels) or a channel's @username", t.Chat)
		}
	case TypeMatrix:
		switch {
		case t.Room == "":
			b.add(join(q, "room"), "missing: channel %s is Matrix, so the target needs a room id", t.Channel)
		case strings.HasPrefix(t.Room, "#"):
			b.add(join(q, "room"), "%q is a room alias; give the room id (!…:server, in Element under Room settings → Advanced)", t.Room)
		case !matrix.RoomPattern.MatchString(t.Room):
			b.add(join(q, "room"), "%q is not a Matrix room id (!…:server)", t.Room)
		}
	}
	if t.Address != "" && typ != TypeEmail {
		b.add(join(q, "address"), "not used: channel %s is %s, only email targets have an address", t.Channel, typ)
	}
	if t.User != "" && typ != TypePushover {
		b.add(join(q, "user"), "not used: channel %s is %s, only pushover targets have a user", t.Channel, typ)
	}
	if t.Topic != "" && typ != TypeNtfy {
		b.add(join(q, "topic"), "not used: channel %s is %s, only ntfy targets have a topic", t.Channel, typ)
	}
	if t.Chat != "" && typ != TypeTelegram {
		b.add(join(q, "chat"), "not used: channel %s is %s, only telegram targets have a chat", t.Channel, typ)
	}
	if t.Room != "" && typ != TypeMatrix {
		b.add(join(q, "room"), "not used: channel %s is %s, only matrix targets have a room", t.Channel, typ)
	}
}

// known lists the ids a reference may name.
func known(ids []string) string {
	if len(ids) == 0 {
		return " (none is configured)"
	}
	return " (configured: " + strings.Join(ids, ", ") + ")"
}

// suggest proposes the closest of candidates to a misspelt word. The
// distance allowed grows with the word, so that a short unknown key ("a")
// is not taken for a typo of an unrelated one ("log").
func suggest(word string, candidates []string) string {
	best, bestDist := "", 1+max(1, min(3, len(word)/4))
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance is the number of letters to insert, delete, replace or swap
// with their neighbour to turn a into b (the optimal string alignment
// distance), in bytes: keys and ids are ASCII.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
