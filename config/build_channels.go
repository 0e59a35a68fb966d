package config

import (
	"maps"
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

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
)

func (b *builder) buildChannels(c *Config) {
	b.channels = map[string]string{}
	for i, m := range b.raw.Channels {
		p := index("channels", i)
		typ, _ := m["type"].(string)
		id, _ := m["id"].(string)
		var (
			ch    Channel
			shown any
		)
		switch typ {
		case TypeEmail:
			ch, shown = decodeChannel(b, p, m, b.email)
		case TypePushover:
			ch, shown = decodeChannel(b, p, m, b.pushover)
		case TypeDiscord:
			ch, shown = decodeChannel(b, p, m, b.discord)
		case TypeWebhook:
			ch, shown = decodeChannel(b, p, m, b.webhook)
		case TypeNtfy:
			ch, shown = decodeChannel(b, p, m, b.ntfy)
		case TypeTelegram:
			ch, shown = decodeChannel(b, p, m, b.telegram)
		case TypeSlack:
			ch, shown = decodeChannel(b, p, m, b.slack)
		case TypeMatrix:
			ch, shown = decodeChannel(b, p, m, b.matrix)
		case TypeGotify:
			ch, shown = decodeChannel(b, p, m, b.gotify)
		case TypeConsole:
			ch, shown = decodeChannel(b, p, m, b.console)
		case "":
			b.add(join(p, "type"), "missing: one of %s", strings.Join(channelTypes, ", "))
		default:
			b.add(join(p, "type"), "unknown channel type %q; use one of %s", typ, strings.Join(channelTypes, ", "))
		}
		if shown != nil {
			c.Channels = append(c.Channels, ch)
			id = ch.ID // decoded: a bare number is an id too
		} else {
			// Still known to targets, so that they do not each report
			// an unknown channel on top of the real mistake.
			b.checkID(join(p, "id"), "channel", id, &b.channelIDs)
			shown = m
		}
		if _, taken := b.channels[id]; !taken {
			b.channels[id] = typ
		}
		b.raw.ShownChannels = append(b.raw.ShownChannels, shown)
	}
}

// decodeChannel decodes a channel of the type whose keys R holds and
// builds it; it returns the decoded keys too, for show.
func decodeChannel[R any](b *builder, p string, m map[string]any, build func(string, *R) Channel) (Channel, *R) {
	r := new(R)
	own := keysOf(reflect.TypeFor[R]())
	m = maps.Clone(m)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if slices.Contains(own, k) {
			continue
		}
		// A key of another type of channel: say so rather than only
		// "unknown key", the user probably mixed up two channels. A key
		// several types have (token) names them all.
		var owners []string
		for _, typ := range channelTypes {
			if slices.Contains(keysOf(channelKeys[typ]), k) {
				owners = append(owners, typ)
			}
		}
		if len(owners) > 0 {
			list := owners[len(owners)-1]
			if len(owners) > 1 {
				list = strings.Join(owners[:len(owners)-1], ", ") + " and " + list
			}
			b.add(join(p, k), "not a key of a %s channel, only of %s channels", m["type"], list)
			delete(m, k)
		}
	}
	b.decode(p, m, r)
	return build(p, r), r
}

// channelKeys are the types that hold each channel type's keys.
var channelKeys = map[string]reflect.Type{
	TypeEmail:    reflect.TypeFor[rawEmail](),
	TypePushover: reflect.TypeFor[rawPushover](),
	TypeDiscord:  reflect.TypeFor[rawDiscord](),
	TypeWebhook:  reflect.TypeFor[rawWebhook](),
	TypeNtfy:     reflect.TypeFor[rawNtfy](),
	TypeTelegram: reflect.TypeFor[rawTelegram](),
	TypeSlack:    reflect.TypeFor[rawSlack](),
	TypeMatrix:   reflect.TypeFor[rawMatrix](),
	TypeGotify:   reflect.TypeFor[rawGotify](),
	TypeConsole:  reflect.TypeFor[rawConsole](),
}

