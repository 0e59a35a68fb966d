package config

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/discord"
	"github.com/hoursd/hoursd/notifier/email"
	"github.com/hoursd/hoursd/notifier/pushover"
	"github.com/hoursd/hoursd/notifier/webhook"
	"github.com/hoursd/hoursd/schedule"
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

// idPattern is what an id may look like. Ids end up in the state store's
// keys and in target ids ("anna/mail/0"), so a slash or a space would make
// them ambiguous.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// pushoverKey is the shape of Pushover application tokens and user keys.
var pushoverKey = regexp.MustCompile(`^[A-Za-z0-9]{30}$`)

// Channel types.
const (
	TypeEmail    = "email"
	TypePushover = "pushover"
	TypeDiscord  = "discord"
	TypeWebhook  = "webhook"
	TypeConsole  = "console"
)

var channelTypes = []string{TypeEmail, TypePushover, TypeDiscord, TypeWebhook, TypeConsole}

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
	raw     *rawFile
	ps      *problems
	getenv  func(string) string
	secrets secretSource

	// undecodable are the paths of values of the wrong type: their
	// checks are not run, they would only repeat the problem.
	undecodable map[string]bool

	scheduleIDs []string
	channels    map[string]string // id -> type, for targets
	channelIDs  []string
	templates   rawTemplates // the top-level ones, which subscribers inherit
}

func (b *builder) build() *Config {
	c := &Config{}
	b.top(c)
	b.buildSchedules(c)
	b.buildChannels(c)
	b.buildSubscribers(c)
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
	case !idPattern.MatchString(id):
		b.add(path, "%s id %q may only hold letters, digits, '.', '_' and '-'", what, id)
	case slices.Contains(*seen, id):
		b.add(path, "duplicate %s id %q", what, id)
	}
	if id != "" && !slices.Contains(*seen, id) {
		*seen = append(*seen, id)
	}
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
	return p
}

// checkSecretURL checks a URL that is or carries a secret (a webhook's URL,
// a Discord webhook, the Pushover API that is sent the token): besides
// being an http(s) URL it must be https, except towards this machine.
// Plain http would put the token on the wire for anyone between hoursd and
// the service, the same reason tls: none is refused for SMTP to a remote
// host; a local relay or test server on loopback is not on any wire. The
// message names the host, which is not the secret, and never the URL.
func checkSecretURL(ps *problems, path, u string) {
	p := checkHTTPURL(ps, path, u)
	if p != nil && p.Scheme == "http" && !isLoopback(p.Hostname()) {
		ps.add(path, "http:// would send the secret in clear text to %s; use https:// (http:// is allowed only to localhost or a loopback address)", p.Hostname())
	}
}

// ---- schedules

func (b *builder) buildSchedules(c *Config) {
	if len(b.raw.Schedules) == 0 {
		b.add("schedules", "no schedule is configured")
	}
	for i := range b.raw.Schedules {
		p := index("schedules", i)
		before := len(*b.ps)
		s := b.buildSchedule(p, &b.raw.Schedules[i])
		if len(*b.ps) > before || b.failedUnder(p) {
			continue
		}
		if err := s.Validate(); err != nil {
			// The schedule's own checks name paths inside the schedule;
			// whatever config already checked does not get here.
			if ve, ok := errors.AsType[*schedule.ValidationError](err); ok {
				for _, sp := range ve.Problems {
					b.add(join(p, sp.Path), "%s", sp.Message)
				}
			} else {
				b.add(p, "%v", err)
			}
			continue
		}
		c.Schedules = append(c.Schedules, s)
	}
}

