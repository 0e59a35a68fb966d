package config

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// The raw* types are the file as the user wrote it: decoded strictly (every
// key must be one of these fields), before defaults, secrets and checks. They
// carry yaml tags too because `hoursd config show` prints them back, with
// the defaults filled in and the secrets as ***.

type rawFile struct {
	Timezone  string           `mapstructure:"timezone" yaml:"timezone"`
	StateDir  string           `mapstructure:"state_dir" yaml:"state_dir"`
	Log       rawLog           `mapstructure:"log" yaml:"log"`
	HTTP      rawHTTP          `mapstructure:"http" yaml:"http"`
	Defaults  rawDefaults      `mapstructure:"defaults" yaml:"defaults"`
	Templates *rawTemplates    `mapstructure:"templates" yaml:"templates,omitempty"`
	Schedules []rawSchedule    `mapstructure:"schedules" yaml:"schedules"`
	Channels  []map[string]any `mapstructure:"channels" yaml:"-"`
	// ShownChannels are the channels decoded by their type, for show.
	ShownChannels []any           `mapstructure:"-" yaml:"channels"`
	Subscribers   []rawSubscriber `mapstructure:"subscribers" yaml:"subscribers"`
	Postgres      *rawPostgres    `mapstructure:"postgres" yaml:"postgres,omitempty"` // config/postgres.go
}

type rawLog struct {
	Level  string `mapstructure:"level" yaml:"level"`
	Format string `mapstructure:"format" yaml:"format"`
}

type rawHTTP struct {
	Listen *string `mapstructure:"listen" yaml:"listen"` // nil: default; "": off
}

type rawDefaults struct {
	Check    string `mapstructure:"check" yaml:"check"`
	Remind   *[]int `mapstructure:"remind" yaml:"remind,flow"` // nil: default; []: a problem
	Language string `mapstructure:"language" yaml:"language"`
}

type rawTemplates struct {
	Subject string `mapstructure:"subject" yaml:"subject,omitempty"`
	Body    string `mapstructure:"body" yaml:"body,omitempty"`
}

type rawSchedule struct {
	ID         string               `mapstructure:"id" yaml:"id"`
	Title      string               `mapstructure:"title" yaml:"title,omitempty"`
	Phone      string               `mapstructure:"phone" yaml:"phone,omitempty"`
	URL        string               `mapstructure:"url" yaml:"url,omitempty"`
	Weekly     map[string]hoursList `mapstructure:"weekly" yaml:"weekly"`
	Holidays   *rawHolidays         `mapstructure:"holidays" yaml:"holidays,omitempty"`
	NamedDays  []rawNamedDay        `mapstructure:"named_days" yaml:"named_days,omitempty"`
	Periods    []rawPeriod          `mapstructure:"periods" yaml:"periods,omitempty"`
	Exceptions []rawException       `mapstructure:"exceptions" yaml:"exceptions,omitempty"`
	Source     *rawSource           `mapstructure:"source" yaml:"source,omitempty"` // config/source.go

	// OpeningHours is the schedule as an OpenStreetMap opening_hours
	// expression, instead of weekly/holidays/named_days/periods/exceptions.
	OpeningHours string `mapstructure:"opening_hours" yaml:"opening_hours,omitempty"`
}

// hoursList is a list of intervals as written, ["08:00-11:30"]. Its own
// type only so that `config show` prints it on one line, as people write it.
type hoursList []string

// MarshalYAML writes the list in flow style.
func (h hoursList) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range h {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: s})
	}
	return n, nil
}

type rawHolidays struct {
	Calendar string `mapstructure:"calendar" yaml:"calendar"`
	Closed   bool   `mapstructure:"closed" yaml:"closed"`
}

type rawNamedDay struct {
	Day     string `mapstructure:"day" yaml:"day,omitempty"`
	On      string `mapstructure:"on" yaml:"on,omitempty"`
	rawRule `mapstructure:",squash" yaml:",inline"`
}

type rawPeriod struct {
	Name   string               `mapstructure:"name" yaml:"name,omitempty"`
	NameEN string               `mapstructure:"name_en" yaml:"name_en,omitempty"`
	From   string               `mapstructure:"from" yaml:"from"`
	To     string               `mapstructure:"to" yaml:"to"`
	Weekly map[string]hoursList `mapstructure:"weekly" yaml:"weekly"`
}