func (b *builder) console(p string, r *rawConsole) Channel { return b.common(p, &r.rawChannelCommon) }

// common checks the keys every channel has and fills in the timeout.
func (b *builder) common(p string, r *rawChannelCommon) Channel {
	b.checkID(join(p, "id"), "channel", r.ID, &b.channelIDs)
	if r.Timeout == "" {
		r.Timeout = DefaultTimeout.String()
	}
	ch := Channel{ID: r.ID, Type: r.Type, Timeout: DefaultTimeout}
	d, err := time.ParseDuration(r.Timeout)
	switch {
	case err != nil:
		b.add(join(p, "timeout"), "%q is not a duration such as 30s or 1m", r.Timeout)
	case d <= 0:
		b.add(join(p, "timeout"), "%s is not positive", r.Timeout)
	default:
		ch.Timeout = d
	}
	return ch
}

func (b *builder) email(p string, r *rawEmail) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	if r.TLS == "" {
		r.TLS = DefaultTLS
	}
	cfg := &email.Config{Host: r.Host, Port: r.Port, TLS: r.TLS, Username: r.Username, From: r.From, Timeout: ch.Timeout}
	if r.Host == "" {
		b.add(join(p, "host"), "missing: the SMTP server's host name")
	}
	if r.Port == 0 {
		r.Port = defaultPorts[r.TLS]
		cfg.Port = r.Port
	}
	if r.Port < 0 || r.Port > 65535 {
		b.add(join(p, "port"), "%d is not a port number", r.Port)
	}
	b.oneOf(join(p, "tls"), "tls mode", r.TLS, tlsModes)
	if r.TLS == email.TLSNone && r.Host != "" && !notifier.IsLoopback(r.Host) {
		b.add(join(p, "tls"), "none would send the password and messages in clear text to %s; it is only allowed towards localhost", r.Host)
	}
	if r.From == "" {
		b.add(join(p, "from"), "missing: the sender address, e.g. \"Öppettider <hoursd@example.com>\"")
	} else if _, err := mail.ParseAddress(r.From); err != nil {
		b.add(join(p, "from"), "%q is not an email address", r.From)
	}
	cfg.Password = b.secrets.resolve(b.ps, p, "password", r.Password, r.PasswordFile)
	hasPassword := b.given(p, "password", r.Password, r.PasswordFile)
	switch {
	case r.Username != "" && !hasPassword:
		b.add(join(p, "password"), "missing: username is given, so is the password (password or password_file)")
	case r.Username == "" && hasPassword:
		b.add(join(p, "username"), "missing: a password is given, so is the username")
	}
	ch.Email = cfg
	return ch
}

// given says whether the channel at p gives the secret key, as a value or
// a file; one of the wrong type counts as given, it is reported already.
func (b *builder) given(p, key string, lit Secret, file string) bool {
	return lit != "" || file != "" || b.failed(p, key, key+"_file")
}

// defaultPorts are the usual SMTP ports of each tls mode: submission with
// STARTTLS, submissions (implicit TLS), and plain SMTP to a local relay.
var defaultPorts = map[string]int{email.TLSStartTLS: 587, email.TLSImplicit: 465, email.TLSNone: 25}

func (b *builder) pushover(p string, r *rawPushover) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &pushover.Config{APIURL: r.APIURL, Timeout: ch.Timeout}
	if !b.given(p, "token", r.Token, r.TokenFile) {
		b.add(join(p, "token"), "missing: the Pushover application's API token (token or token_file)")
	} else if cfg.Token = b.secrets.resolve(b.ps, p, "token", r.Token, r.TokenFile); cfg.Token != "" && !pushover.IsKey(cfg.Token) {
		b.add(join(p, "token"), "is not a Pushover API token: those are 30 letters and digits")
	}
	if r.APIURL != "" {
		checkSecretURL(b.ps, join(p, "api_url"), r.APIURL)
	}
	ch.Pushover = cfg
	return ch
}

