package web

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// pageWeeks is how far ahead the status page looks: two months is what
// people plan a call or a visit by, and fits a phone screen.
const pageWeeks = 8

// statusTimeout bounds how long the page waits for the state store, so a
// stuck store makes the page say so instead of hanging.
const statusTimeout = 5 * time.Second

//go:embed page.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("page").Parse(pageSource))

// The markers the page sets beside classes, so that a deviating day reads as
// one without colour, in a screen reader and in a text browser.
const (
	markDeviating = "★"
	markPeriod    = "◆"
)

// pageData is what the template sees.
type pageData struct {
	Lang        string
	Other       string // the other language, for the switch
	L           pageLabels
	MarkDev     string
	MarkPeriod  string
	Generated   string
	Schedules   []schedulePage
	ShowStatus  bool
	StatusError string
	Subscribers []subscriberRow
	Sources     []sourceRow // sources.go
	SL          sourceLabels
	Replicas    []replicaRow // replicas.go
	RL          replicaLabels
}

type schedulePage struct {
	ID        string
	Title     string
	Phone     string
	PhoneHref template.URL
	URL       string
	Regular   string
	Feed      string
	Weekdays  [7]string // Monday first
	Weeks     [][7]cell
	Deviating []deviation
}

// cell is one day of the grid.
type cell struct {
	Date    string // YYYY-MM-DD
	Day     int
	Month   string // shown on the first cell and on each 1st
	Classes string
	Mark    string
	Hours   string // shown for deviating and period days only
	Name    string
	Label   string // the whole day in words, for title and screen readers
}

// deviation is one line of the list under the grid.
type deviation struct {
	Date, Mark, Text string
}

type subscriberRow struct {
	ID         string
	Schedules  string
	NextCheck  string
	LastCheck  string
	LastError  string
	Deliveries []deliveryRow
}

type deliveryRow struct {
	Channel, Target, Result, Time, Error string
}