type rawException struct {
	Date    string `mapstructure:"date" yaml:"date,omitempty"`
	From    string `mapstructure:"from" yaml:"from,omitempty"`
	To      string `mapstructure:"to" yaml:"to,omitempty"`
	rawRule `mapstructure:",squash" yaml:",inline"`
}

// rawRule are the keys a named day and an exception share, after the keys
// that say which dates they are.
type rawRule struct {
	Name   string   `mapstructure:"name" yaml:"name,omitempty"`
	NameEN string   `mapstructure:"name_en" yaml:"name_en,omitempty"`
	Hours  []string `mapstructure:"hours" yaml:"hours,omitempty,flow"`
	Closed bool     `mapstructure:"closed" yaml:"closed,omitempty"`
}

// rawChannelCommon are the keys every channel has. Each channel type has its
// own struct, so a key of another type (host: on a pushover channel) is a
// problem like any unknown key; decodeChannel names the type it belongs to.
type rawChannelCommon struct {
	ID      string `mapstructure:"id" yaml:"id"`
	Type    string `mapstructure:"type" yaml:"type"`
	Timeout string `mapstructure:"timeout" yaml:"timeout"`
}

type rawEmail struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	Host             string `mapstructure:"host" yaml:"host"`
	Port             int    `mapstructure:"port" yaml:"port"`
	TLS              string `mapstructure:"tls" yaml:"tls"`
	Username         string `mapstructure:"username" yaml:"username,omitempty"`
	Password         Secret `mapstructure:"password" yaml:"password,omitempty"`
	PasswordFile     string `mapstructure:"password_file" yaml:"password_file,omitempty"`
	From             string `mapstructure:"from" yaml:"from"`
}

type rawPushover struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	Token            Secret `mapstructure:"token" yaml:"token,omitempty"`
	TokenFile        string `mapstructure:"token_file" yaml:"token_file,omitempty"`
	APIURL           string `mapstructure:"api_url" yaml:"api_url,omitempty"`
}

type rawDiscord struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	WebhookURL       Secret `mapstructure:"webhook_url" yaml:"webhook_url,omitempty"`
	WebhookURLFile   string `mapstructure:"webhook_url_file" yaml:"webhook_url_file,omitempty"`
	BotToken         Secret `mapstructure:"bot_token" yaml:"bot_token,omitempty"`
	BotTokenFile     string `mapstructure:"bot_token_file" yaml:"bot_token_file,omitempty"`
	ChannelID        string `mapstructure:"channel_id" yaml:"channel_id,omitempty"`
}

type rawWebhook struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	URL              Secret `mapstructure:"url" yaml:"url,omitempty"`
	URLFile          string `mapstructure:"url_file" yaml:"url_file,omitempty"`
	// Header values are secrets too: they usually carry an API key.
	Headers map[string]Secret `mapstructure:"headers" yaml:"headers,omitempty"`
}

type rawConsole struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
}

type rawNtfy struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	Server           string `mapstructure:"server" yaml:"server"`
	Token            Secret `mapstructure:"token" yaml:"token,omitempty"`
	TokenFile        string `mapstructure:"token_file" yaml:"token_file,omitempty"`
	Priority         int    `mapstructure:"priority" yaml:"priority"`
}

type rawTelegram struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	Token            Secret `mapstructure:"token" yaml:"token,omitempty"`
	TokenFile        string `mapstructure:"token_file" yaml:"token_file,omitempty"`
	APIURL           string `mapstructure:"api_url" yaml:"api_url,omitempty"`
}

type rawSlack struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	WebhookURL       Secret `mapstructure:"webhook_url" yaml:"webhook_url,omitempty"`
	WebhookURLFile   string `mapstructure:"webhook_url_file" yaml:"webhook_url_file,omitempty"`
}

type rawMatrix struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	Homeserver       string `mapstructure:"homeserver" yaml:"homeserver"`
	Token            Secret `mapstructure:"token" yaml:"token,omitempty"`
	TokenFile        string `mapstructure:"token_file" yaml:"token_file,omitempty"`
}

type rawGotify struct {
	rawChannelCommon `mapstructure:",squash" yaml:",inline"`
	URL              string `mapstructure:"url" yaml:"url"`
	Token            Secret `mapstructure:"token" yaml:"token,omitempty"`
	TokenFile        string `mapstructure:"token_file" yaml:"token_file,omitempty"`
	Priority         int    `mapstructure:"priority" yaml:"priority,omitempty"`
}