func (b *builder) buildSchedule(p string, r *rawSchedule) *schedule.Schedule {
	b.checkID(join(p, "id"), "schedule", r.ID, &b.scheduleIDs)
	s := &schedule.Schedule{ID: r.ID, Title: r.Title, Phone: r.Phone, URL: r.URL}
	if r.URL != "" {
		checkHTTPURL(b.ps, join(p, "url"), r.URL)
	}
	if r.Weekly == nil {
		b.add(join(p, "weekly"), "missing: give the usual week, e.g. weekly: {mon-fri: [\"08:00-16:00\"]} (weekly: {} for a place that is only open on exceptions)")
	}
	s.Weekly = b.week(join(p, "weekly"), r.Weekly)

	if h := r.Holidays; h != nil {
		if h.Calendar != "se" {
			b.add(join(p, "holidays.calendar"), "unknown calendar %q; the only calendar is se (Swedish public holidays)", h.Calendar)
		}
		s.Holidays = &schedule.Holidays{Calendar: h.Calendar, Closed: h.Closed}
	}

	for j, nd := range r.NamedDays {
		q := index(join(p, "named_days"), j)
		n := schedule.NamedDay{Day: nd.Day, On: nd.On, Name: name(nd.Name, nd.NameEN), Closed: nd.Closed}
		switch {
		case b.failed(q, "day", "on"):
		case nd.Day != "" && nd.On != "":
			b.add(q, "give either day or on, not both")
		case nd.Day != "":
			if _, ok := schedule.CatalogueName(nd.Day); !ok {
				b.add(join(q, "day"), "unknown named day %q%s", nd.Day, suggest(nd.Day, schedule.CatalogueIDs()))
			}
		case nd.On != "":
			if err := schedule.ValidRule(nd.On); err != nil {
				b.add(join(q, "on"), "%v", err)
			}
		default:
			b.add(q, "give day (a day of the catalogue) or on (a rule such as \"04-30\" or \"easter-3\")")
		}
		n.Hours = b.hoursOrClosed(q, nd.Hours, nd.Closed)
		s.NamedDays = append(s.NamedDays, n)
	}

	for j, rp := range r.Periods {
		q := index(join(p, "periods"), j)
		per := schedule.Period{Name: name(rp.Name, rp.NameEN)}
		from, okFrom := b.yearDate(join(q, "from"), rp.From)
		to, okTo := b.yearDate(join(q, "to"), rp.To)
		if okFrom && okTo {
			switch {
			case from.IsYearly() != to.IsYearly():
				b.add(q, "from %s and to %s must both be dated (YYYY-MM-DD) or both yearly (MM-DD)", rp.From, rp.To)
			case !from.IsYearly() && from.In(0).After(to.In(0)):
				b.add(q, "from %s is after to %s", rp.From, rp.To)
			}
		}
		per.From, per.To = from, to
		if rp.Weekly == nil {
			b.add(join(q, "weekly"), "missing: give the period's week (weekly: {} if the place is closed all through it)")
		}
		per.Weekly = b.week(join(q, "weekly"), rp.Weekly)
		s.Periods = append(s.Periods, per)
	}

	for j, re := range r.Exceptions {
		q := index(join(p, "exceptions"), j)
		e := schedule.Exception{Name: name(re.Name, re.NameEN), Closed: re.Closed}
		switch {
		case b.failed(q, "date", "from", "to"):
		case re.Date != "" && (re.From != "" || re.To != ""):
			b.add(q, "give either date or from and to, not both")
		case re.Date != "":
			e.From, _ = b.date(join(q, "date"), re.Date)
			e.To = e.From
		case re.From != "" || re.To != "":
			var okFrom, okTo bool
			e.From, okFrom = b.date(join(q, "from"), re.From)
			e.To, okTo = b.date(join(q, "to"), re.To)
			if okFrom && okTo && e.From.After(e.To) {
				b.add(q, "from %s is after to %s", re.From, re.To)
			}
		default:
			b.add(q, "give date, or from and to")
		}
		e.Hours = b.hoursOrClosed(q, re.Hours, re.Closed)
		s.Exceptions = append(s.Exceptions, e)
	}
	return s
}

// name is a rule's name; the Swedish one stands for English too unless an
// English one is given.
func name(sv, en string) schedule.Name {
	if en == "" {
		en = sv
	}
	return schedule.Name{SV: sv, EN: en}
}

func (b *builder) date(path, s string) (schedule.Date, bool) {
	return parseAt(b, path, s, "a date YYYY-MM-DD", schedule.ParseDate)
}

func (b *builder) yearDate(path, s string) (schedule.YearDate, bool) {
	return parseAt(b, path, s, "a date YYYY-MM-DD, or MM-DD for every year", schedule.ParseYearDate)
}

// parseAt parses the required value s at path, reporting it as missing
// (with what to give) or as the parser's error.
func parseAt[T any](b *builder, path, s, what string, parse func(string) (T, error)) (T, bool) {
	var zero T
	if s == "" {
		b.add(path, "missing: give %s", what)
		return zero, false
	}
	v, err := parse(s)
	if err != nil {
		b.add(path, "%v", err)
		return zero, false
	}
	return v, true
}

