package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/hoursd/hoursd/schedule"
)

// The JSON-LD reader reads schema.org's OpeningHoursSpecification, which
// shop, clinic and library sites put in <script type="application/ld+json">
// for search engines: openingHoursSpecification is the regular week,
// specialOpeningHoursSpecification the deviations, each with validFrom and
// validThrough. The entity carrying them may be anywhere: at the top, in an
// @graph, in an array, nested in a department of an organisation.

// maxScripts bounds the JSON-LD blocks read from one page.
const maxScripts = 64

func readJSONLD(body []byte, opts Options) (*Reading, error) {
	var b builder
	docs := ldScripts(body)
	if len(docs) == 0 {
		// A bare JSON-LD document, as some sites serve at a URL of its own.
		if t := bytes.TrimSpace(body); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			docs = [][]byte{t}
		}
	}
	j := jsonldReader{b: &b}
	for _, doc := range docs {
		var v any
		d := json.NewDecoder(bytes.NewReader(doc))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			b.warn(string(doc), "not JSON: %v", err)
			continue
		}
		j.walk(v, 0)
	}
	j.settle()
	return b.reading(), nil
}

// ldScripts are the contents of the page's JSON-LD scripts.
func ldScripts(body []byte) [][]byte {
	var docs [][]byte
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(maxTokenBuf)
	inLD := false
	for len(docs) < maxScripts {
		switch z.Next() {
		case html.ErrorToken:
			return docs
		case html.StartTagToken:
			name, more := z.TagName()
			inLD = false
			if atom.Lookup(name) != atom.Script {
				continue
			}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "type" {
					mt, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(string(v))), ";")
					inLD = strings.TrimSpace(mt) == "application/ld+json"
				}
			}
		case html.TextToken:
			if inLD {
				docs = append(docs, bytes.Clone(z.Text()))
			}
		case html.EndTagToken:
			inLD = false
		}
	}
	return docs
}

// jsonldReader gathers specifications across a page's blocks; specials for
// the same dates are settled together, as a day with two intervals comes as
// two specifications.
type jsonldReader struct {
	b        *builder
	specials []spec
	weeks    int
}

// spec is one OpeningHoursSpecification.
type spec struct {
	text          string
	days          []time.Weekday
	opens, closes string
	hasOpens      bool
	from, through string
	name          string
}

// maxDepth bounds the walk; encoding/json already refuses deeper nesting
// than 10000, which would still be a deep recursion here.
const maxDepth = 64

func (j *jsonldReader) walk(v any, depth int) {
	if depth > maxDepth {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			j.walk(x, depth+1)
		}
	case map[string]any:
		if s, ok := v["openingHoursSpecification"]; ok {
			j.regular(s)
		}
		if s, ok := v["specialOpeningHoursSpecification"]; ok {
			for _, o := range objects(s) {
				j.specials = append(j.specials, parseSpec(o))
			}
		}
		for k, x := range v {
			if k != "openingHoursSpecification" && k != "specialOpeningHoursSpecification" {
				j.walk(x, depth+1)
			}
		}
	}
}

// objects is a property's value as a list of objects: schema.org allows a
// single value where a list is expected.
func objects(v any) []map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, x := range v {
			if o, ok := x.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// stringList is a property's value as a list of strings.
func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case map[string]any: // {"@id": "https://schema.org/Monday"}
		if s, ok := v["@id"].(string); ok {
			return []string{s}
		}
	}
	return nil
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s)
	}
	return ""
}

var schemaDays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"su": time.Sunday, "mo": time.Monday, "tu": time.Tuesday, "we": time.Wednesday,
	"th": time.Thursday, "fr": time.Friday, "sa": time.Saturday,
}

func parseSpec(o map[string]any) spec {
	text, _ := json.Marshal(o)
	s := spec{text: string(text), opens: str(o["opens"]), closes: str(o["closes"]),
		from: str(o["validFrom"]), through: str(o["validThrough"]), name: str(o["name"])}
	s.hasOpens = s.opens != ""
	for _, d := range stringList(o["dayOfWeek"]) {
		d = strings.ToLower(d)
		if i := strings.LastIndexAny(d, "/:#"); i >= 0 {
			d = d[i+1:] // https://schema.org/Monday, schema:Monday
		}
		if wd, ok := schemaDays[d]; ok {
			s.days = append(s.days, wd)
		}
	}
	return s
}