type rawSubscriber struct {
	ID        string        `mapstructure:"id" yaml:"id"`
	Language  string        `mapstructure:"language" yaml:"language"`
	Schedules []string      `mapstructure:"schedules" yaml:"schedules,flow"`
	Check     string        `mapstructure:"check" yaml:"check"`
	Remind    *[]int        `mapstructure:"remind" yaml:"remind,flow"`
	Targets   []rawTarget   `mapstructure:"targets" yaml:"targets"`
	Templates *rawTemplates `mapstructure:"templates" yaml:"templates,omitempty"`
}

type rawTarget struct {
	Channel string `mapstructure:"channel" yaml:"channel"`
	Address string `mapstructure:"address" yaml:"address,omitempty"`
	User    string `mapstructure:"user" yaml:"user,omitempty"`
	Topic   string `mapstructure:"topic" yaml:"topic,omitempty"`
	Chat    string `mapstructure:"chat" yaml:"chat,omitempty"`
	Room    string `mapstructure:"room" yaml:"room,omitempty"`
}

// decode decodes in (a value of viper's settings tree) into out, strictly:
// every key that is not a field of out is a problem at its path, and so is
// every value of the wrong type. path is the key path of in. It returns the
// paths of the values it could not decode, whose checks would only repeat
// the problem ("port: missing" after "port: must be a whole number").
func decode(ps *problems, path string, in, out any) (failed []string) {
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:     out,
		DecodeHook: mapstructure.ComposeDecodeHookFunc(dateToString, numbers),
		// Not WeaklyTypedInput: `closed: "yes"` or `port: [587]` are
		// mistakes worth telling the user about, not values to guess at.
	})
	if err != nil {
		// Only a wrong Result can get here: a bug in hoursd, not in the file.
		panic(fmt.Sprintf("config: decoder for %T: %v", out, err))
	}
	before := len(*ps)
	decodeErrors(ps, path, dec.Decode(in))
	for _, p := range (*ps)[before:] {
		failed = append(failed, p.Path)
	}
	unknownKeys(ps, path, in, reflect.TypeOf(out))
	return failed
}

// unknownKeys reports every key of in that the type t does not hold, with
// the known key it most likely stands for. mapstructure's own report of
// unused keys (Metadata.Unused, ErrorUnused) is not used: it drops the
// unknown keys of a mapping in which any value failed to decode, and the
// user is to hear of every problem at once.
func unknownKeys(ps *problems, path string, in any, t reflect.Type) {
	t = elem(t)
	switch t.Kind() {
	case reflect.Struct:
		m, ok := in.(map[string]any)
		if !ok {
			return // a value of the wrong type, reported by decode
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, ok := fieldByKey(t, k)
			if !ok {
				ps.add(join(path, k), "unknown key%s", suggest(k, keysOf(t)))
				continue
			}
			unknownKeys(ps, join(path, k), m[k], f.Type)
		}
	case reflect.Slice:
		if s, ok := in.([]any); ok {
			for i, v := range s {
				unknownKeys(ps, index(path, i), v, t.Elem())
			}
		}
	case reflect.Map:
		if m, ok := in.(map[string]any); ok {
			for k, v := range m {
				unknownKeys(ps, join(path, k), v, t.Elem())
			}
		}
	}
}

// elem looks through pointers.
func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// fieldByKey finds the field of struct t that holds key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct || key == "" || key == "-" {
		return reflect.StructField{}, false
	}
	fields, ok := structKeys.Load(t)
	if !ok {
		m := map[string]reflect.StructField{}
		for _, f := range reflect.VisibleFields(t) {
			if name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ","); name != "" && name != "-" {
				m[name] = f
			}
		}
		fields, _ = structKeys.LoadOrStore(t, m)
	}
	f, ok := fields.(map[string]reflect.StructField)[key]
	return f, ok
}

// structKeys caches the fields of each raw struct by key: a file that lists
// a hundred thousand subscribers asks for each of theirs.
var structKeys sync.Map // reflect.Type → map[string]reflect.StructField

