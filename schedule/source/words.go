package source

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The page reader reads words, not markup: a line of a page's text is cut
// into tokens (words, numbers, single marks) and the readers below match
// sequences of them. Every kind of dash a page may use (hyphen, non-breaking
// hyphen, en and em dash, minus) is the token "-"; apostrophes vanish, so
// "New Year’s Eve" and "New Years Eve" are the same words.

type tokKind uint8

const (
	tWord tokKind = iota
	tNum
	tMark
)

// tok is one token of a line.
type tok struct {
	s      string // the word lowercased, the digits, or the mark
	kind   tokKind
	n      int  // a number's value; -1 when it has more than 6 digits
	digits int  // a number's digit count
	space  bool // white space before the token
}

// maxTokens bounds the tokens read from one line: list lines are short,
// and a paragraph longer than this is prose, not a list.
const maxTokens = 400

// dashes are the characters pages write between two times or dates.
var dashes = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"

func tokenize(s string) []tok {
	toks := make([]tok, 0, min(len(s)/3+1, maxTokens))
	space := true
	// letters is the end of the run of letters starting at i.
	letters := func(i int) int {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) {
				break
			}
			i += n
		}
		return i
	}
	for i := 0; i < len(s) && len(toks) < maxTokens; {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '\u00b4' || r == '`':
			i += n // "year's" reads as "years"
			if len(toks) > 0 && toks[len(toks)-1].kind == tWord && !space {
				if j := letters(i); j > i {
					toks[len(toks)-1].s += strings.ToLower(s[i:j])
					i = j
				}
			}
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f':
			space = true
			i += n
			continue
		case unicode.IsLetter(r):
			j := letters(i)
			toks = append(toks, tok{s: strings.ToLower(s[i:j]), kind: tWord, space: space})
			i = j
		case r >= '0' && r <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			t := tok{s: s[i:j], kind: tNum, digits: j - i, space: space, n: -1}
			if t.digits <= 6 {
				t.n = 0
				for _, d := range s[i:j] {
					t.n = t.n*10 + int(d-'0')
				}
			}
			toks = append(toks, t)
			i = j
		default:
			m := s[i : i+n]
			if strings.ContainsRune(dashes, r) {
				m = "-"
			}
			toks = append(toks, tok{s: m, kind: tMark, space: space})
			i += n
		}
		space = false
	}
	return toks
}

