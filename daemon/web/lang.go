package web

import (
	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// lang is the language of a feed or a page: the words, dates, hours and
// weeks of words.Language, which the messages share, and the page's own
// headings. The feed and the page do not reuse the notifier's message
// sentences, because they say different things ("closed (Midsommarafton)"
// in a calendar title, a weekday header in a grid) and must not change when
// a subscriber customises their message templates.
type lang struct {
	*words.Language
	instead string // "%s instead of %s."
	special string // a period without a name
	labels  pageLabels
}

// pageLabels are the status page's headings and column names.
type pageLabels struct {
	Title, Regular, Phone, Weeks, Subscribers, NextCheck,
	LastDeliveries, Target, Channel, Result, Time, Error, NoDeliveries,
	Deviating, InPeriod, Today, Generated, Unknown, NoSubscribers,
	LastCheck, AsOf, Never string
}

var languages = map[string]*lang{
	"sv": {
		Language: words.Swedish,
		instead:  "%s i stället för %s.",
		special:  "Särskilda öppettider",
		labels: pageLabels{
			Title: "Öppettider", Regular: "Ordinarie öppettider", Phone: "Telefon",
			Weeks:       "De kommande åtta veckorna",
			Subscribers: "Prenumeranter", NextCheck: "Nästa kontroll",
			LastDeliveries: "Senaste utskick", Target: "Mottagare", Channel: "Kanal",
			Result: "Resultat", Time: "Tid", Error: "Fel", NoDeliveries: "Inga utskick ännu.",
			Deviating: "avvikande öppettider", InPeriod: "säsongsöppettider", Today: words.Swedish.Today(),
			Generated: "Sidan skapades", Unknown: "okänd",
			NoSubscribers: "Inga prenumeranter.", LastCheck: "Senaste kontroll", AsOf: "för läget", Never: "aldrig",
		},
	},
	"en": {
		Language: words.English,
		instead:  "%s instead of %s.",
		special:  "Special hours",
		labels: pageLabels{
			Title: "Opening hours", Regular: "Regular hours", Phone: "Phone",
			Weeks:       "The next eight weeks",
			Subscribers: "Subscribers", NextCheck: "Next check",
			LastDeliveries: "Last deliveries", Target: "Target", Channel: "Channel",
			Result: "Result", Time: "Time", Error: "Error", NoDeliveries: "No deliveries yet.",
			Deviating: "deviating hours", InPeriod: "seasonal hours", Today: words.English.Today(),
			Generated: "Page generated", Unknown: "unknown",
			NoSubscribers: "No subscribers.", LastCheck: "Last check", AsOf: "as of", Never: "never",
		},
	},
}

// CheckLang reports whether code is a language the feed and the page speak:
// "sv", "en", or "" for the default (sv), as for subscribers.
func CheckLang(code string) error {
	_, err := parseLang(code)
	return err
}

// parseLang returns the language for code; "" is Swedish. The codes are
// words.Of's, so a page, a feed and a subscriber accept the same ones.
func parseLang(code string) (*lang, error) {
	w, err := words.Of(code)
	if err != nil {
		return nil, err
	}
	return languages[w.Code()], nil
}

// openHours is "öppet 08:00–11:30" for open hours and "stängt" for none.
func (l *lang) openHours(h schedule.Hours) string {
	if h.Closed() {
		return l.Closed()
	}
	return l.Open() + " " + l.Hours(h)
}
