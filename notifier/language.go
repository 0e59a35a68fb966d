package notifier

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hoursd/hoursd/schedule"
)

// language holds the words a message is made of. hoursd writes its own small
// tables rather than using a locale library: two languages, a few dozen
// words, and each sentence is written as a person would write it, which no
// generic formatter does.
type language struct {
	weekdays [7]string  // by time.Weekday
	short    [7]string  // mån / Mon, for weekly hours
	months   [13]string // by time.Month
	today    string
	tomorrow string
	closed   string
	open     string
	and      string

	// states of a day: new hours next to the regular ones.
	closedInstead string // "stängt (vanligtvis öppet %s)"
	openInstead   string // "öppet %s i stället för %s"
	openUsuallyCl string // "öppet %s (vanligtvis stängt)"
	closedAllWeek string

	// Periods lead with their name, as a notice does ("Sommaröppettider
	// från och med …"): the name is the user's own text, and at the start
	// of a sentence its capital letter reads right in both languages
	// ("Sommaröppettider", "Christmas hours"), which it would not in the
	// middle of one.
	periodStart     string // name, date: "%s från och med %s"
	periodUntil     string // " till och med %s"
	usually         string // "vanligtvis %s": the usual hours beside the new ones
	otherHours      string
	periodEnd       string
	changed         string
	previously      string // "tidigare meddelat: %s", inside the sentence's parentheses
	cancelledDay    string
	cancelledClosed string // a cancelled opening on a usually closed day
	notAsAnnounced  string
	cancelledStart  string
	cancelledEnd    string // name, dayRefOn: "… do not return on Monday 25 August" but "… today, Monday 24 August,"

	header       string // title, phone
	subjectNew   string
	subjectFixed string
	onDate       string // " torsdag 30 april" / " on Thursday 30 April"
	fromDate     string

	testSubject string
	testBody    string
}

