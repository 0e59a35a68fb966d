package notifier

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// Render renders one subscriber's message; t may be nil for the built-in texts.
//
// The message covers every item of the request, grouped by schedule (the
// place's title and phone number heading each group), groups ordered by their
// first date and items by date. A template that fails to execute is returned
// as an error, never a panic.
func Render(req Request, t *Templates) (Message, error) {
	data, err := newTemplateData(req)
	if err != nil {
		return Message{}, fmt.Errorf("render message for %s: %w", req.Subscriber, err)
	}
	msg := Message{Subject: data.Subject, Body: data.Body, Items: req.Items, Places: req.Places}
	if t == nil {
		return msg, nil
	}
	if t.subject != nil {
		if msg.Subject, err = execute(t.subject, data); err != nil {
			return Message{}, fmt.Errorf("render subject template for %s: %w", req.Subscriber, err)
		}
		// A subject is one line whatever the template's whitespace.
		msg.Subject = strings.Join(strings.Fields(msg.Subject), " ")
	}
	if t.body != nil {
		if msg.Body, err = execute(t.body, data); err != nil {
			return Message{}, fmt.Errorf("render body template for %s: %w", req.Subscriber, err)
		}
	}
	return msg, nil
}

// TestMessage is what `hoursd test-send` sends: it names the subscriber and
// the channel so the reader knows which of their targets works.
func TestMessage(lang, subscriber, channel string) (Message, error) {
	l, err := languageOf(lang)
	if err != nil {
		return Message{}, err
	}
	return Message{
		Subject: l.testSubject,
		Body:    fmt.Sprintf(l.testBody, subscriber, channel),
	}, nil
}

// Ordered is items as a message tells them: by schedule, the schedules in
// the order of their first date, each one's items by date; the end of a
// period whose start is cancelled in the same message is left out, as the
// text leaves it out. A channel that sends the items as data beside the
// text (the webhook) lists them the same way.
func Ordered(items []Item) []Item {
	var out []Item
	for _, g := range groups(Request{Items: items}) {
		out = append(out, g.items...)
	}
	return out
}

// group is the items of one schedule in a message.
type group struct {
	place Place
	items []Item
}

// groups sorts the request's items into schedules, in date order.
func groups(req Request) []group {
	items := slices.DeleteFunc(slices.Clone(req.Items), func(it Item) bool { return endOfCancelledPeriod(it, req.Items) })
	slices.SortStableFunc(items, func(a, b Item) int {
		return cmp.Or(a.Change.Date.Compare(b.Change.Date), kindOrder(a.Change.Kind)-kindOrder(b.Change.Kind))
	})
	var gs []group
	index := map[string]int{}
	for _, it := range items {
		id := it.Change.Schedule
		i, ok := index[id]
		if !ok {
			p, ok := req.Places[id]
			if !ok {
				p = Place{ID: id}
			}
			if p.Title == "" {
				p.Title = id
			}
			i = len(gs)
			index[id] = i
			gs = append(gs, group{place: p})
		}
		gs[i].items = append(gs[i].items, it)
	}
	return gs
}

// endOfCancelledPeriod reports whether it is the cancelled end of a period
// whose start is cancelled in the same message: "summer hours are cancelled"
// says it all, and "summer hours continue" after it would contradict it.
func endOfCancelledPeriod(it Item, items []Item) bool {
	if it.Status != StatusCancellation || it.Change.Kind != schedule.KindPeriodEnd {
		return false
	}
	return slices.ContainsFunc(items, func(o Item) bool {
		return o.Status == StatusCancellation && o.Change.Kind == schedule.KindPeriodStart &&
			o.Change.Schedule == it.Change.Schedule && o.Change.Until.AddDays(1) == it.Change.Date
	})
}

// kindOrder puts the end of one period before the start of the next on the
// same date, as a reader would expect.
func kindOrder(k schedule.Kind) int {
	switch k {
	case schedule.KindPeriodEnd:
		return 0
	case schedule.KindDay:
		return 2
	}
	return 1
}

