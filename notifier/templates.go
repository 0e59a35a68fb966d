package notifier

import (
	"errors"
	"fmt"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// Templates are a subscriber's own subject and body (Go text/template),
// replacing the built-in texts. Each template is executed with a
// *TemplateData; docs/channels.md lists its fields with examples.
type Templates struct {
	subject *template.Template // nil: built-in
	body    *template.Template // nil: built-in
}

// ParseTemplates parses custom templates; empty strings keep the built-in
// ones. A template that does not parse is an error here, so that config
// reports it when it loads the file rather than at the first check. Each
// template is also tried once on a sample message, because text/template only
// finds a misspelt field ({{.Titel}}) when it runs.
func ParseTemplates(subject, body string) (*Templates, error) {
	var t Templates
	var err error
	if t.subject, err = parseTemplate("subject", subject); err != nil {
		return nil, err
	}
	if t.body, err = parseTemplate("body", body); err != nil {
		return nil, err
	}
	return &t, nil
}

// parseTemplate parses and tries one template; "" is nil (built-in).
func parseTemplate(which, text string) (*template.Template, error) {
	if text == "" {
		return nil, nil
	}
	t, err := template.New(which).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parse %s template: %w", which, err)
	}
	if err := bounded(t); err != nil {
		return nil, fmt.Errorf("parse %s template: %w", which, err)
	}
	if _, err := execute(t, sampleData); err != nil {
		return nil, fmt.Errorf("check %s template: %w", which, err)
	}
	return t, nil
}

// sampleData is a message with every kind of item, so that a template's
// trial run reaches its branches for days and periods alike.
var sampleData = func() *TemplateData {
	day := schedule.Hours{{Open: 8 * 60, Close: 16 * 60}}
	short := schedule.Hours{{Open: 8 * 60, Close: 11*60 + 30}}
	var week schedule.Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = day
	}
	today := schedule.Date{Year: 2026, Month: time.April, Day: 29}
	d, err := newTemplateData(Request{
		Language: "sv", Today: today, Subscriber: "sample",
		Places: map[string]Place{"kundcenter": {ID: "kundcenter", Title: "Kundcenter", Phone: "0771-524 524"}},
		Items: []Item{
			{Status: StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: today.AddDays(1),
				Kind: schedule.KindDay, Name: schedule.Name{SV: "Valborgsmässoafton", EN: "Walpurgis Night"},
				Hours: short, Regular: day}},
			{Status: StatusCorrection, Previous: &schedule.Change{Kind: schedule.KindDay, Hours: day},
				Change: schedule.Change{Schedule: "kundcenter", Date: today.AddDays(2),
					Kind: schedule.KindDay, Regular: day}},
			{Status: StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: today.AddDays(60),
				Kind: schedule.KindPeriodStart, Until: today.AddDays(110), Weekly: week, RegularWeekly: week}},
		},
	})
	if err != nil {
		panic("notifier: sample template data: " + err.Error()) // a programming error in this file
	}
	return d
}()

// TemplateData is what a custom template sees. The built-in Subject and Body
// are there so that a template can wrap them ("{{.Body}}\n-- hoursd")
// rather than rewrite them.
type TemplateData struct {
	Language   string        // "sv" or "en"
	Subscriber string        // subscriber id
	Today      schedule.Date // the check's date
	Tomorrow   schedule.Date
	Subject    string          // the built-in subject
	Body       string          // the built-in body
	Groups     []TemplateGroup // one per schedule, in date order
	Request    Request         // everything, unformatted

	lang *language
}

// TemplateGroup is one schedule's items.
type TemplateGroup struct {
	Place   Place
	Heading string // "Försäkringskassan kundcenter, tel. 0771-524 524"
	Items   []TemplateItem
}

// TemplateItem is one change, raw and formatted.
type TemplateItem struct {
	Change         schedule.Change  // the change itself (Date, Kind, Name, Hours, Regular, Until, Weekly …)
	Previous       *schedule.Change // what a correction or cancellation replaces
	Status         Status           // new, correction, cancellation
	Kind           schedule.Kind    // day, period-start, period-end
	Today          bool             // the date is the check's own date (remind 0)
	Tomorrow       bool             // the date is the day after the check
	Date           string           // "torsdag 30 april" / "Thursday 30 April"
	ISODate        string           // "2026-04-30"
	Name           string           // the day's or period's name in the language, may be empty
	Hours          string           // "08:00–11:30", "stängt" / "closed"
	Regular        string           // the usual hours of that date
	Weekly         string           // period-start/-end: "mån–fre 08:00–15:00"
	Until          string           // period-start: its last date, formatted
	Text           string           // the built-in sentence for the item
	IsClosed       bool             // closed all day
	IsNew          bool
	IsCorrection   bool
	IsCancellation bool
}