// interval reads opens and closes: "08:00", "08:00:00", "08:00:00+01:00".
// A close at 23:59 is midnight, as schema.org writes it.
func (s *spec) interval() (iv schedule.Interval, closed bool, err error) {
	if !s.hasOpens {
		return iv, true, nil
	}
	o, err := ldClock(s.opens)
	if err != nil {
		return iv, false, fmt.Errorf("opens: %w", err)
	}
	c, err := ldClock(s.closes)
	if err != nil {
		return iv, false, fmt.Errorf("closes: %w", err)
	}
	if o == c {
		if o == 0 {
			return iv, true, nil
		}
		return iv, false, fmt.Errorf("opens and closes at %s", o)
	}
	if c == 23*60+59 {
		c = 24 * 60
	}
	return schedule.Interval{Open: o, Close: c}, false, nil
}

func ldClock(s string) (schedule.Clock, error) {
	hh, rest, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(rest) < 2 {
		return 0, fmt.Errorf("%q is not a time", s)
	}
	if len(hh) == 1 {
		hh = "0" + hh
	}
	c, err := schedule.ParseClock(hh + ":" + rest[:2])
	if err != nil {
		return 0, fmt.Errorf("%q is not a time", s)
	}
	return c, nil
}

// ldDate reads validFrom/validThrough: a date, or a date-time whose date
// is what counts.
func ldDate(s string) (schedule.Date, error) {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	return schedule.ParseDate(s)
}

// regular reads an entity's openingHoursSpecification: its regular week.
// Specifications in it that carry dates are read as specials, which
// schema.org allows.
func (j *jsonldReader) regular(v any) {
	var w schedule.Week
	var texts []string
	read := false
	for _, o := range objects(v) {
		s := parseSpec(o)
		if s.from != "" || s.through != "" {
			j.specials = append(j.specials, s)
			continue
		}
		if len(s.days) == 0 {
			continue
		}
		iv, closed, err := s.interval()
		if err != nil {
			j.b.warn(s.text, "%v", err)
			continue
		}
		texts = append(texts, s.text)
		read = true
		if closed {
			continue
		}
		for _, d := range s.days {
			w[d] = append(w[d], iv)
		}
	}
	if !read || w.Equal(schedule.Week{}) {
		return
	}
	sc := schedule.Schedule{ID: "source", Weekly: w}
	text := strings.Join(texts, " ")
	if !j.b.valid(text, &sc) {
		return
	}
	j.weeks++
	switch {
	case j.b.weekly == nil:
		j.b.weekly = &sc.Weekly
	case !sc.Weekly.Equal(*j.b.weekly):
		j.b.warn(text, "a second regular week (%s) beside the first (%s); the first is used", sc.Weekly, *j.b.weekly)
	}
}

// settle turns the specials into rules: those for one span of dates
// together, so that two intervals of one day make one exception.
func (j *jsonldReader) settle() {
	type key struct{ from, through schedule.Date }
	var order []key
	groups := map[key][]spec{}
	for _, s := range j.specials {
		from, err := ldDate(s.from)
		if err != nil {
			j.b.warn(s.text, "validFrom: %v", err)
			continue
		}
		through := from
		if s.through != "" {
			if through, err = ldDate(s.through); err != nil {
				j.b.warn(s.text, "validThrough: %v", err)
				continue
			}
		}
		k := key{from, through}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], s)
	}
	for _, k := range order {
		ss := groups[k]
		var texts []string
		for _, s := range ss {
			texts = append(texts, s.text)
		}
		text := strings.Join(texts, " ")
		period := k.from != k.through && slices.ContainsFunc(ss, func(s spec) bool { return len(s.days) > 0 })
		var hours schedule.Hours
		var w schedule.Week
		closed, bad := false, false
		for _, s := range ss {
			iv, c, err := s.interval()
			if err != nil {
				j.b.warn(s.text, "%v", err)
				bad = true
				break
			}
			if c {
				closed = true
				continue
			}
			hours = append(hours, iv)
			for _, d := range s.days {
				w[d] = append(w[d], iv)
			}
		}
		switch {
		case bad:
		case period:
			j.b.period(text, schedule.Period{Name: ldName(ss), From: yearDate(k.from), To: yearDate(k.through), Weekly: w})
		case closed && len(hours) > 0:
			j.b.warn(text, "says both closed and hours for %s; hoursd cannot tell which applies", describeSpan(span{k.from, k.through}))
		default:
			e := schedule.Exception{From: k.from, To: k.through, Hours: hours, Closed: closed, Name: ldName(ss)}
			if id, ok := catalogueOn(k.from); ok && k.from == k.through {
				e.Name = catalogueName(id)
			}
			j.b.exception(text, e)
		}
	}
}

func ldName(ss []spec) schedule.Name {
	for _, s := range ss {
		if s.name != "" {
			return schedule.Name{SV: s.name, EN: s.name}
		}
	}
	return schedule.Name{}
}

func yearDate(d schedule.Date) schedule.YearDate {
	return schedule.YearDate(d)
}
