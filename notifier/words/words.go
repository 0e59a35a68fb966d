// Package words is hoursd's one table of Swedish and English words —
// weekdays, months, "stängt"/"closed" — and its one formatter of dates, hours
// and weeks for people: the messages of the notifier, the status page and
// the calendar feed all say "torsdag 30 april", "08:00–11:30 och
// 13:00–16:00" and "mån–fre 08:00–16:00" through it, so that they never
// disagree on a word or an abbreviation.
//
// It sits under notifier, which renders messages in sv and en (README.md,
// "Repository layout"), as a leaf of its own so that daemon/web and cmd can
// use it without importing the delivery code. schedule could not hold it:
// it knows no language. schedule's own String methods stay what they are,
// the syntax of the configuration (08:00-16:00, mon-fri), for operators who
// compare output with the file they wrote.
//
// hoursd writes its own small tables rather than using a locale library: two
// languages, a few dozen words, and each form is chosen as a person would
// write it, which a generic formatter does not do (the Swedish weekday
// abbreviations are CLDR's: "tors", not "tor").
package words

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hoursd/hoursd/schedule"
)

// Language is the words of one language. Its tables are unexported so that
// no importer can change what the others print.
type Language struct {
	code          string
	weekdays      [7]string // by time.Weekday: "torsdag"
	short         [7]string // by time.Weekday: "tors", for weekly hours and grids
	months        [12]string
	shortMonths   [12]string
	today         string
	tomorrow      string
	closed        string
	open          string
	and           string
	closedAllWeek string
}

// Swedish is the words of hoursd's default language.
var Swedish = &Language{
	code:     "sv",
	weekdays: [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
	// CLDR's abbreviations (sv, format-abbreviated): "tors", as people
	// write Thursday when short, not the three-letter "tor" that a fixed
	// width would ask for.
	short: [7]string{"sön", "mån", "tis", "ons", "tors", "fre", "lör"},
	months: [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli",
		"augusti", "september", "oktober", "november", "december"},
	shortMonths: [12]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul",
		"aug", "sep", "okt", "nov", "dec"},
	today:         "i dag",
	tomorrow:      "i morgon",
	closed:        "stängt",
	open:          "öppet",
	and:           "och",
	closedAllWeek: "stängt alla dagar",
}