// FormatDate formats a date in the subscriber's language: {{.FormatDate .Today}}.
func (d *TemplateData) FormatDate(x schedule.Date) string { return d.lang.Date(x, d.Today) }

// FormatHours formats openings in the subscriber's language.
func (d *TemplateData) FormatHours(h schedule.Hours) string { return d.lang.Hours(h) }

// FormatWeek summarises weekly hours ("mån–fre 08:00–16:00").
func (d *TemplateData) FormatWeek(w schedule.Week) string { return d.lang.Week(w) }

// newTemplateData formats a request; it is also how the built-in texts are
// made, so a template sees exactly what the built-in message says.
func newTemplateData(req Request) (*TemplateData, error) {
	l, err := languageOf(req.Language)
	if err != nil {
		return nil, err
	}
	if len(req.Items) == 0 {
		return nil, errNothing
	}
	gs := groups(req)
	var items []Item
	for _, g := range gs {
		items = append(items, g.items...)
	}
	d := &TemplateData{
		Language:   req.Language,
		Subscriber: req.Subscriber,
		Today:      req.Today,
		Tomorrow:   req.Today.AddDays(1),
		Subject:    l.subject(gs, items, req.Today),
		Body:       l.body(gs, req.Today),
		Request:    req,
		lang:       l,
	}
	if d.Language == "" {
		d.Language = "sv"
	}
	for _, g := range gs {
		tg := TemplateGroup{Place: g.place, Heading: l.heading(g.place)}
		for _, it := range g.items {
			c := it.Change
			ti := TemplateItem{
				Change:         c,
				Previous:       it.Previous,
				Status:         it.Status,
				Kind:           c.Kind,
				Today:          c.Date == req.Today,
				Tomorrow:       c.Date.Sub(req.Today) == 1,
				Date:           l.Date(c.Date, req.Today),
				ISODate:        c.Date.String(),
				Name:           l.Name(c.Name),
				Hours:          l.Hours(c.Hours),
				Regular:        l.Hours(c.Regular),
				Text:           l.line(it, req.Today),
				IsClosed:       c.Kind == schedule.KindDay && len(c.Hours) == 0,
				IsNew:          it.Status != StatusCorrection && it.Status != StatusCancellation,
				IsCorrection:   it.Status == StatusCorrection,
				IsCancellation: it.Status == StatusCancellation,
			}
			if c.Kind != schedule.KindDay {
				ti.Weekly = l.WeekAgainst(c.Weekly, c.RegularWeekly)
			}
			if !c.Until.IsZero() {
				ti.Until = l.Date(c.Until, req.Today)
			}
			tg.Items = append(tg.Items, ti)
		}
		d.Groups = append(d.Groups, tg)
	}
	return d, nil
}

// bounded refuses the template constructs whose running time does not follow
// from the message: text/template has no step limit, and hoursd runs a
// subscriber's template at load and at every check, so
// {{range 300000000}}{{end}} or sub-templates that call each other twice a
// level would stall validate, a reload or a check. What remains runs in time
// proportional to the message, and execute caps what it writes.
func bounded(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("{{define}} and {{block}} are not supported: write the text in the one template")
	}
	var problem error
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		if problem != nil || n == nil {
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TemplateNode:
			problem = fmt.Errorf("{{template %q}} is not supported: write the text in the one template", n.Name)
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			if !rangesOverData(n.Pipe) {
				problem = fmt.Errorf("{{range %s}}: range only over the message's lists (.Groups, .Items, …), not over a number or a variable", n.Pipe)
				return
			}
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(t.Tree.Root)
	return problem
}

// rangesOverData reports whether a range pipeline reads a list from the
// message (a field of dot or of a variable, possibly through a function such
// as slice), so that its length is bounded by the message.
func rangesOverData(pipe *parse.PipeNode) bool {
	if pipe == nil || len(pipe.Cmds) != 1 {
		return false
	}
	args := pipe.Cmds[0].Args
	if len(args) == 0 {
		return false
	}
	switch a := args[0].(type) {
	case *parse.FieldNode, *parse.ChainNode:
		return true
	case *parse.VariableNode:
		return len(a.Ident) > 1 // $g.Items, $.Groups; not a bare $n
	case *parse.IdentifierNode:
		// slice/index of a list of the message.
		if a.Ident != "slice" && a.Ident != "index" || len(args) < 2 {
			return false
		}
		switch b := args[1].(type) {
		case *parse.FieldNode, *parse.ChainNode:
			return true
		case *parse.VariableNode:
			return len(b.Ident) > 1
		}
	}
	return false
}
