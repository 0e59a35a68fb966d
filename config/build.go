package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/email"
)

// The defaults of the design; docs/configuration.md lists them too.
const (
	DefaultTimezone = "Europe/Stockholm"
	DefaultStateDir = "./state" // when $STATE_DIRECTORY (systemd StateDirectory=) is not set
	DefaultListen   = "127.0.0.1:9470"
	DefaultCheck    = "0 18 * * *"
	DefaultLanguage = "sv"
	DefaultTimeout  = 30 * time.Second
	DefaultTLS      = email.TLSStartTLS
)

// DefaultRemind is the default list of days before a change when it is
// announced: the evening before.
var DefaultRemind = []int{1}

// MaxRemind bounds a remind offset: hoursd looks this many days ahead at
// every check, and a year ahead is already more than any place publishes.
const MaxRemind = 366

// validID says whether id looks as an id may: a letter or a digit, then
// letters, digits, '.', '_' and '-' (ASCII). Ids end up in the state
// store's keys and in target ids ("anna/mail/0"), so a slash or a space
// would make them ambiguous. (A loop rather than a regular expression: a
// file may hold a hundred thousand ids.)
func validID(id string) bool {
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return id != ""
}

// Channel types.
const (
	TypeEmail    = "email"
	TypePushover = "pushover"
	TypeDiscord  = "discord"
	TypeWebhook  = "webhook"
	TypeNtfy     = "ntfy"
	TypeTelegram = "telegram"
	TypeSlack    = "slack"
	TypeMatrix   = "matrix"
	TypeGotify   = "gotify"
	TypeConsole  = "console"
)

var channelTypes = []string{TypeEmail, TypePushover, TypeDiscord, TypeWebhook,
	TypeNtfy, TypeTelegram, TypeSlack, TypeMatrix, TypeGotify, TypeConsole}

var (
	languages  = []string{"sv", "en"}
	logLevels  = []string{"debug", "info", "warn", "error"}
	logFormats = []string{"text", "json"}
	tlsModes   = []string{email.TLSStartTLS, email.TLSImplicit, email.TLSNone}
)

// MinEvery is the shortest interval of an "@every" check. hoursd reasons in
// days, so a daily check is what a subscriber wants; an interval of seconds is
// allowed for trying hoursd out and for tests (announcements are told once
// however often the check runs), but not under a second, which robfig/cron
// would round up to one second and so run the check without pause.
const MinEvery = time.Second

// cronParser accepts what the design promises for `check`: five fields or a
// descriptor (@daily, @every 6h). It is robfig/cron's standard parser.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCheck parses a subscriber's check spec the way the configuration
// was validated. Time zone prefixes (TZ=…) are refused: checks run in the
// configuration's timezone. robfig/cron panics on some malformed specs; that
// is turned into an error.
func ParseCheck(spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%q is not a cron spec", spec)
		}
	}()
	t := strings.TrimSpace(spec)
	if strings.HasPrefix(t, "TZ=") || strings.HasPrefix(t, "CRON_TZ=") {
		return nil, fmt.Errorf("%q: a time zone prefix is not allowed, checks run in the configuration's timezone", spec)
	}
	if d, ok := strings.CutPrefix(t, "@every "); ok {
		// robfig/cron rounds anything under a second up to a second,
		// which would run the check all the time.
		if every, err := time.ParseDuration(strings.TrimSpace(d)); err == nil && every < MinEvery {
			return nil, fmt.Errorf("%q: checks must be at least %s apart", spec, MinEvery)
		}
	}
	s, err = cronParser.Parse(t)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron spec of 5 fields or a descriptor such as @daily: %w", spec, err)
	}
	// robfig/cron accepts dates that never come (0 18 30 2 *, the 30th
	// of February) and then gives the zero time as the next run: the
	// check would silently never happen. It looks five years ahead, so
	// the 29th of February passes.
	if s.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("%q never comes: no date matches it", spec)
	}
	return s, nil
}

