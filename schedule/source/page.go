package source

import (
	"slices"
	"strings"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// The page reader reads what a visitor reads. A page's text (pagetext.go)
// is cut into lines, each line into tokens (words.go), and each line is
// matched for what lists of opening hours are made of:
//
//   - dates: "17 april", "17 april 2025", "17/4", "2025-04-17",
//     "Thursday, April 17", runs ("24–26 december", "30 juni – 24 augusti
//     2025") and lists ("24 och 31 december"), a weekday before them
//     ("Torsdag 30 april");
//   - hours: "8–11.30", "08.00–11.30", "kl. 10:00-14:00", "9am–3pm",
//     several in a row; or closed: "stängt", "closed";
//   - weeks: "Måndag–fredag: 8–16", "mån–fre 8–16, lör 10–14", "vardagar";
//   - the catalogue's day names: "Skärtorsdagen", "Valborg", "Christmas Eve";
//   - years standing alone, in headings and lead-ins ("Följande dagar 2025
//     har avvikande öppettider:", "Våren 2027"), which date what follows.
//
// A line with a date and hours (or closed) is a dated exception; a run of
// dates with a week ("Gäller under perioden 30 juni – 24 augusti 2025."
// followed by "Måndag–fredag: 8–15") is a dated period; week lines that
// stand under no run are the page's regular week. Everything else — cookie
// banners, menus, questions and answers — matches nothing and is passed
// over, so the same list reads the same on any page around it.
//
// A line the reader cannot read with certainty is a warning, never a rule:
// telling subscribers a place is shut on a day it is open is the worst
// error hoursd can make. So "stängt" with a part of the day ("på
// eftermiddagen", "lunchstängt", "tidigt"), a single time ("från kl 12",
// "öppnar kl. 10"), the usual hours or another service ("Telefonen är
// stängd") is a warning; so are week numbers ("Vecka 29–31 stängt") and a
// run between named days ("Julafton till och med trettondedagen"). A date
// line with a time or a verb of its own never takes the status of the
// line below it, and a year written with a date dates that line only.

// dmy is a date as a page writes it; y is 0 until a year is known.
type dmy struct {
	y, d int
	m    time.Month
}

func (x dmy) date() schedule.Date { return schedule.Date{Year: x.y, Month: x.m, Day: x.d} }

// before orders two dates of one year by month and day.
func (x dmy) before(o dmy) bool { return x.m < o.m || (x.m == o.m && x.d < o.d) }

// mention is the date(s) of a line: one date, a run from dates[0] to
// dates[1], or a list.
type mention struct {
	start, end int // tokens
	dates      []dmy
	run        bool
	wd         time.Weekday // the weekday written before the date, if hasWd
	hasWd      bool
	explicitY  bool // a year was written
}

// nameHit is a catalogue day named on a line.
type nameHit struct {
	id         string
	start, end int
}

// weekEntry is "mån–fre 8–16": days and their hours, or closed.
type weekEntry struct {
	start, end int
	days       []time.Weekday
	hours      schedule.Hours
	closed     bool
	doubt      string // a word that puts the closure in part of the day, or ""
}

// hoursHit is one interval written on a line.
type hoursHit struct {
	start, end int
	iv         schedule.Interval
	bad        string // why the interval cannot be used, or ""
}

// doubtKind is why a word makes what a line says uncertain.
type doubtKind uint8

const (
	dPart    doubtKind = iota // part of a day: "eftermiddagen", "lunchstängt", "tidigt"
	dSubject                  // another service: "telefonen"
	dTime                     // a single time: "kl. 10", "från 12"
	dVerb                     // a verb of time: "öppnar", "stänger", "till"
)

// doubt is a word (or a single time) that keeps hoursd from reading a
// line's status with certainty.
type doubt struct {
	at   int
	kind doubtKind
	word string
}

// parsed is a line taken apart.
type parsed struct {
	line
	toks     []tok
	used     []bool
	names    []nameHit
	mentions []mention
	weeks    []weekEntry
	hours    []hoursHit
	closed   []int // tokens that say closed
	usual    bool
	note     bool    // mentions public holidays ("Helgdag: stängt")
	years    []int   // years standing alone
	usualAt  []int   // tokens that say the usual hours apply
	closeBy  []int   // "stänger kl. 12": a closing time only
	doubts   []doubt // words that make a status uncertain
	weekNo   bool    // week numbers: "Vecka 29–31"
	wasRun   bool    // oneDate read a run of days, not a list
	failAt   int     // where oneDate gave up on a list of days
}

func parseLine(l line) *parsed {
	p := &parsed{line: l, toks: tokenize(l.text)}
	p.used = make([]bool, len(p.toks))
	p.findNames()
	p.findDates()
	p.findWeeks()
	p.findHours()
	for i, t := range p.toks {
		if p.used[i] {
			continue
		}
		if c, end, ok := p.loneTime(i); ok {
			p.doubts = append(p.doubts, doubt{i, dTime, c})
			if t.kind == tNum {
				p.take(i, end)
				continue
			}
		}
		switch {
		case t.kind == tWord && closedWord(t.s):
			p.closed = append(p.closed, i)
		case t.kind == tWord && partWord(t.s):
			p.doubts = append(p.doubts, doubt{i, dPart, t.s})
		case t.kind == tWord && subjectWord(t.s):
			p.doubts = append(p.doubts, doubt{i, dSubject, t.s})
		case t.kind == tWord && weekNoWords[t.s] && p.weekNumber(i+1):
			p.weekNo = true
		case t.kind == tWord && usualWords[t.s]:
			p.usual = true
			p.usualAt = append(p.usualAt, i)
		case t.kind == tWord && holidayNotes[t.s]:
			p.note = true
		case t.kind == tWord && (t.s == "stänger" || t.s == "closes" || t.s == "until"):
			p.closeBy = append(p.closeBy, i)
			p.doubts = append(p.doubts, doubt{i, dVerb, t.s})
		case t.kind == tWord && timeVerbs[t.s] && (t.s != "till" && t.s != "tom" || p.tillTime(i+1)):
			p.doubts = append(p.doubts, doubt{i, dVerb, t.s})
		case t.kind == tNum && t.digits == 4 && t.n >= 2000 && t.n < 2200:
			p.years = append(p.years, t.n)
		}
	}
	return p
}

// tillTime reports a time or a date after "till" at i: "till kl 13",
// "till 15", "till 6 januari". "Välkommen till oss" says nothing of hours.
func (p *parsed) tillTime(i int) bool {
	if p.isWord(i, "och") && p.isWord(i+1, "med") { // "till och med 6 januari"
		i += 2
	}
	if i >= len(p.toks) {
		return false
	}
	return p.toks[i].kind == tNum || p.toks[i].s == "kl" || p.toks[i].s == "klockan"
}

// weekNumber reports a week number at i, or after a dot: "52", "v. 52".
func (p *parsed) weekNumber(i int) bool {
	if p.isMark(i, ".") {
		i++
	}
	n, ok := p.num(i, 2, 1, 53)
	return ok && n > 0
}

// loneTime reads a single time at i that no interval took: "kl. 10",
// "från 12", "efter kl 15", "12.00". It gives the time as written.
func (p *parsed) loneTime(i int) (string, int, bool) {
	t := p.tok(i)
	if t == nil || (t.kind != tNum && !p.isWord(i, "noon", "midday", "midnight", "midnatt")) {
		return "", i, false
	}
	c, end, ok := p.timeAt(i)
	if !ok {
		return "", i, false
	}
	if t.kind == tNum {
		if u := p.tok(end); u != nil && (notHoursAfter[u.s] || months[u.s] != 0) {
			return "", i, false
		}
	}
	b := i - 1
	if p.isMark(b, ".") && p.isWord(b-1, "kl") {
		b--
	}
	marked := b >= 0 && p.tok(b) != nil && timeMarks[p.toks[b].s]
	minutes := end > i+1 && p.toks[i+1].kind == tMark && c.meridiem == ""
	if !marked && !minutes && c.meridiem == "" {
		return "", i, false
	}
	var w strings.Builder
	for k := i; k < end; k++ {
		w.WriteString(p.toks[k].s)
	}
	return w.String(), end, true
}

// tok returns token i if it exists and no earlier match has taken it.
func (p *parsed) tok(i int) *tok {
	if i < 0 || i >= len(p.toks) || p.used[i] {
		return nil
	}
	return &p.toks[i]
}

func (p *parsed) take(start, end int) {
	for i := start; i < end; i++ {
		p.used[i] = true
	}
}

func (p *parsed) isWord(i int, ws ...string) bool {
	t := p.tok(i)
	return t != nil && t.kind == tWord && slices.Contains(ws, t.s)
}

func (p *parsed) isMark(i int, m string) bool {
	t := p.tok(i)
	return t != nil && t.kind == tMark && t.s == m
}

// num is token i as a number of at most maxDigits digits within lo..hi.
func (p *parsed) num(i, maxDigits, lo, hi int) (int, bool) {
	t := p.tok(i)
	if t == nil || t.kind != tNum || t.digits > maxDigits || t.n < lo || t.n > hi {
		return 0, false
	}
	return t.n, true
}

func (p *parsed) findNames() {
	for i := 0; i < len(p.toks); i++ {
		t := p.tok(i)
		if t == nil || t.kind != tWord {
			continue
		}
	next:
		for _, a := range aliasesByFirst[t.s] {
			j := i
			for _, w := range a.words {
				for p.isMark(j, "-") && j > i { // "Annandag-påsk"
					j++
				}
				if q := p.tok(j); q == nil || q.kind != tWord || q.s != w {
					continue next
				}
				j++
			}
			// "Dagen före midsommarafton 18 juni" names another day
			// than midsommarafton: the date alone says which.
			if !(p.isWord(i-1, "före", "efter", "before", "after") && p.isWord(i-2, "dag", "dagen", "day")) {
				p.names = append(p.names, nameHit{a.id, i, j})
			}
			p.take(i, j)
			i = j - 1
			break
		}
	}
}

// rangeSep reports a word or mark between the two ends of a run, and the
// token after it. "till och med", "t.o.m." and "tom" read as "till".
func (p *parsed) rangeSep(i int, and bool) (int, bool) {
	switch {
	case p.isMark(i, "-"):
		if p.isMark(i+1, "-") { // "--"
			return i + 2, true
		}
		return i + 1, true
	case p.isWord(i, "till") && p.isWord(i+1, "och") && p.isWord(i+2, "med"):
		return i + 3, true
	case p.isWord(i, "t") && p.isMark(i+1, ".") && p.isWord(i+2, "o") && p.isMark(i+3, ".") && p.isWord(i+4, "m"):
		if p.isMark(i+5, ".") {
			return i + 6, true
		}
		return i + 5, true
	case p.isWord(i, "till", "tom", "to", "through", "thru", "until"):
		return i + 1, true
	case and && p.isWord(i, "och", "and"):
		return i + 1, true
	}
	return i, false
}

// listSep reports a word or mark between the items of a list.
func (p *parsed) listSep(i int) (int, bool) {
	switch {
	case p.isMark(i, ",") || p.isMark(i, "&") || p.isWord(i, "och", "and", "samt"):
		if p.isWord(i+1, "och", "and") { // "24, 25, and 26"
			return i + 2, true
		}
		return i + 1, true
	}
	return i, false
}

func (p *parsed) findDates() {
	for i := 0; i < len(p.toks); i++ {
		p.failAt = 0
		if m, ok := p.dateAt(i); ok {
			p.mentions = append(p.mentions, m)
			p.take(m.start, m.end)
			i = m.end - 1
		} else if p.failAt > i+1 {
			// A list of days with no month after it: no day inside it
			// starts a date either, and trying each would cost a line
			// of numbers quadratic time.
			i = p.failAt - 1
		}
	}
}

// dateAt reads a date, a run or a list starting at token i, with the
// weekday that may stand before it.
func (p *parsed) dateAt(i int) (mention, bool) {
	m := mention{start: i}
	if i >= 2 && p.toks[i].kind == tNum && p.toks[i-2].kind == tNum && p.toks[i-2].digits <= 2 && p.toks[i-1].kind == tMark &&
		(p.toks[i-1].s == "-" || (strings.Contains(":.", p.toks[i-1].s) && p.toks[i].digits == 2 && !p.spaced(i-1, i+1))) {
		return m, false // the end of "10–20" or "11.30", not the start of "20, 24 december"
	}
	j := i
	if t := p.tok(j); t != nil && t.kind == tWord {
		if wd, ok := weekdayOf(t.s); ok {
			m.wd, m.hasWd = wd, true
			j++
			for p.isMark(j, ".") || p.isMark(j, ",") || p.isMark(j, "|") || p.isWord(j, "den", "the") {
				j++
			}
		}
	}
	between := p.isWord(i-1, "mellan", "between")
	first, j, ok := p.oneDate(j, true)
	if !ok {
		return m, false
	}
	m.dates, m.run = first, p.wasRun
	if len(first) == 1 {
		if k, ok := p.rangeSep(j, between); ok {
			k2 := k
			for p.isWord(k2, "den", "the") {
				k2++
			}
			// The second end may bring its own weekday: "mån 22 dec – fre 2 jan".
			if t := p.tok(k2); t != nil && t.kind == tWord {
				if _, ok := weekdayOf(t.s); ok {
					k2++
					for p.isMark(k2, ",") || p.isMark(k2, ".") {
						k2++
					}
				}
			}
			if second, end, ok := p.oneDate(k2, false); ok && len(second) == 1 {
				m.dates = []dmy{first[0], second[0]}
				m.run = true
				j = end
			}
		}
	}
	m.end = j
	for _, d := range m.dates {
		if d.y != 0 {
			m.explicitY = true
		}
	}
	// A year written once covers the whole mention: "30 juni – 24 augusti
	// 2025", "24 och 31 december 2025". A run that passes New Year takes
	// the year before for its start: "22 december – 6 januari 2026".
	if last := m.dates[len(m.dates)-1]; last.y != 0 {
		for k := range m.dates[:len(m.dates)-1] {
			if m.dates[k].y == 0 {
				m.dates[k].y = last.y
				if m.run && last.before(m.dates[k]) {
					m.dates[k].y--
				}
			}
		}
	} else if m.run && m.dates[0].y != 0 {
		m.dates[1].y = m.dates[0].y
		if m.dates[1].before(m.dates[0]) {
			m.dates[1].y++
		}
	}
	return m, true
}

// oneDate reads one written date at i, or a list or run of days in one
// month ("24–26 december", "24, 25 och 26 december") when several is true.
// wasRun tells a run from a list of two.
func (p *parsed) oneDate(i int, several bool) ([]dmy, int, bool) {
	p.wasRun = false
	// 2025-04-17
	if y, ok := p.num(i, 4, 1900, 2199); ok && p.toks[i].digits == 4 && p.isMark(i+1, "-") && !p.spaced(i+1, i+4) {
		if mo, ok := p.num(i+2, 2, 1, 12); ok && p.isMark(i+3, "-") {
			if d, ok := p.num(i+4, 2, 1, 31); ok {
				return []dmy{{y, d, time.Month(mo)}}, i + 5, true
			}
		}
	}
	// April 17, 2025 / Dec 24
	if t := p.tok(i); t != nil && t.kind == tWord {
		mo, ok := months[t.s]
		if !ok {
			return nil, i, false
		}
		j := i + 1
		if p.isMark(j, ".") {
			j++
		}
		d, ok := p.num(j, 2, 1, 31)
		if !ok {
			return nil, i, false
		}
		j = p.ordinal(j + 1)
		days := []int{d}
		if several {
			if k, ok := p.rangeSep(j, false); ok {
				if d2, ok := p.num(k, 2, 1, 31); ok && d2 > d {
					days = append(days, d2)
					j = p.ordinal(k + 1)
					p.wasRun = true
				}
			}
		}
		y := 0
		k := j
		if p.isMark(k, ",") {
			k++
		}
		if yy, ok := p.num(k, 4, 1900, 2199); ok && p.toks[k].digits == 4 {
			y, j = yy, k+1
		}
		out := make([]dmy, len(days))
		for n, d := range days {
			out[n] = dmy{y, d, mo}
		}
		return out, j, true
	}
	d, ok := p.num(i, 2, 1, 31)
	if !ok {
		return nil, i, false
	}
	// 17/4, 17/4 2025, 17/4-2025, 17.4.2025
	for _, sep := range []string{"/", "."} {
		if p.isMark(i+1, sep) && !p.spaced(i+1, i+3) {
			mo, ok := p.num(i+2, 2, 1, 12)
			if !ok {
				continue
			}
			j := i + 3
			y := 0
			if p.isMark(j, sep) || (sep == "/" && p.isMark(j, "-") && !p.toks[j].space) || (sep == "/" && p.tok(j) != nil && p.toks[j].kind == tNum) {
				k := j
				if p.toks[j].kind == tMark {
					k++
				}
				if yy, ok := p.num(k, 4, 1900, 2199); ok && p.toks[k].digits == 4 {
					y, j = yy, k+1
				}
			}
			if sep == "." && y == 0 {
				continue // "17.4" is as likely 17:04 as a date
			}
			return []dmy{{y, d, time.Month(mo)}}, j, true
		}
	}
	// 17 april, 17:e april, 24–26 december, 24 och 31 december
	days := []int{d}
	j := p.ordinal(i + 1)
	if several {
		for {
			if k, ok := p.rangeSep(j, false); ok && len(days) == 1 {
				if d2, ok := p.num(k, 2, 1, 31); ok && d2 > d {
					days = append(days, d2)
					j = p.ordinal(k + 1)
					p.wasRun = true
					break
				}
			}
			k, ok := p.listSep(j)
			if !ok {
				break
			}
			d2, ok := p.num(k, 2, 1, 31)
			if !ok {
				break
			}
			days = append(days, d2)
			j = p.ordinal(k + 1)
		}
	}
	t := p.tok(j)
	if t == nil || t.kind != tWord {
		p.failAt = j
		return nil, i, false
	}
	mo, ok := months[t.s]
	if !ok {
		p.failAt = j
		return nil, i, false
	}
	j++
	if p.isMark(j, ".") {
		j++
	}
	y := 0
	k := j
	if p.isMark(k, ",") {
		k++
	}
	if yy, ok := p.num(k, 4, 1900, 2199); ok && p.toks[k].digits == 4 {
		y, j = yy, k+1
	}
	out := make([]dmy, len(days))
	for n, d := range days {
		out[n] = dmy{y, d, mo}
	}
	return out, j, true
}

// ordinal skips the suffix of an ordinal day: "17:e", "1:a", "17th", "1st".
func (p *parsed) ordinal(j int) int {
	if p.isMark(j, ":") && p.isWord(j+1, "e", "a") && !p.toks[j+1].space {
		return j + 2
	}
	if t := p.tok(j); t != nil && t.kind == tWord && !t.space && slices.Contains([]string{"e", "a", "st", "nd", "rd", "th"}, t.s) {
		return j + 1
	}
	return j
}

// spaced reports white space before any token in (i, j), which "2025-04-17"
// and "17/4" never have.
func (p *parsed) spaced(i, j int) bool {
	for k := i; k < j && k < len(p.toks); k++ {
		if p.toks[k].space {
			return true
		}
	}
	return false
}

func (p *parsed) findWeeks() {
	for i := 0; i < len(p.toks); i++ {
		days, j, ok := p.daySpec(i)
		if !ok {
			continue
		}
		specEnd := j
		start := i
		for p.isMark(j, ":") || p.isMark(j, ",") || p.isMark(j, "|") || p.isMark(j, "-") || p.isWord(j, "öppet", "open", "har", "vi", "is", "we", "are") {
			j++
		}
		e := weekEntry{start: start, days: days}
		if t := p.tok(j); t != nil && t.kind == tWord && partWord(t.s) {
			e.doubt, e.end = t.s, j+1 // "Söndag: lunchstängt"
		} else if t != nil && t.kind == tWord && closedWord(t.s) {
			e.closed, e.end = true, j+1
			// "Lördag: stängt på förmiddagen", "Lördag: stängt för lunch".
			for k := j + 1; k < min(j+4, len(p.toks)); k++ {
				if u := p.tok(k); u != nil && u.kind == tWord && (partWord(u.s) || subjectWord(u.s)) {
					e.doubt, e.end = u.s, k+1
					break
				}
			}
		} else {
			hs, end := p.hoursList(j)
			if len(hs) == 0 {
				i = specEnd - 1 // no day inside the list starts an entry either
				continue
			}
			for _, h := range hs {
				if h.bad != "" {
					e.hours = nil
					break
				}
				e.hours = append(e.hours, h.iv)
			}
			if e.hours == nil {
				continue
			}
			e.end = end
		}
		p.weeks = append(p.weeks, e)
		p.take(e.start, e.end)
		i = e.end - 1
	}
}

// daySpec reads weekdays: "måndag–fredag", "mån, ons och fre",
// "Monday to Friday", "vardagar", "lördag och söndag".
func (p *parsed) daySpec(i int) ([]time.Weekday, int, bool) {
	var days []time.Weekday
	j := i
	for {
		t := p.tok(j)
		if t == nil || t.kind != tWord {
			break
		}
		if g, ok := dayGroups[t.s]; ok {
			days = append(days, g...)
			j++
		} else if p.isWord(j, "alla") && p.isWord(j+1, "dagar") || p.isWord(j, "every") && p.isWord(j+1, "day") {
			days = append(days, allDays...)
			j += 2
		} else if wd, ok := weekdayOf(t.s); ok {
			j++
			if p.isMark(j, ".") {
				j++
			}
			if k, ok := p.rangeSep(j, false); ok {
				if u := p.tok(k); u != nil && u.kind == tWord {
					if wd2, ok := weekdayOf(u.s); ok {
						for d := wd; ; d = (d + 1) % 7 {
							days = append(days, d)
							if d == wd2 {
								break
							}
						}
						j = k + 1
						if p.isMark(j, ".") {
							j++
						}
						goto more
					}
				}
			}
			days = append(days, wd)
		} else {
			break
		}
	more:
		k, ok := p.listSep(j)
		if !ok {
			break
		}
		if u := p.tok(k); u == nil || u.kind != tWord {
			break
		} else if _, isDay := weekdayOf(u.s); !isDay && dayGroups[u.s] == nil {
			break
		}
		j = k
	}
	if len(days) == 0 {
		return nil, i, false
	}
	slices.Sort(days)
	return slices.Compact(days), j, true
}

// hoursList reads one or more intervals at i: "8–11.30", "10–14 och
// 15–18", "10:00-12:00, 13:00-16:00".
func (p *parsed) hoursList(i int) ([]hoursHit, int) {
	var hs []hoursHit
	j := i
	for {
		h, ok := p.interval(j)
		if !ok {
			break
		}
		hs = append(hs, h)
		j = h.end
		k, ok := p.listSep(j)
		if !ok {
			if p.isMark(j, ";") || p.isMark(j, "/") {
				k, ok = j+1, true
			}
		}
		if !ok {
			break
		}
		if _, ok := p.interval(k); !ok {
			break
		}
		j = k
	}
	return hs, j
}

func (p *parsed) findHours() {
	for i := 0; i < len(p.toks); i++ {
		if h, ok := p.interval(i); ok {
			p.hours = append(p.hours, h)
			p.take(h.start, h.end)
			i = h.end - 1
		}
	}
}

// clock is a time of day as written, before am/pm is settled.
type clock struct {
	h, m     int
	meridiem string // "am", "pm" or ""
}

// timeAt reads a time of day: "8", "08.00", "10:00", "9am", "9.30 a.m.",
// "noon".
func (p *parsed) timeAt(i int) (clock, int, bool) {
	if p.isWord(i, "noon", "midday") {
		return clock{12, 0, "pm"}, i + 1, true
	}
	if p.isWord(i, "midnight", "midnatt") {
		return clock{24, 0, ""}, i + 1, true
	}
	h, ok := p.num(i, 2, 0, 24)
	if !ok {
		return clock{}, i, false
	}
	c := clock{h: h}
	j := i + 1
	if (p.isMark(j, ":") || p.isMark(j, ".")) && !p.spaced(j, j+2) {
		if t := p.tok(j + 1); t != nil && t.kind == tNum && t.digits == 2 && t.n < 60 {
			c.m = t.n
			j += 2
		}
	}
	switch {
	case p.isWord(j, "am", "pm"):
		c.meridiem = p.toks[j].s
		j++
	case p.isWord(j, "a", "p") && p.isMark(j+1, ".") && p.isWord(j+2, "m"):
		c.meridiem = p.toks[j].s + "m"
		j += 3
		if p.isMark(j, ".") {
			j++
		}
	}
	if c.meridiem != "" && (c.h < 1 || c.h > 12) {
		return clock{}, i, false
	}
	return c, j, true
}

// interval reads "open – close" at i, with what may stand before it ("kl.",
// "mellan", "from").
func (p *parsed) interval(i int) (hoursHit, bool) {
	start := i
	j := i
	between := false
	if p.isWord(j, "mellan", "between") {
		between = true
		j++
	} else if p.isWord(j, "från", "from") {
		j++
	}
	j = p.skipKl(j)
	if t := p.tok(start - 1); t != nil && (notHoursBefore[t.s] || t.s == "+") {
		return hoursHit{}, false
	}
	if p.isMark(start-1, "/") || p.isMark(start-1, "-") && p.tok(start-2) != nil && p.toks[start-2].kind == tNum {
		return hoursHit{}, false // the end of a date or a phone number
	}
	open, j, ok := p.timeAt(j)
	if !ok {
		return hoursHit{}, false
	}
	k, ok := p.rangeSep(j, between)
	if !ok {
		return hoursHit{}, false
	}
	k = p.skipKl(k)
	close, end, ok := p.timeAt(k)
	if !ok {
		return hoursHit{}, false
	}
	if t := p.tok(end); t != nil && (notHoursAfter[t.s] || months[t.s] != 0) {
		return hoursHit{}, false
	}
	if t := p.tok(end); t != nil && t.kind == tNum || p.isMark(end, "-") && !p.toks[end].space {
		return hoursHit{}, false // "0771-524 524"
	}
	if close.meridiem != "" && open.meridiem == "" {
		// "9–5pm": the opening takes the closing's half of the day unless
		// that would put it after the closing.
		open.meridiem = close.meridiem
		if close.meridiem == "pm" && open.h%12 > close.h%12 {
			open.meridiem = "am"
		}
	}
	h := hoursHit{start: start, end: end}
	o, c := open.minutes(), close.minutes()
	h.iv = schedule.Interval{Open: schedule.Clock(o), Close: schedule.Clock(c)}
	switch {
	case o >= 24*60:
		h.bad = "opens at 24:00"
	case c == o:
		h.bad = "opens and closes at the same time"
	case c < o && (c > 6*60 || o < 12*60):
		h.bad = "closes before it opens"
	}
	return h, true
}

func (c clock) minutes() int {
	h := c.h
	switch c.meridiem {
	case "am":
		h %= 12
	case "pm":
		h = h%12 + 12
	}
	return h*60 + c.m
}

func (p *parsed) skipKl(j int) int {
	if p.isWord(j, "kl", "klockan", "at") {
		j++
		if p.isMark(j, ".") {
			j++
		}
	}
	return j
}