// sentence is the built-in text of one item, without its final full stop.
func (l *language) sentence(it Item, today schedule.Date) string {
	c := it.Change
	switch c.Kind {
	case schedule.KindPeriodStart:
		name := l.Name(c.Name)
		if name == "" {
			name = l.otherHours
		}
		if it.Status == StatusCancellation {
			return fmt.Sprintf(l.cancelledStart, name, l.dayRefMid(c.Date, today), l.WeekAgainst(c.RegularWeekly, c.Weekly))
		}
		from, until := l.dayRef(c.Date, today), ""
		if !c.Until.IsZero() {
			from, until = l.dayRefMid(c.Date, today), fmt.Sprintf(l.periodUntil, l.Date(c.Until, today))
		}
		s := fmt.Sprintf(l.periodStart, name, from) + until + ": " + l.WeekAgainst(c.Weekly, c.RegularWeekly)
		if !c.RegularWeekly.Equal(c.Weekly) {
			s = note(s, fmt.Sprintf(l.usually, l.Week(c.RegularWeekly)))
		}
		return l.previous(s, it)
	case schedule.KindPeriodEnd:
		if it.Status == StatusCancellation {
			name := l.Name(c.Name)
			if name == "" {
				name = l.otherHours
			}
			return fmt.Sprintf(l.cancelledEnd, name, l.dayRefOn(c.Date, today))
		}
		return l.previous(fmt.Sprintf(l.periodEnd, l.dayRef(c.Date, today), l.WeekAgainst(c.Weekly, c.RegularWeekly)), it)
	}
	ref := l.dayRef(c.Date, today)
	if name := l.Name(c.Name); name != "" {
		ref += " (" + name + ")"
	}
	if it.Status == StatusCancellation {
		s := fmt.Sprintf(l.cancelledDay, ref, l.Hours(c.Regular))
		if len(c.Regular) == 0 {
			s = fmt.Sprintf(l.cancelledClosed, ref)
		}
		if it.Previous != nil && it.Previous.Kind == schedule.KindDay {
			was := l.Hours(it.Previous.Hours)
			if len(c.Regular) == 0 && len(it.Previous.Hours) > 0 {
				was = l.Open() + " " + was // "inte öppet 10:00–14:00", on a day that is usually closed
			}
			s = note(s, fmt.Sprintf(l.notAsAnnounced, was))
		}
		return s
	}
	return l.previous(ref+": "+l.state(c.Hours, c.Regular), it)
}

// previous adds what a correction says was announced before.
func (l *language) previous(s string, it Item) string {
	if it.Status != StatusCorrection || it.Previous == nil {
		return s
	}
	p := it.Previous
	if p.Kind == schedule.KindDay {
		return note(s, fmt.Sprintf(l.previously, l.Hours(p.Hours)))
	}
	return note(s, fmt.Sprintf(l.previously, l.Week(p.Weekly)))
}

// line is the item as it stands in the body: a full sentence, marked when
// it corrects an earlier message.
func (l *language) line(it Item, today schedule.Date) string {
	s := l.sentence(it, today)
	if it.Status == StatusCorrection {
		return l.changed + s + "."
	}
	return words.Capitalize(s) + "."
}

// subject is the built-in subject: what changed, when (when it is one date)
// and where.
func (l *language) subject(gs []group, items []Item, today schedule.Date) string {
	titles := make([]string, len(gs))
	for i, g := range gs {
		titles[i] = g.place.Title
	}
	when := ""
	first := items[0].Change
	same := true
	for _, it := range items[1:] {
		if it.Change.Date != first.Date {
			same = false
		}
	}
	if same {
		// A day is "i morgon" / "fredag 1 maj"; a period starts or ends on
		// it, so its date is "från och med i morgon" / "from tomorrow".
		d := l.Date(first.Date, today)
		switch first.Date.Sub(today) {
		case 0:
			d = l.Today()
		case 1:
			d = l.Tomorrow()
		}
		switch {
		case first.Kind != schedule.KindDay:
			when = fmt.Sprintf(l.fromDate, d)
		case d == l.Today() || d == l.Tomorrow():
			when = " " + d
		default:
			when = fmt.Sprintf(l.onDate, d)
		}
	}
	format := l.subjectFixed
	for _, it := range items {
		if it.Status != StatusCorrection && it.Status != StatusCancellation {
			format = l.subjectNew
		}
	}
	return fmt.Sprintf(format, when, strings.Join(titles, ", "))
}

// body is the built-in body: one paragraph per schedule.
func (l *language) body(gs []group, today schedule.Date) string {
	var b strings.Builder
	for i, g := range gs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(l.heading(g.place))
		b.WriteString("\n")
		for _, it := range g.items {
			b.WriteString(l.line(it, today))
			b.WriteString("\n")
		}
		if g.place.URL != "" {
			b.WriteString(g.place.URL)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// heading names a place and how to reach it.
func (l *language) heading(p Place) string {
	if p.Phone == "" {
		return p.Title
	}
	return fmt.Sprintf(l.header, p.Title, p.Phone)
}

// errNothing is returned for a request without items: hoursd never sends an
// empty message.
var errNothing = errors.New("no changes to announce")

// maxTemplateOutput bounds what a custom template may write: a message is a
// few lines, and every channel cuts or splits far below this.
const maxTemplateOutput = 64 << 10

// errTooLong stops a template that writes more than maxTemplateOutput.
var errTooLong = fmt.Errorf("the template writes more than %d KiB", maxTemplateOutput>>10)

// execute runs a template into a string of at most maxTemplateOutput bytes.
func execute(t *template.Template, data any) (string, error) {
	b := cappedBuffer{max: maxTemplateOutput}
	if err := t.Execute(&b, data); err != nil {
		if errors.Is(err, errTooLong) {
			return "", errTooLong
		}
		return "", err
	}
	return b.String(), nil
}

// cappedBuffer is a bytes.Buffer that refuses to grow past max.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errTooLong
	}
	return b.Buffer.Write(p)
}