// builder turns the raw file into a Config, filling in defaults (also in
// the raw file, which `config show` prints) and adding a problem for every
// mistake it finds.
type builder struct {
	raw      *rawFile
	ps       *problems
	getenv   func(string) string
	hostname func() (string, error) // the replica's default name
	secrets  secretSource
	// tree is the file as parsed, before decoding: where a key given
	// with nothing in it can be told from a key left out.
	tree map[string]any

	// undecodable are the paths of values of the wrong type: their
	// checks are not run, they would only repeat the problem.
	undecodable map[string]bool

	scheduleIDs []string
	channels    map[string]string // id -> type, for targets
	channelIDs  []string
	templates   rawTemplates                         // the top-level ones, which subscribers inherit
	idSets      map[*[]string]map[string]bool        // see seen
	parsed      map[rawTemplates]*notifier.Templates // subscribers' templates, parsed once each
}

func (b *builder) build() *Config {
	c := &Config{}
	b.top(c)
	b.buildSchedules(c)
	b.buildChannels(c)
	b.buildSubscribers(c)
	b.buildPostgres(c)
	c.raw = b.raw
	return c
}

// add adds a problem, unless it is at or under the path of a value that
// could not be decoded: that value's checks would only repeat its problem
// ("periods[0].from: missing" after "periods[0]: must be a mapping").
func (b *builder) add(path, format string, a ...any) {
	if !b.failed(path) {
		b.ps.add(path, format, a...)
	}
}

// failed says whether the value at path, or one that holds it, could not
// be decoded; or, given keys, whether one of those keys under path could
// not be (a rule's shape is not checked when its closed: is "yes").
func (b *builder) failed(path string, keys ...string) bool {
	for _, k := range keys {
		if b.failed(join(path, k)) {
			return true
		}
	}
	if len(keys) > 0 {
		return false
	}
	for p := path; p != ""; p = parentPath(p) {
		if b.undecodable[p] {
			return true
		}
	}
	return false
}

// failedUnder says whether a value at or under path could not be decoded.
func (b *builder) failedUnder(path string) bool {
	for p := range b.undecodable {
		if p == path || strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

// parentPath is the path that holds path: schedules[0] for
// schedules[0].id, schedules for schedules[0], "" for schedules.
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// decode decodes a part of the file, remembering what failed.
func (b *builder) decode(path string, in, out any) {
	for _, p := range decode(b.ps, path, in, out) {
		b.undecodable[p] = true
	}
}

// oneOf checks that v is one of allowed.
func (b *builder) oneOf(path, what, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		b.add(path, "unknown %s %q; use one of %s", what, v, strings.Join(allowed, ", "))
	}
}

func (b *builder) top(c *Config) {
	r := b.raw
	if r.Timezone == "" {
		r.Timezone = DefaultTimezone
	}
	c.Timezone = r.Timezone
	if r.Timezone == "Local" {
		b.add("timezone", `"Local" depends on the machine; name a zone such as Europe/Stockholm`)
	} else if loc, err := time.LoadLocation(r.Timezone); err != nil {
		b.add("timezone", "unknown time zone %q", r.Timezone)
	} else {
		c.Location = loc
	}

	if r.StateDir == "" {
		// systemd lists one directory per StateDirectory= entry, separated by colons.
		r.StateDir, _, _ = strings.Cut(b.getenv("STATE_DIRECTORY"), ":")
	}
	if r.StateDir == "" {
		r.StateDir = DefaultStateDir
	}
	c.StateDir = r.StateDir

	if r.Log.Level == "" {
		r.Log.Level = "info"
	}
	if r.Log.Format == "" {
		r.Log.Format = "text"
	}
	b.oneOf("log.level", "log level", r.Log.Level, logLevels)
	b.oneOf("log.format", "log format", r.Log.Format, logFormats)
	c.Log = Log{Level: r.Log.Level, Format: r.Log.Format}

	if r.HTTP.Listen == nil {
		l := DefaultListen
		r.HTTP.Listen = &l
	}
	c.HTTP.Listen = *r.HTTP.Listen
	if c.HTTP.Listen != "" {
		checkListen(b.ps, "http.listen", c.HTTP.Listen)
	}

	d := &r.Defaults
	if d.Check == "" {
		d.Check = DefaultCheck
	}
	if _, err := ParseCheck(d.Check); err != nil {
		b.add("defaults.check", "%v", err)
	}
	if d.Remind == nil {
		rm := slices.Clone(DefaultRemind)
		d.Remind = &rm
	} else {
		b.checkRemind("defaults.remind", *d.Remind)
	}
	if d.Language == "" {
		d.Language = DefaultLanguage
	}
	b.oneOf("defaults.language", "language", d.Language, languages)
	c.Defaults = Defaults{Check: d.Check, Remind: slices.Clone(*d.Remind), Language: d.Language}

	if r.Templates != nil {
		b.templates = *r.Templates
		b.checkTemplates("templates", *r.Templates)
	}
}

func checkListen(ps *problems, path, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		ps.add(path, "%q is not host:port (write \"\" to turn the listener off)", addr)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		ps.add(path, "%q: port %q is not a number from 0 to 65535", addr, port)
	}
}

