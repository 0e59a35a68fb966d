package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// lang is the language of a feed or a page: the texts hoursd shows people.
// The feed and the page carry their own small word lists instead of reusing
// the notifier's message templates, because they say different things
// ("closed (Midsommarafton)" in a calendar title, a weekday header in a grid)
// and must not change when a subscriber customises their message templates.
type lang struct {
	code     string
	weekdays [7]string // indexed by time.Weekday, short lower-case
	months   [12]string
	closed   string
	open     string // "öppet 08:00–11:30"
	instead  string // "%s instead of %s."
	special  string // a period without a name
	labels   pageLabels
}

// pageLabels are the status page's headings and column names.
type pageLabels struct {
	Title, Regular, Phone, Weeks, Subscribers, NextCheck,
	LastDeliveries, Target, Channel, Result, Time, Error, NoDeliveries,
	Deviating, InPeriod, Today, Generated, Unknown, NoSubscribers,
	LastCheck, Never string
}

var languages = map[string]*lang{
	"sv": {
		code:     "sv",
		weekdays: [7]string{"sön", "mån", "tis", "ons", "tor", "fre", "lör"},
		months: [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli",
			"augusti", "september", "oktober", "november", "december"},
		closed:  "stängt",
		open:    "öppet",
		instead: "%s i stället för %s.",
		special: "Särskilda öppettider",
		labels: pageLabels{
			Title: "Öppettider", Regular: "Ordinarie öppettider", Phone: "Telefon",
			Weeks:       "De kommande åtta veckorna",
			Subscribers: "Prenumeranter", NextCheck: "Nästa kontroll",
			LastDeliveries: "Senaste utskick", Target: "Mottagare", Channel: "Kanal",
			Result: "Resultat", Time: "Tid", Error: "Fel", NoDeliveries: "Inga utskick ännu.",
			Deviating: "avvikande öppettider", InPeriod: "säsongsöppettider", Today: "idag",
			Generated: "Sidan skapades", Unknown: "okänd",
			NoSubscribers: "Inga prenumeranter.", LastCheck: "Senaste kontroll", Never: "aldrig",
		},
	},
	"en": {
		code:     "en",
		weekdays: [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		months: [12]string{"January", "February", "March", "April", "May", "June", "July",
			"August", "September", "October", "November", "December"},
		closed:  "closed",
		open:    "open",
		instead: "%s instead of %s.",
		special: "Special hours",
		labels: pageLabels{
			Title: "Opening hours", Regular: "Regular hours", Phone: "Phone",
			Weeks:       "The next eight weeks",
			Subscribers: "Subscribers", NextCheck: "Next check",
			LastDeliveries: "Last deliveries", Target: "Target", Channel: "Channel",
			Result: "Result", Time: "Time", Error: "Error", NoDeliveries: "No deliveries yet.",
			Deviating: "deviating hours", InPeriod: "seasonal hours", Today: "today",
			Generated: "Page generated", Unknown: "unknown",
			NoSubscribers: "No subscribers.", LastCheck: "Last check", Never: "never",
		},
	},
}

// defaultLang is the language when a request names none, as for subscribers.
const defaultLang = "sv"

// langError is a ?lang= that hoursd does not speak.
type langError struct{ value string }

func (e *langError) Error() string {
	return fmt.Sprintf("unknown language %q: want sv or en", e.value)
}

// CheckLang reports whether code is a language the feed and the page speak:
// "sv", "en", or "" for the default (sv).
func CheckLang(code string) error {
	_, err := parseLang(code)
	return err
}

// parseLang returns the language for code; "" is the default.
func parseLang(code string) (*lang, error) {
	if code == "" {
		code = defaultLang
	}
	l, ok := languages[code]
	if !ok {
		return nil, &langError{code}
	}
	return l, nil
}

// name picks the day's or period's name in the language, falling back to the
// other language: the catalogue has both, a user's exception may have one.
func (l *lang) name(n schedule.Name) string {
	if l.code == "en" && n.EN != "" || n.SV == "" {
		return n.EN
	}
	return n.SV
}

// hours formats openings as "08:00–11:30, 12:30–15:00", or "stängt".
func (l *lang) hours(h schedule.Hours) string {
	if h.Closed() {
		return l.closed
	}
	parts := make([]string, len(h))
	for i, iv := range h {
		parts[i] = iv.Open.String() + "–" + iv.Close.String()
	}
	return strings.Join(parts, ", ")
}

// openHours is "öppet 08:00–11:30" for open hours and "stängt" for none.
func (l *lang) openHours(h schedule.Hours) string {
	if h.Closed() {
		return l.closed
	}
	return l.open + " " + l.hours(h)
}

// week formats a week as runs of days with the same hours, Monday first:
// "mån–fre 08:00–16:00; lör–sön stängt".
func (l *lang) week(w schedule.Week) string {
	var runs []string
	for i := 0; i < 7; {
		first := mondayFirst(i)
		j := i + 1
		for j < 7 && w[mondayFirst(j)].Equal(w[first]) {
			j++
		}
		days := l.weekdays[first]
		if last := mondayFirst(j - 1); last != first {
			days += "–" + l.weekdays[last]
		}
		runs = append(runs, days+" "+l.hours(w[first]))
		i = j
	}
	return strings.Join(runs, "; ")
}

// mondayFirst maps 0..6 to Monday..Sunday, the order of a Swedish week.
func mondayFirst(i int) time.Weekday { return time.Weekday((i + 1) % 7) }

// date formats a date as people read it: "torsdag 30 april" is too long for
// a grid cell, so this is "tor 30 april 2026" / "Thu 30 April 2026".
func (l *lang) date(d schedule.Date) string {
	return fmt.Sprintf("%s %d %s %d", l.weekdays[d.Weekday()], d.Day, l.months[d.Month-1], d.Year)
}