func (b *builder) discord(p string, r *rawDiscord) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &discord.Config{ChannelID: r.ChannelID, Timeout: ch.Timeout}
	hasWebhook := b.given(p, "webhook_url", r.WebhookURL, r.WebhookURLFile)
	hasBot := b.given(p, "bot_token", r.BotToken, r.BotTokenFile)
	switch {
	case hasWebhook && (hasBot || r.ChannelID != ""):
		b.add(p, "give either webhook_url or bot_token and channel_id, not both")
	case hasWebhook:
		if cfg.WebhookURL = b.secrets.resolve(b.ps, p, "webhook_url", r.WebhookURL, r.WebhookURLFile); cfg.WebhookURL != "" {
			checkSecretURL(b.ps, join(p, "webhook_url"), cfg.WebhookURL)
		}
	case hasBot || r.ChannelID != "":
		cfg.BotToken = b.secrets.resolve(b.ps, p, "bot_token", r.BotToken, r.BotTokenFile)
		if !hasBot {
			b.add(join(p, "bot_token"), "missing: channel_id is given, so is the bot's token (bot_token or bot_token_file)")
		}
		if r.ChannelID == "" {
			b.add(join(p, "channel_id"), "missing: bot_token is given, so is the id of the channel to post to")
		} else if _, err := strconv.ParseUint(r.ChannelID, 10, 64); err != nil {
			b.add(join(p, "channel_id"), "%q is not a Discord channel id (a number)", r.ChannelID)
		}
	default:
		b.add(join(p, "webhook_url"), "missing: the channel's webhook URL (webhook_url or webhook_url_file), or bot_token and channel_id")
	}
	ch.Discord = cfg
	return ch
}

func (b *builder) webhook(p string, r *rawWebhook) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &webhook.Config{Timeout: ch.Timeout}
	if !b.given(p, "url", r.URL, r.URLFile) {
		b.add(join(p, "url"), "missing: the URL to post to (url or url_file)")
	} else if cfg.URL = b.secrets.resolve(b.ps, p, "url", r.URL, r.URLFile); cfg.URL != "" {
		checkSecretURL(b.ps, join(p, "url"), cfg.URL)
	}
	if len(r.Headers) > 0 {
		cfg.Headers = make(map[string]string, len(r.Headers))
		for k, v := range r.Headers {
			hp := join(join(p, "headers"), k)
			value := b.secrets.resolveHeader(b.ps, hp, v)
			// A line break in a value would end the header and start
			// another (or the body) in what hoursd sends; Go's client
			// refuses such a request at every send instead. Neither name
			// nor value is quoted: the value is a secret.
			switch {
			case !httpguts.ValidHeaderFieldName(k):
				b.add(hp, "is not a header name: those are letters, digits and !#$%%&'*+-.^_`|~")
			case strings.ContainsAny(value, "\r\n"):
				b.add(hp, "the value holds a line break (CR or LF): a header is one line")
			case !httpguts.ValidHeaderFieldValue(value):
				b.add(hp, "the value holds a control character: a header is printable text")
			}
			cfg.Headers[k] = value
		}
	}
	ch.Webhook = cfg
	return ch
}

func (b *builder) ntfy(p string, r *rawNtfy) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	if r.Server == "" {
		r.Server = ntfy.DefaultServer
	}
	if r.Priority == 0 {
		r.Priority = ntfy.DefaultPriority
	}
	cfg := &ntfy.Config{Server: r.Server, Priority: r.Priority, Timeout: ch.Timeout}
	if b.given(p, "token", r.Token, r.TokenFile) {
		// The token is sent to the server, so the server must be https.
		cfg.Token = b.secrets.resolve(b.ps, p, "token", r.Token, r.TokenFile)
		checkSecretURL(b.ps, join(p, "server"), r.Server)
	} else {
		checkHTTPURL(b.ps, join(p, "server"), r.Server)
	}
	if r.Priority < 1 || r.Priority > 5 {
		b.add(join(p, "priority"), "%d is not an ntfy priority: 1 (min) to 5 (max), 3 is the default", r.Priority)
	}
	ch.Ntfy = cfg
	return ch
}