func (b *builder) checkRemind(path string, remind []int) {
	if len(remind) == 0 {
		b.add(path, "is empty, so nothing would ever be announced; leave it out for the default [1]")
	}
	for i, n := range remind {
		switch {
		case n < 0:
			b.add(index(path, i), "%d is negative: remind counts days before a change", n)
		case n > MaxRemind:
			b.add(index(path, i), "%d is more than %d days ahead", n, MaxRemind)
		case slices.Index(remind, n) < i:
			b.add(index(path, i), "%d is given twice", n)
		}
	}
}

// checkTemplates parses each template on its own, so that a mistake is
// reported at the key that holds it.
func (b *builder) checkTemplates(path string, t rawTemplates) {
	if _, err := notifier.ParseTemplates(t.Subject, ""); err != nil {
		b.add(join(path, "subject"), "%v", err)
	}
	if _, err := notifier.ParseTemplates("", t.Body); err != nil {
		b.add(join(path, "body"), "%v", err)
	}
}

// checkID checks an id's form and that it is not taken; seen collects ids.
func (b *builder) checkID(path, what, id string, seen *[]string) {
	switch {
	case id == "":
		b.add(path, "missing: every %s needs an id", what)
	case len(id) > MaxIDLength:
		b.add(path, "%s id is %d characters long; at most %d are allowed", what, len(id), MaxIDLength)
	case !validID(id):
		b.add(path, "%s id %q may only hold letters, digits, '.', '_' and '-'", what, id)
	case b.seen(seen)[id]:
		b.add(path, "duplicate %s id %q", what, id)
	}
	if set := b.seen(seen); id != "" && !set[id] {
		*seen = append(*seen, id)
		set[id] = true
	}
}

// seen is the set beside a list of ids that checkID keeps, so that a file
// with a hundred thousand subscribers is checked in linear time; the list
// keeps the order for messages that name the configured ids.
func (b *builder) seen(list *[]string) map[string]bool {
	if b.idSets == nil {
		b.idSets = map[*[]string]map[string]bool{}
	}
	set := b.idSets[list]
	if set == nil {
		set = make(map[string]bool, cap(*list)) // the ids to come, when the caller knows
		for _, id := range *list {
			set[id] = true
		}
		b.idSets[list] = set
	}
	return set
}

// checkHTTPURL checks that u is an absolute http or https URL and returns
// it parsed, or nil. The message does not quote u: for webhooks the URL is
// the secret.
func checkHTTPURL(ps *problems, path, u string) *url.URL {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		ps.add(path, "must be an http:// or https:// URL")
		return nil
	}
	// url.Parse takes any digits for a port; the dial would fail at the
	// first send, long after validate said the file was fine.
	if port := p.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			ps.add(path, "port %s is not a number from 1 to 65535", port)
			return nil
		}
	}
	return p
}

// checkSecretURL checks a URL that is or carries a secret (a webhook's URL,
// a Discord webhook, the Pushover API that is sent the token): besides
// being an http(s) URL it must be https, except towards this machine.
// Plain http would put the token on the wire for anyone between hoursd and
// the service, the same reason tls: none is refused for SMTP to a remote
// host; a local relay or test server on loopback is not on any wire. The
// message names the host, never the URL, and the host as secret URLs are
// shown (notifier.MaskHost): some services put the key in the host name.
func checkSecretURL(ps *problems, path, u string) {
	p := checkHTTPURL(ps, path, u)
	if p != nil && p.Scheme == "http" && !notifier.IsLoopback(p.Hostname()) {
		ps.add(path, "http:// would send the secret in clear text to %s; use https:// (http:// is allowed only to localhost or a loopback address)", notifier.MaskHost(p.Hostname()))
	}
}