var swedish = language{
	weekdays: [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
	short:    [7]string{"sön", "mån", "tis", "ons", "tors", "fre", "lör"},
	months: [13]string{"", "januari", "februari", "mars", "april", "maj", "juni", "juli",
		"augusti", "september", "oktober", "november", "december"},
	today:           "i dag",
	tomorrow:        "i morgon",
	closed:          "stängt",
	open:            "öppet",
	and:             "och",
	closedInstead:   "stängt (vanligtvis öppet %s)",
	openInstead:     "öppet %s i stället för %s",
	openUsuallyCl:   "öppet %s (vanligtvis stängt)",
	closedAllWeek:   "stängt alla dagar",
	periodStart:     "%s från och med %s",
	periodUntil:     " till och med %s",
	usually:         "vanligtvis %s",
	otherHours:      "Andra öppettider",
	periodEnd:       "de vanliga öppettiderna gäller igen från och med %s: %s",
	changed:         "Ändrat: ",
	previously:      "tidigare meddelat: %s",
	cancelledDay:    "%s: de vanliga öppettiderna gäller ändå, %s",
	cancelledClosed: "%s: stängt ändå, som vanligt",
	notAsAnnounced:  "inte %s som tidigare meddelat",
	cancelledStart:  "%s från och med %s blir inte av; de vanliga öppettiderna gäller ändå: %s",
	cancelledEnd:    "%s fortsätter: de vanliga öppettiderna kommer inte tillbaka %s som tidigare meddelat",
	header:          "%s, tel. %s",
	subjectNew:      "Ändrade öppettider%s: %s",
	subjectFixed:    "Rättade öppettider%s: %s",
	onDate:          " %s",
	fromDate:        " från och med %s",
	testSubject:     "Testmeddelande från hoursd",
	testBody: "Det här är ett testmeddelande från hoursd till %s via %s.\n" +
		"Om du läser det här når hoursd dig den här vägen.",
}

var english = language{
	weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	short:    [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	months: [13]string{"", "January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"},
	today:           "today",
	tomorrow:        "tomorrow",
	closed:          "closed",
	open:            "open",
	and:             "and",
	closedInstead:   "closed (usually open %s)",
	openInstead:     "open %s instead of %s",
	openUsuallyCl:   "open %s (usually closed)",
	closedAllWeek:   "closed every day",
	periodStart:     "%s from %s",
	periodUntil:     " until %s",
	usually:         "usually %s",
	otherHours:      "Different hours",
	periodEnd:       "the usual hours apply again from %s: %s",
	changed:         "Changed: ",
	previously:      "announced earlier: %s",
	cancelledDay:    "%s: the usual hours apply after all, %s",
	cancelledClosed: "%s: closed after all, as usual",
	notAsAnnounced:  "not %s as announced earlier",
	cancelledStart:  "%s from %s are cancelled; the usual hours apply after all: %s",
	cancelledEnd:    "%s continue: the usual hours do not return %s as announced earlier",
	header:          "%s, phone %s",
	subjectNew:      "Changed hours%s: %s",
	subjectFixed:    "Corrected hours%s: %s",
	onDate:          " on %s",
	fromDate:        " from %s",
	testSubject:     "hoursd test message",
	testBody: "This is a test message from hoursd to %s via %s.\n" +
		"If you are reading it, hoursd can reach you this way.",
}

// languageOf returns the texts of a subscriber's language; "" is Swedish.
func languageOf(code string) (*language, error) {
	switch code {
	case "", "sv":
		return &swedish, nil
	case "en":
		return &english, nil
	}
	return nil, fmt.Errorf("unknown language %q (want sv or en)", code)
}

// date formats d as "torsdag 30 april" / "Thursday 30 April", with the year
// when it is not today's year.
func (l *language) date(d, today schedule.Date) string {
	s := fmt.Sprintf("%s %d %s", l.weekdays[d.Weekday()], d.Day, l.months[d.Month])
	if d.Year != today.Year {
		s += fmt.Sprintf(" %d", d.Year)
	}
	return s
}

// dayRef is date with "i morgon, " / "tomorrow, " (or today) in front where
// it applies: a reader should not have to work out that Thursday is tomorrow.
func (l *language) dayRef(d, today schedule.Date) string {
	switch d.Sub(today) {
	case 0:
		return l.today + ", " + l.date(d, today)
	case 1:
		return l.tomorrow + ", " + l.date(d, today)
	}
	return l.date(d, today)
}

// dayRefMid is dayRef for the middle of a sentence: "i morgon, måndag 30
// juni," is an apposition and closes with a comma before the sentence goes
// on, in Swedish as in English.
func (l *language) dayRefMid(d, today schedule.Date) string {
	if n := d.Sub(today); n == 0 || n == 1 {
		return l.dayRef(d, today) + ","
	}
	return l.dayRef(d, today)
}

// dayRefOn is dayRefMid where a bare date needs the language's preposition
// (onDate: "on Monday 25 August") and "today" or "tomorrow" takes none
// ("today, Monday 24 August,", never "on today").
func (l *language) dayRefOn(d, today schedule.Date) string {
	if n := d.Sub(today); n == 0 || n == 1 {
		return l.dayRefMid(d, today)
	}
	return strings.TrimPrefix(fmt.Sprintf(l.onDate, l.dayRefMid(d, today)), " ")
}

// note adds a remark in parentheses, into the sentence's last parentheses
// when it already ends with some: "stängt (vanligtvis öppet 08:00–16:00;
// tidigare meddelat: 08:00–11:30)" rather than two pairs in a row.
func note(s, remark string) string {
	if before, ok := strings.CutSuffix(s, ")"); ok {
		return before + "; " + remark + ")"
	}
	return s + " (" + remark + ")"
}

// clock formats minutes after midnight as HH:MM. hoursd formats clocks here
// rather than with schedule.Clock.String so that messages never depend on
// how the schedule package chooses to print for its own purposes.
func clock(c schedule.Clock) string {
	return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60)
}

// hours formats openings as "08:00–11:30 och 13:00–16:00", or closed.
func (l *language) hours(h schedule.Hours) string {
	if len(h) == 0 {
		return l.closed
	}
	parts := make([]string, len(h))
	for i, iv := range h {
		parts[i] = clock(iv.Open) + "–" + clock(iv.Close)
	}
	return l.list(parts)
}

// list joins "a, b och c".
func (l *language) list(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " " + l.and + " " + parts[len(parts)-1]
}

// state says what a day's hours are next to its regular ones.
func (l *language) state(h, regular schedule.Hours) string {
	switch {
	case len(h) == 0 && len(regular) == 0:
		return l.closed
	case len(h) == 0:
		return fmt.Sprintf(l.closedInstead, l.hours(regular))
	case len(regular) == 0:
		return fmt.Sprintf(l.openUsuallyCl, l.hours(h))
	}
	return fmt.Sprintf(l.openInstead, l.hours(h), l.hours(regular))
}

// mondayFirst is the order a week is read in Sweden and in hoursd's messages.
var mondayFirst = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday,
	time.Friday, time.Saturday, time.Sunday}

// week summarises weekly hours as "mån–fre 08:00–15:00, lör 10:00–14:00":
// consecutive days with equal hours are one run, closed days are left out.
func (l *language) week(w schedule.Week) string {
	var parts []string
	for i := 0; i < len(mondayFirst); {
		h := w[mondayFirst[i]]
		j := i + 1
		for j < len(mondayFirst) && w[mondayFirst[j]].Equal(h) {
			j++
		}
		if len(h) > 0 {
			days := l.short[mondayFirst[i]]
			if j-i > 1 {
				days += "–" + l.short[mondayFirst[j-1]]
			}
			parts = append(parts, days+" "+l.hours(h))
		}
		i = j
	}
	if len(parts) == 0 {
		return l.closedAllWeek
	}
	return strings.Join(parts, ", ")
}

// capitalize upper-cases the first letter of a sentence.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// name is a change's name in the language, falling back to Swedish, which
// every catalogue day has.
func (l *language) name(n schedule.Name) string {
	if l == &english && n.EN != "" {
		return n.EN
	}
	return n.SV
}