// months maps the Swedish and English month names and their abbreviations.
var months = map[string]time.Month{
	"januari": 1, "january": 1, "jan": 1,
	"februari": 2, "february": 2, "feb": 2,
	"mars": 3, "march": 3, "mar": 3,
	"april": 4, "apr": 4,
	"maj": 5, "may": 5,
	"juni": 6, "june": 6, "jun": 6,
	"juli": 7, "july": 7, "jul": 7,
	"augusti": 8, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "october": 10, "okt": 10, "oct": 10,
	"november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

// weekdayWords maps weekday names, their plurals and definite forms
// ("måndagar", "fredagen"), and their usual abbreviations. Two-letter
// abbreviations are left out: "to" and "on" are English words.
var weekdayWords = map[string]time.Weekday{
	"mån": time.Monday, "mon": time.Monday,
	"tis": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"ons": time.Wednesday, "wed": time.Wednesday,
	"tor": time.Thursday, "tors": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"fre": time.Friday, "fri": time.Friday,
	"lör": time.Saturday, "sat": time.Saturday,
	"sön": time.Sunday, "sun": time.Sunday,
}

// weekdayStems are full names; a word that starts with one is that day.
var weekdayStems = []struct {
	stem string
	wd   time.Weekday
}{
	{"måndag", time.Monday}, {"tisdag", time.Tuesday}, {"onsdag", time.Wednesday},
	{"torsdag", time.Thursday}, {"fredag", time.Friday}, {"lördag", time.Saturday},
	{"söndag", time.Sunday}, {"monday", time.Monday}, {"tuesday", time.Tuesday},
	{"wednesday", time.Wednesday}, {"thursday", time.Thursday}, {"friday", time.Friday},
	{"saturday", time.Saturday}, {"sunday", time.Sunday},
}

func weekdayOf(w string) (time.Weekday, bool) {
	if wd, ok := weekdayWords[w]; ok {
		return wd, true
	}
	for _, s := range weekdayStems {
		if strings.HasPrefix(w, s.stem) && len(w) <= len(s.stem)+3 {
			return s.wd, true
		}
	}
	return 0, false
}

// dayGroups are words that name several weekdays at once.
var dayGroups = map[string][]time.Weekday{
	"vardagar": workdays, "vardag": workdays, "vardagarna": workdays, "veckodagar": workdays,
	"weekdays": workdays, "weekday": workdays,
	"helger": weekend, "helg": weekend, "helgen": weekend, "helgerna": weekend,
	"weekend": weekend, "weekends": weekend, "veckoslut": weekend,
	"dagligen": allDays, "daily": allDays,
}

var (
	workdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	weekend  = []time.Weekday{time.Saturday, time.Sunday}
	allDays  = []time.Weekday{0, 1, 2, 3, 4, 5, 6}
)

// holidayNotes are the words of a line that says how public holidays are
// kept ("Helgdag: stängt"). hoursd takes holidays from the schedule's
// calendar, so such a line is read and set aside.
var holidayNotes = map[string]bool{
	"helgdag": true, "helgdagar": true, "helgdagarna": true, "helgdagsaftnar": true,
	"helgdagsafton": true, "röda": true, "holidays": true, "holiday": true,
}

// closedWord reports a word that says closed: "stängt", "stängd",
// "helgstängt", "closed". "Lunchstängt" is not: the place is open that
// day, only not over lunch (partWord).
func closedWord(w string) bool {
	if strings.HasPrefix(w, "lunch") {
		return false
	}
	return strings.HasSuffix(w, "stängt") || w == "stängd" || w == "stängda" || w == "closed"
}

// partWord reports a word that puts a closure in part of a day
// ("eftermiddagen", "lunchstängt", "tidigt"): beside "stängt" the place
// is open some of that day at hours the line does not give, so hoursd
// must not tell its subscribers it is shut.
func partWord(w string) bool {
	for _, pre := range []string{"förmiddag", "eftermiddag", "lunch", "morgon", "kväll", "tidig"} {
		if strings.HasPrefix(w, pre) {
			return true
		}
	}
	switch w {
	case "early", "earlier", "morning", "afternoon", "evening", "lunchtime", "halvdag", "halvdagsstängt":
		return true
	}
	return false
}

// subjectWord reports a word for a service other than the place's doors:
// "Telefonen är stängd 10 december" says nothing of the visiting hours.
func subjectWord(w string) bool {
	for _, pre := range []string{"telefon", "växel", "chatt", "webbchatt"} {
		if strings.HasPrefix(w, pre) {
			return true
		}
	}
	switch w {
	case "phone", "phones", "telephone", "chat", "switchboard", "helpline":
		return true
	}
	return false
}

// timeVerbs say that a time follows ("öppnar", "stänger", "till"): a date
// line with one of them and no hours of its own gives a time hoursd cannot
// use, and must not borrow the status of the line below it.
var timeVerbs = map[string]bool{
	"öppnar": true, "stänger": true, "opens": true, "closes": true, "till": true, "tom": true, "until": true,
}

// timeMarks stand before a single time: "kl 12", "från 12", "efter kl 15".
var timeMarks = map[string]bool{
	"kl": true, "klockan": true, "at": true, "från": true, "from": true, "efter": true, "after": true,
	"till": true, "until": true, "före": true, "before": true, "innan": true, "öppnar": true,
	"stänger": true, "opens": true, "closes": true, "mellan": true, "between": true,
}

// weekNoWords stand before week numbers: "Vecka 29–31 stängt".
var weekNoWords = map[string]bool{
	"vecka": true, "veckor": true, "veckorna": true, "v": true, "week": true, "weeks": true,
}

// usualWords say that the usual hours apply ("öppet som vanligt"): a
// line that says so is read as no rule, without a warning.
var usualWords = map[string]bool{
	"vanligt": true, "vanliga": true, "ordinarie": true, "usual": true, "normal": true, "regular": true,
}

// notHoursAfter are words that make "10–14" something other than hours:
// ages, prices, durations.
var notHoursAfter = map[string]bool{
	"år": true, "års": true, "years": true, "year": true, "yrs": true, "kr": true, "sek": true,
	"min": true, "minuter": true, "minutes": true, "dagar": true, "days": true, "veckor": true,
	"weeks": true, "st": true, "personer": true, "people": true, "%": true, "procent": true,
}

// notHoursBefore are words that make "27–32" weeks or numbers, not hours.
var notHoursBefore = map[string]bool{
	"vecka": true, "veckorna": true, "v": true, "week": true, "weeks": true, "nr": true,
	"nummer": true, "no": true, "sidan": true, "page": true, "rum": true, "plan": true,
}

// periodEnglish gives an English name for a Swedish season's title, keyed
// by the word before "öppettider".
var periodEnglish = map[string]string{
	"sommar": "Summer hours", "jul": "Christmas hours", "påsk": "Easter hours",
	"nyårs": "New Year hours", "vinter": "Winter hours", "höst": "Autumn hours",
	"vår": "Spring hours", "midsommar": "Midsummer hours", "jul- och nyårs": "Christmas and New Year hours",
	"sportlovs": "Winter break hours", "höstlovs": "Autumn break hours",
}
