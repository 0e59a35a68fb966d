package notifier

import (
	"fmt"
	"strings"

	"github.com/hoursd/hoursd/notifier/words"
	"github.com/hoursd/hoursd/schedule"
)

// language holds the sentences a message is made of, around the words,
// dates, hours and weeks of words.Language that the status page and the
// calendar feed share. Each sentence is written as a person would write it,
// which no generic formatter does.
type language struct {
	*words.Language

	// states of a day: new hours next to the regular ones.
	closedInstead string // "stängt (vanligtvis öppet %s)"
	openInstead   string // "öppet %s i stället för %s"
	openUsuallyCl string // "öppet %s (vanligtvis stängt)"

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
	Language:        words.Swedish,
	closedInstead:   "stängt (vanligtvis öppet %s)",
	openInstead:     "öppet %s i stället för %s",
	openUsuallyCl:   "öppet %s (vanligtvis stängt)",
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
	Language:        words.English,
	closedInstead:   "closed (usually open %s)",
	openInstead:     "open %s instead of %s",
	openUsuallyCl:   "open %s (usually closed)",
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
	w, err := words.Of(code)
	if err != nil {
		return nil, err
	}
	if w == words.English {
		return &english, nil
	}
	return &swedish, nil
}

// dayRef is Date with "i morgon, " / "tomorrow, " (or today) in front where
// it applies: a reader should not have to work out that Thursday is tomorrow.
func (l *language) dayRef(d, today schedule.Date) string {
	switch d.Sub(today) {
	case 0:
		return l.Today() + ", " + l.Date(d, today)
	case 1:
		return l.Tomorrow() + ", " + l.Date(d, today)
	}
	return l.Date(d, today)
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

// state says what a day's hours are next to its regular ones.
func (l *language) state(h, regular schedule.Hours) string {
	switch {
	case len(h) == 0 && len(regular) == 0:
		return l.Closed()
	case len(h) == 0:
		return fmt.Sprintf(l.closedInstead, l.Hours(regular))
	case len(regular) == 0:
		return fmt.Sprintf(l.openUsuallyCl, l.Hours(h))
	}
	return fmt.Sprintf(l.openInstead, l.Hours(h), l.Hours(regular))
}