func (b *builder) telegram(p string, r *rawTelegram) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &telegram.Config{APIURL: r.APIURL, Timeout: ch.Timeout}
	if !b.given(p, "token", r.Token, r.TokenFile) {
		b.add(join(p, "token"), "missing: the bot's token from @BotFather (token or token_file)")
	} else if cfg.Token = b.secrets.resolve(b.ps, p, "token", r.Token, r.TokenFile); cfg.Token != "" && !telegram.TokenPattern.MatchString(cfg.Token) {
		b.add(join(p, "token"), "is not a Telegram bot token: those are the bot's id, a colon and a key (123456789:AA…)")
	}
	if r.APIURL != "" {
		checkSecretURL(b.ps, join(p, "api_url"), r.APIURL)
	}
	ch.Telegram = cfg
	return ch
}

func (b *builder) slack(p string, r *rawSlack) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &slack.Config{Timeout: ch.Timeout}
	if !b.given(p, "webhook_url", r.WebhookURL, r.WebhookURLFile) {
		b.add(join(p, "webhook_url"), "missing: the incoming webhook's URL (webhook_url or webhook_url_file)")
	} else if cfg.WebhookURL = b.secrets.resolve(b.ps, p, "webhook_url", r.WebhookURL, r.WebhookURLFile); cfg.WebhookURL != "" {
		checkSecretURL(b.ps, join(p, "webhook_url"), cfg.WebhookURL)
	}
	ch.Slack = cfg
	return ch
}

func (b *builder) matrix(p string, r *rawMatrix) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &matrix.Config{Homeserver: r.Homeserver, Timeout: ch.Timeout}
	if r.Homeserver == "" {
		b.add(join(p, "homeserver"), "missing: the homeserver's client API URL, e.g. https://matrix.example.org")
	} else {
		checkSecretURL(b.ps, join(p, "homeserver"), r.Homeserver) // the token is sent to it
	}
	if !b.given(p, "token", r.Token, r.TokenFile) {
		b.add(join(p, "token"), "missing: the access token of the account hoursd posts as (token or token_file)")
	} else {
		cfg.Token = b.secrets.resolve(b.ps, p, "token", r.Token, r.TokenFile)
	}
	ch.Matrix = cfg
	return ch
}

func (b *builder) gotify(p string, r *rawGotify) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &gotify.Config{URL: r.URL, Priority: r.Priority, Timeout: ch.Timeout}
	if r.URL == "" {
		b.add(join(p, "url"), "missing: the Gotify server's URL, e.g. https://gotify.example.com")
	} else {
		checkSecretURL(b.ps, join(p, "url"), r.URL) // the token is sent to it
		if u, err := url.Parse(r.URL); err == nil && u.RawQuery != "" {
			// Not quoted: the query is most likely ?token=….
			b.add(join(p, "url"), "must be the server's address without a query: give the application token as token (or token_file)")
		}
	}
	if !b.given(p, "token", r.Token, r.TokenFile) {
		b.add(join(p, "token"), "missing: the application's token from Gotify's Apps page (token or token_file)")
	} else {
		cfg.Token = b.secrets.resolve(b.ps, p, "token", r.Token, r.TokenFile)
	}
	if r.Priority < 0 || r.Priority > 10 {
		b.add(join(p, "priority"), "%d is not a Gotify priority: 1 to 10, or leave it out for the application's default", r.Priority)
	}
	ch.Gotify = cfg
	return ch
}