// servePage serves the status page, /?lang=sv|en.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	l, err := parseLang(r.URL.Query().Get("lang"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	st := h.snapshot()
	now := h.now().In(st.loc)
	data := pageData{
		Lang:       l.Code(),
		Other:      map[string]string{"sv": "en", "en": "sv"}[l.Code()],
		L:          l.labels,
		MarkDev:    markDeviating,
		MarkPeriod: markPeriod,
		Generated:  l.dateTime(now),
	}
	today := schedule.DateOf(now)
	data.Sources, data.SL = h.sourceRows(st.loc, l), sourceWords[l.Code()]
	data.Replicas, data.RL = h.replicaRows(st.loc, l), replicaWords[l.Code()]
	for _, s := range st.schedules {
		data.Schedules = append(data.Schedules, buildSchedulePage(s, today, l))
	}
	if h.status != nil {
		data.ShowStatus = true
		ctx, cancel := context.WithTimeout(r.Context(), statusTimeout)
		defer cancel()
		subs, err := h.status.Subscribers(ctx)
		if err != nil {
			h.log.Warn("status page: read subscriber status", "err", err)
			data.StatusError = scrubError(err.Error())
		}
		for _, sub := range subs {
			data.Subscribers = append(data.Subscribers, buildSubscriberRow(sub, st.loc, l))
		}
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		h.log.Error("render status page", "err", err)
		http.Error(w, "could not render the page", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// The page loads nothing: no scripts, no fonts, no images, only its
	// inline style.
	hdr.Set("Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// buildSchedulePage lays out the weeks from the Monday of today's week.
func buildSchedulePage(s *schedule.Schedule, today schedule.Date, l *lang) schedulePage {
	p := schedulePage{
		ID:      s.ID,
		Title:   s.Title,
		Phone:   s.Phone,
		URL:     s.URL,
		Regular: l.Week(s.Weekly),
		Feed:    "calendar/" + s.ID + ".ics?lang=" + l.Code(),
	}
	if p.Title == "" {
		p.Title = s.ID
	}
	if tel := telURL(s.Phone); tel != "" {
		p.PhoneHref = template.URL(tel) // built from digits and '+' only
	}
	for i := range 7 {
		p.Weekdays[i] = l.ShortWeekday(words.MondayFirst[i])
	}
	start := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	days := pageWeeks * 7
	changes := map[schedule.Date]schedule.Change{}
	periodStarts := map[schedule.Date]schedule.Change{}
	for _, c := range s.Changes(start, days) {
		switch c.Kind {
		case schedule.KindDay:
			changes[c.Date] = c
		case schedule.KindPeriodStart:
			periodStarts[c.Date] = c
		}
	}
	for w := range pageWeeks {
		var week [7]cell
		for i := range 7 {
			d := start.AddDays(w*7 + i)
			week[i] = buildCell(s, d, today, i == 0 && w == 0, changes, periodStarts, l)
			if c, ok := changes[d]; ok && !d.Before(today) {
				p.Deviating = append(p.Deviating, deviation{
					Date: d.String(), Mark: markDeviating,
					Text: words.Capitalize(l.ShortDate(d)) + ": " + dayText(c.Hours, c.Name, l),
				})
			}
			if c, ok := periodStarts[d]; ok && !d.Before(today) {
				p.Deviating = append(p.Deviating, deviation{
					Date: d.String(), Mark: markPeriod,
					Text: words.Capitalize(l.ShortDate(d)) + ": " + periodName(c.Name, l) + " " + l.Week(c.Weekly),
				})
			}
		}
		p.Weeks = append(p.Weeks, week)
	}
	return p
}

func buildCell(s *schedule.Schedule, d, today schedule.Date, first bool,
	changes, periodStarts map[schedule.Date]schedule.Change, l *lang) cell {
	c := cell{Date: d.String(), Day: d.Day}
	if first || d.Day == 1 {
		c.Month = l.ShortMonth(d.Month)
	}
	day := s.Day(d)
	var classes []string
	ch, deviating := changes[d]
	ps, periodStart := periodStarts[d]
	inPeriod := !day.Regular.Equal(s.Weekly[d.Weekday()])
	switch {
	case deviating:
		classes = append(classes, "dev")
		c.Mark = markDeviating
		c.Hours = l.Hours(ch.Hours)
		c.Name = l.Name(ch.Name)
		c.Label = l.ShortDate(d) + ": " + dayText(ch.Hours, ch.Name, l)
	case inPeriod || periodStart:
		classes = append(classes, "period")
		c.Mark = markPeriod
		c.Hours = l.Hours(day.Hours)
		if periodStart {
			c.Name = periodName(ps.Name, l)
		}
		c.Label = l.ShortDate(d) + ": " + l.openHours(day.Hours) + " (" + l.labels.InPeriod + ")"
	default:
		c.Label = l.ShortDate(d) + ": " + l.openHours(day.Hours)
	}
	if day.Hours.Closed() {
		classes = append(classes, "closed")
	}
	switch {
	case d == today:
		classes = append(classes, "today")
		c.Label += " (" + l.labels.Today + ")"
	case d.Before(today):
		classes = append(classes, "past")
	}
	c.Classes = strings.Join(classes, " ")
	return c
}

// dayText is "öppet 08:00–11:30 (Valborgsmässoafton)".
func dayText(h schedule.Hours, n schedule.Name, l *lang) string {
	if name := l.Name(n); name != "" {
		return l.openHours(h) + " (" + name + ")"
	}
	return l.openHours(h)
}

func periodName(n schedule.Name, l *lang) string {
	if name := l.Name(n); name != "" {
		return name
	}
	return l.special
}

func buildSubscriberRow(sub SubscriberStatus, loc *time.Location, l *lang) subscriberRow {
	row := subscriberRow{
		ID:        sub.ID,
		Schedules: strings.Join(sub.Schedules, ", "),
		NextCheck: l.labels.Unknown,
		LastCheck: l.labels.Never,
		LastError: scrubError(sub.LastError),
	}
	if !sub.NextCheck.IsZero() {
		row.NextCheck = l.dateTime(sub.NextCheck.In(loc))
	}
	if !sub.LastCheck.IsZero() {
		// When the check ran, as `hoursd status` says it; and the instant
		// it checked for where that is another minute (a catch-up).
		row.LastCheck = l.dateTime(sub.LastCheck.In(loc))
		if asOf := sub.LastCheckAsOf; !asOf.IsZero() && l.dateTime(asOf.In(loc)) != row.LastCheck {
			row.LastCheck += " (" + l.labels.AsOf + " " + l.dateTime(asOf.In(loc)) + ")"
		}
	}
	for _, d := range sub.Deliveries {
		dr := deliveryRow{
			Channel: d.Channel,
			Target:  maskTarget(d.Target),
			Result:  d.Result,
			Error:   scrubError(d.Error),
		}
		if !d.At.IsZero() {
			dr.Time = l.dateTime(d.At.In(loc))
		}
		row.Deliveries = append(row.Deliveries, dr)
	}
	return row
}

// telURL is a tel: link for a phone number as people write it
// ("0771-524 524"), or "" when it has no digits.
func telURL(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "tel:" + b.String()
}

// dateTime is "tors 30 april 2026 18:00".
func (l *lang) dateTime(t time.Time) string {
	return fmt.Sprintf("%s %02d:%02d", l.ShortDate(schedule.DateOf(t)), t.Hour(), t.Minute())
}