// hoursOrClosed checks that a rule says either its hours or closed: true.
func (b *builder) hoursOrClosed(path string, hours []string, closed bool) schedule.Hours {
	switch {
	case b.failed(path, "hours", "closed"):
	case closed && len(hours) > 0:
		b.add(path, "give either hours or closed: true, not both")
	case !closed && len(hours) == 0:
		b.add(path, "give hours, or closed: true")
	}
	return b.hours(join(path, "hours"), hours)
}

// hours parses a list of intervals, each problem at its index.
func (b *builder) hours(path string, ss []string) schedule.Hours {
	ok := true
	for i, s := range ss {
		if _, err := schedule.ParseInterval(s); err != nil {
			b.add(index(path, i), "%v", err)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	h, err := schedule.ParseHours(ss)
	if err != nil {
		b.add(path, "%v", err)
	}
	return h
}

// week parses weekly hours: keys a day or a range of days, each day given
// once.
func (b *builder) week(path string, m map[string]hoursList) schedule.Week {
	var w schedule.Week
	var givenBy [7]string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		q := join(path, k)
		days, err := schedule.ParseWeekdays(k)
		if err != nil {
			b.add(q, "%v", err)
			continue
		}
		h := b.hours(q, m[k])
		for _, wd := range days {
			if by := givenBy[wd]; by != "" {
				b.add(q, "%s is given twice, by %s and by %s", schedule.WeekdayKey(wd), by, k)
				continue
			}
			givenBy[wd] = k
			w[wd] = h
		}
	}
	return w
}

// ---- channels

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
		// "unknown key", the user probably mixed up two channels.
		for _, typ := range channelTypes {
			if slices.Contains(keysOf(channelKeys[typ]), k) {
				b.add(join(p, k), "not a key of a %s channel, only of %s channels", m["type"], typ)
				delete(m, k)
				break
			}
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
	if r.TLS == email.TLSNone && r.Host != "" && !isLoopback(r.Host) {
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

// isLoopback reports whether host is this machine: the name "localhost" or
// a loopback address, written as it stands. Other names are not resolved:
// "127.0.0.1.nip.io" or a name in /etc/hosts is refused, because what a
// name resolves to at load is no promise for the send (DNS can answer
// differently later), and a typo'd relay name should not become a clear
// text connection across the network. (The email channel also checks, on
// each connection, that "localhost" did connect to a loopback address.)
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (b *builder) pushover(p string, r *rawPushover) Channel {
	ch := b.common(p, &r.rawChannelCommon)
	cfg := &pushover.Config{APIURL: r.APIURL, Timeout: ch.Timeout}
	if !b.given(p, "token", r.Token, r.TokenFile) {
		b.add(join(p, "token"), "missing: the Pushover application's API token (token or token_file)")
	} else if cfg.Token = b.secrets.resolve(b.ps, p, "token", r.Token, r.TokenFile); cfg.Token != "" && !pushoverKey.MatchString(cfg.Token) {
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
			cfg.Headers[k] = b.secrets.resolveHeader(b.ps, join(join(p, "headers"), k), v)
		}
	}
	ch.Webhook = cfg
	return ch
}

// ---- subscribers

func (b *builder) buildSubscribers(c *Config) {
	var ids []string
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
		var targets []Target
		for j, t := range r.Targets {
			q := index(join(p, "targets"), j)
			b.checkTarget(q, t)
			if slices.Contains(targets, Target(t)) {
				b.add(q, "the same target is given twice")
			}
			targets = append(targets, Target(t))
		}

		tm := b.templates
		if r.Templates != nil {
			b.checkTemplates(join(p, "templates"), *r.Templates)
			tm.Subject = cmp.Or(r.Templates.Subject, tm.Subject)
			tm.Body = cmp.Or(r.Templates.Body, tm.Body)
		}
		var parsed *notifier.Templates
		if tm.Subject != "" || tm.Body != "" {
			var err error
			if parsed, err = notifier.ParseTemplates(tm.Subject, tm.Body); err != nil {
				// Each template was checked where it was written; this
				// only fails when they were already reported.
				parsed = nil
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
		} else if !pushoverKey.MatchString(t.User) {
			b.add(join(q, "user"), "%q is not a Pushover user key: those are 30 letters and digits", t.User)
		}
	}
	if t.Address != "" && typ != TypeEmail {
		b.add(join(q, "address"), "not used: channel %s is %s, only email targets have an address", t.Channel, typ)
	}
	if t.User != "" && typ != TypePushover {
		b.add(join(q, "user"), "not used: channel %s is %s, only pushover targets have a user", t.Channel, typ)
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