// English is the words of a subscriber, page or feed that asks for "en".
var English = &Language{
	code:     "en",
	weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	short:    [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	months: [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"},
	shortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec"},
	today:         "today",
	tomorrow:      "tomorrow",
	closed:        "closed",
	open:          "open",
	and:           "and",
	closedAllWeek: "closed every day",
}

// Of returns the language of a code: "sv", "en", or "" for Swedish, the
// language of the places hoursd follows.
func Of(code string) (*Language, error) {
	switch code {
	case "", "sv":
		return Swedish, nil
	case "en":
		return English, nil
	}
	return nil, fmt.Errorf("unknown language %q (want sv or en)", code)
}

// Code is the language's code: "sv" or "en".
func (l *Language) Code() string { return l.code }

// Weekday is the weekday's name: "torsdag" / "Thursday".
func (l *Language) Weekday(wd time.Weekday) string { return l.weekdays[wd%7] }

// ShortWeekday is the weekday's abbreviation: "tors" / "Thu".
func (l *Language) ShortWeekday(wd time.Weekday) string { return l.short[wd%7] }

// Month is the month's name: "april" / "April".
func (l *Language) Month(m time.Month) string { return l.months[(m+11)%12] }

// ShortMonth is the month's abbreviation: "apr" / "Apr".
func (l *Language) ShortMonth(m time.Month) string { return l.shortMonths[(m+11)%12] }

// Today is "i dag" / "today".
func (l *Language) Today() string { return l.today }

// Tomorrow is "i morgon" / "tomorrow".
func (l *Language) Tomorrow() string { return l.tomorrow }

// Closed is "stängt" / "closed".
func (l *Language) Closed() string { return l.closed }

// Open is "öppet" / "open".
func (l *Language) Open() string { return l.open }

// Date is "torsdag 30 april" / "Thursday 30 April", with the year only when
// it is not today's: a reader in April knows which April is meant, and a
// date in January seen in December needs its year.
func (l *Language) Date(d, today schedule.Date) string {
	s := fmt.Sprintf("%s %d %s", l.Weekday(d.Weekday()), d.Day, l.Month(d.Month))
	if d.Year != today.Year {
		s += fmt.Sprintf(" %d", d.Year)
	}
	return s
}

// ShortDate is "tors 30 april 2026" / "Thu 30 April 2026": always with its
// year and with the short weekday, for a page where a date stands alone and
// a full weekday is too long for a grid cell.
func (l *Language) ShortDate(d schedule.Date) string {
	return fmt.Sprintf("%s %d %s %d", l.ShortWeekday(d.Weekday()), d.Day, l.Month(d.Month), d.Year)
}

// Hours is a day's openings as a sentence says them, "08:00–11:30 och
// 13:00–16:00", or "stängt". The en dash is the typographic range sign in
// both languages; the configuration's ASCII "08:00-11:30" is for files.
func (l *Language) Hours(h schedule.Hours) string {
	if h.Closed() {
		return l.closed
	}
	parts := make([]string, len(h))
	for i, iv := range h {
		parts[i] = clock(iv.Open) + "–" + clock(iv.Close)
	}
	return l.List(parts)
}

// Week summarises weekly hours Monday first, consecutive days with equal
// hours as one run: "mån–fre 08:00–15:00; lör 10:00–14:00". Closed days are
// left out, as on the places' own notices and in the configuration; a week
// closed every day says so. Runs are separated by semicolons because a
// day's openings already use commas ("mån 08:00–09:00, 10:00–11:00 och
// 13:00–14:00; tis …").
func (l *Language) Week(w schedule.Week) string {
	return l.week(w, false)
}

// WeekAgainst is Week for hours that replace usual ones: where w closes a
// day that usual opens, the closed days are named too ("mån–fre
// 08:00–15:00; lör–sön stängt"), since a reader who knows the place open
// on Saturdays would otherwise take the silence for "as usual". A week that
// closes nothing usually open reads as Week.
func (l *Language) WeekAgainst(w, usual schedule.Week) string {
	for _, wd := range MondayFirst {
		if w[wd].Closed() && !usual[wd].Closed() {
			return l.week(w, true)
		}
	}
	return l.week(w, false)
}

// week is Week, with the runs of closed days written out when closed is
// set.
func (l *Language) week(w schedule.Week, closed bool) string {
	var runs []string
	for i := 0; i < len(MondayFirst); {
		first := MondayFirst[i]
		j := i + 1
		for j < len(MondayFirst) && w[MondayFirst[j]].Equal(w[first]) {
			j++
		}
		if closed || !w[first].Closed() {
			days := l.ShortWeekday(first)
			if j-i > 1 {
				days += "–" + l.ShortWeekday(MondayFirst[j-1])
			}
			runs = append(runs, days+" "+l.Hours(w[first]))
		}
		i = j
	}
	if len(runs) == 0 || closedAllWeek(w) {
		return l.closedAllWeek
	}
	return strings.Join(runs, "; ")
}

// closedAllWeek reports whether w opens on no day.
func closedAllWeek(w schedule.Week) bool {
	for _, h := range w {
		if !h.Closed() {
			return false
		}
	}
	return true
}

// List joins "a, b och c" / "a, b and c".
func (l *Language) List(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + l.and + " " + parts[len(parts)-1]
}

// Name is a day's or period's name in the language, falling back to the
// other one: the catalogue names every day in both, a user's exception or
// a source's reading may carry only one.
func (l *Language) Name(n schedule.Name) string {
	if l.code == "en" && n.EN != "" || n.SV == "" {
		return n.EN
	}
	return n.SV
}

// MondayFirst is the order a week is read in Sweden and in everything
// hoursd shows people.
var MondayFirst = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday,
	time.Friday, time.Saturday, time.Sunday}

// Capitalize upper-cases the first letter, for text that starts a sentence
// ("I morgon, torsdag 30 april …", "Tors 30 april 2026: …").
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// clock formats minutes after midnight as HH:MM. It does not use
// schedule.Clock.String so that what people read never depends on how the
// schedule package prints the configuration's syntax.
func clock(c schedule.Clock) string {
	return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60)
}