// keysOf lists the keys a struct decodes.
func keysOf(t reflect.Type) []string {
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for _, f := range reflect.VisibleFields(t) {
		if name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// decodeErrors turns mapstructure's errors into problems at their key
// paths. The messages are hoursd's own: mapstructure's may quote the value,
// and the value may be a secret.
func decodeErrors(ps *problems, path string, err error) {
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			decodeErrors(ps, path, e)
		}
		return
	}
	de, ok := err.(*mapstructure.DecodeError)
	if !ok {
		// mapstructure wraps the joined errors of a decode in one
		// "decoding failed" error; look inside for the ones with a path.
		if inner := errors.Unwrap(err); inner != nil {
			decodeErrors(ps, path, inner)
			return
		}
		ps.add(path, "cannot decode: %v", err)
		return
	}
	inner := de.Unwrap()
	switch inner.(type) {
	case interface{ Unwrap() []error }, *mapstructure.DecodeError:
		decodeErrors(ps, path, inner)
		return
	}
	p := join(path, mapKeyIndex.ReplaceAllString(de.Name(), ".$1"))
	var ut *mapstructure.UnconvertibleTypeError
	var pe *mapstructure.ParseError
	switch {
	case errors.As(inner, &ut):
		ps.add(p, "must be %s, not %s", describeType(ut.Expected.Type()), describeValue(ut.Value))
	case errors.As(inner, &pe):
		ps.add(p, "must be %s", describeType(pe.Expected.Type()))
	default:
		// mapstructure's own texts for lists and maps: "source data must
		// be an array or slice, got string", "expected a map or struct,
		// got "string"". They name kinds, never values.
		msg := inner.Error()
		_, got, _ := strings.Cut(msg, "got ")
		got = describeKind(strings.Trim(got, `"`))
		switch {
		case strings.Contains(msg, "array or slice"):
			ps.add(p, "must be a list, not %s", got)
		case strings.Contains(msg, "map"):
			ps.add(p, "must be a mapping of keys to values, not %s", got)
		default:
			ps.add(p, "%s", msg)
		}
	}
}

// mapKeyIndex matches the way mapstructure writes a map key in a path,
// weekly[mon-fri], which hoursd writes weekly.mon-fri like every other key.
var mapKeyIndex = regexp.MustCompile(`\[([^\]0-9][^\]]*)\]`)

// describeKind says what a reflect.Kind's name stands for in a file.
func describeKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "uint64", "float64":
		return "a number"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "a mapping of keys to values"
	case "":
		return "something else"
	}
	return kind
}

// describeType says what a user must write for a field of type t.
func describeType(t reflect.Type) string {
	t = elem(t)
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping of keys to values"
	}
	return t.String()
}

// describeValue says what sort of value the user wrote, without the value.
func describeValue(v any) string {
	if v == nil {
		return "empty"
	}
	return describeType(reflect.TypeOf(v))
}

// numbers converts between numbers and strings where a user would expect
// it and mapstructure would not: a whole number may stand for a string
// (channel_id: 123456789012345678 unquoted in YAML), and a number with a
// fraction is refused for a whole-number field instead of being truncated.
// JSON has only floating-point numbers: a whole one stands for a string
// too ("id": 2026) as long as it is exact; a larger one (a Discord
// channel id) has already lost its last digits and must be quoted.
func numbers(from, to reflect.Type, data any) (any, error) {
	switch to.Kind() {
	case reflect.String:
		switch v := data.(type) {
		case int:
			return strconv.Itoa(v), nil
		case int64:
			return strconv.FormatInt(v, 10), nil
		case uint64:
			return strconv.FormatUint(v, 10), nil
		case float64:
			switch {
			case v != math.Trunc(v):
				// mapstructure says "must be a string, not a number".
			case math.Abs(v) > 1<<53:
				return nil, errors.New("is too large a number to be read exactly: write it in quotes")
			default:
				return strconv.FormatFloat(v, 'f', -1, 64), nil
			}
		}
	case reflect.Int:
		if v, ok := data.(float64); ok && (v != math.Trunc(v) || math.Abs(v) > math.MaxInt32) {
			return nil, errors.New("must be a whole number")
		}
	}
	return data, nil
}

// dateToString turns the dates that YAML (2025-06-30 unquoted is a
// timestamp) and TOML (a local date) decode into back into the text the user
// wrote, so that every date goes through schedule.ParseDate.
func dateToString(from, to reflect.Type, data any) (any, error) {
	if to.Kind() != reflect.String {
		return data, nil
	}
	switch v := data.(type) {
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 && v.Nanosecond() == 0 {
			return v.Format(time.DateOnly), nil
		}
		return v.Format(time.RFC3339), nil
	case toml.LocalDate:
		return v.String(), nil
	case toml.LocalTime:
		return v.String(), nil
	case toml.LocalDateTime:
		return v.String(), nil
	}
	return data, nil
}
