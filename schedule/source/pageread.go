package source

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hoursd/hoursd/schedule"
)

func readPage(body []byte, opts Options) (*Reading, error) {
	lines := pageLines(body)
	ps := make([]*parsed, len(lines))
	for i, l := range lines {
		ps[i] = parseLine(l)
	}
	r := pageReader{opts: opts}
	for i := 0; i < len(ps); i++ {
		var next *parsed
		if i+1 < len(ps) {
			next = ps[i+1]
		}
		if r.line(ps[i], next) {
			i++
		}
	}
	r.endBlock()
	r.seasons()
	return r.b.reading(), nil
}

// pageReader walks a page's lines in order, keeping what the lines above
// tell the ones below: the year, the last title, a season being read.
type pageReader struct {
	b    builder
	opts Options

	year, year2 int    // the year headings give; year2 for "2025/2026": January to June
	title       string // the last line that reads as a title
	block       *block // the week being read, if any
	listStatus  *status
	pending     []season // seasons waiting for the page's regular week
}

// season is a long run of dates with hours and no weekdays: "Under
// sommaren, 30 juni – 24 augusti, har vi öppet 8–15". People mean the days
// the place is usually open, not its weekends too, so the hours go to the
// days the page's regular week opens, once the whole page is read.
type season struct {
	text     string
	from, to schedule.Date
	hours    schedule.Hours
	name     schedule.Name
}

// seasonDays is the length from which a run with hours is read as a season
// rather than as every one of its days open.
const seasonDays = 8

// block is a week being read line by line: the page's regular week, or a
// season's whose run of dates stood above it.
type block struct {
	period   bool
	from, to schedule.Date
	name     schedule.Name
	texts    []string
	week     schedule.Week
	entries  int
	broken   bool // a day of it is closed for part of the day: the week is not used
}

// status is what a segment of a line says of its dates.
type status struct {
	hours  schedule.Hours
	closed bool
	weeks  []weekEntry
	bad    string // why the hours cannot be used
	doubt  string // why what the words say cannot be read with certainty
}

func (s *status) empty() bool {
	return s == nil || (len(s.hours) == 0 && !s.closed && s.weeks == nil && s.bad == "" && s.doubt == "")
}

// line reads one line; it reports whether it also used next (a date on one
// line and its hours on the next, as in <dt>/<dd> lists).
func (r *pageReader) line(p, next *parsed) bool {
	switch {
	case len(p.mentions) > 0:
		r.endBlock()
		return r.dated(p, next)
	case p.weekNo && (len(p.hours) > 0 || len(p.closed) > 0 || len(p.weeks) > 0 || len(p.doubts) > 0):
		// "Vecka 29–31 stängt": hoursd reads dates, and a week number's
		// dates depend on a year and a numbering the page does not give.
		r.endBlock()
		r.listStatus = nil
		r.b.warn(p.text, "gives week numbers, not dates; hoursd reads dates only")
	case len(p.weeks) > 0:
		r.listStatus = nil
		r.weekLine(p)
	case len(p.names) > 0 && (len(p.hours) > 0 || len(p.closed) > 0 || len(p.doubts) > 0):
		r.endBlock()
		r.listStatus = nil
		r.named(p)
	case p.note && (len(p.closed) > 0 || len(p.hours) > 0) && len(p.years) == 0:
		// "Helgdag: stängt" belongs to the week above it; hoursd takes
		// holidays from the schedule's calendar.
	default:
		r.endBlock()
		r.listStatus = nil
		if len(p.years) > 0 {
			r.setYears(p.years)
		}
		if (len(p.closed) > 0 || len(p.hours) > 0) && strings.HasSuffix(p.text, ":") && len(p.names) == 0 {
			// "Följande dagar har vi stängt:" and a list of bare dates.
			r.listStatus = p.statusIn(0, len(p.toks))
		}
		if p.heading || (len(p.toks) <= 12 && len(p.hours) == 0) {
			r.title = p.text
		}
	}
	return false
}

func (r *pageReader) setYears(ys []int) {
	r.year, r.year2 = ys[0], 0
	if len(ys) >= 2 && ys[1] == ys[0]+1 {
		r.year2 = ys[1]
	}
}

// yearOf is the year a date without one takes from the headings above it,
// else from Options.Today; 0 when neither gives one.
func (r *pageReader) yearOf(m time.Month, d int) int {
	switch {
	case r.year2 != 0 && m <= time.June:
		return r.year2
	case r.year != 0:
		return r.year
	case r.opts.Today.IsZero():
		return 0
	}
	y := r.opts.Today.Year
	if (schedule.Date{Year: y, Month: m, Day: d}).Before(r.opts.Today.AddDays(-31)) {
		y++
	}
	return y
}

// statusIn collects what tokens [from, to) say: hours, closed, weeks.
func (p *parsed) statusIn(from, to int) *status {
	s := &status{}
	for _, h := range p.hours {
		if h.start >= from && h.start < to {
			if h.bad != "" {
				s.bad = fmt.Sprintf("%s-%s %s", h.iv.Open, h.iv.Close, h.bad)
			}
			s.hours = append(s.hours, h.iv)
		}
	}
	for _, c := range p.closed {
		if c >= from && c < to {
			s.closed = true
		}
	}
	for _, w := range p.weeks {
		if w.start >= from && w.start < to {
			s.weeks = append(s.weeks, w)
		}
	}
	s.doubt = p.doubtIn(s, from, to)
	return s
}

// doubtIn says why what tokens [from, to) say cannot be read with
// certainty, or "". A place told shut on a day it is open is the worst
// error hoursd can make, so a closure with a part of the day, a single
// time, the usual hours or another service beside it is a warning, and
// so is a single time ("öppnar kl. 10") where hours should be.
func (p *parsed) doubtIn(s *status, from, to int) string {
	usual := inRange(p.usualAt, from, to)
	if usual && !s.closed {
		return "" // "öppnar som vanligt kl 8": no rule, as before
	}
	// The most telling word first: a part of the day, then a service,
	// then a single time, then a bare verb.
	ds := slices.Clone(p.doubts)
	slices.SortStableFunc(ds, func(a, b doubt) int { return int(a.kind) - int(b.kind) })
	for _, d := range ds {
		if d.at < from || d.at >= to {
			continue
		}
		switch d.kind {
		case dPart:
			if len(s.hours) == 0 {
				return fmt.Sprintf("closed for part of the day (%q), not all of it; hoursd cannot tell the hours", d.word)
			}
		case dSubject:
			if s.closed {
				return fmt.Sprintf("says %q is closed, not the place itself", d.word)
			}
		case dTime:
			if inRange(p.closeBy, from, to) && !s.closed && len(s.hours) == 0 {
				return "gives only a closing time; hoursd needs the opening too"
			}
			return fmt.Sprintf("gives a single time (%s), not opening and closing hours", d.word)
		case dVerb:
			if inRange(p.closeBy, from, to) && !s.closed && len(s.hours) == 0 {
				return "gives only a closing time; hoursd needs the opening too"
			}
			if s.closed && len(s.hours) == 0 {
				return fmt.Sprintf("says closed %q a date or time with no start; hoursd needs both ends", d.word)
			}
			if len(s.hours) == 0 {
				return fmt.Sprintf("says %q with no hours that hoursd can use", d.word)
			}
		}
	}
	if usual && s.closed {
		return "says both closed and the usual hours; hoursd cannot tell which applies"
	}
	return ""
}

func inRange(is []int, from, to int) bool {
	return slices.ContainsFunc(is, func(i int) bool { return i >= from && i < to })
}

// segments cuts a line at each anchor (a date, or a day's name), so that
// "24 december stängt, 27 december 10–14" gives each date its own status.
// A segment starts with the names, weekdays and commas just before its
// anchor; the words before the first anchor belong to the first.
func (p *parsed) segments(anchors []int, floor []int) []int {
	starts := make([]int, len(anchors))
	for k, a := range anchors {
		s := a
		if k == 0 {
			s = 0
		} else {
			for s > floor[k] && p.joins(s-1) {
				s--
			}
		}
		starts[k] = s
	}
	return starts
}

// joins reports a token that may stand before a date and belong to it:
// part of a day's name, a weekday, a comma, "och".
func (p *parsed) joins(i int) bool {
	for _, n := range p.names {
		if i >= n.start && i < n.end {
			return true
		}
	}
	t := &p.toks[i]
	if p.used[i] {
		return false
	}
	if t.kind == tMark {
		return strings.Contains(",;|(", t.s)
	}
	_, wd := weekdayOf(t.s)
	return wd || slices.Contains([]string{"och", "and", "samt", "den", "the", "on"}, t.s)
}

// onlyJoins reports whether tokens [from, to) hold nothing but the
// mention, names and joining words: "24 december och" says nothing of its
// own and takes what the next date says.
func (p *parsed) onlyJoins(from, to int, m mention) bool {
	for i := from; i < to; i++ {
		if i >= m.start && i < m.end {
			continue
		}
		if !p.joins(i) && !(p.toks[i].kind == tMark && p.toks[i].s == ":") {
			return false
		}
	}
	return true
}

// statusOnly reports a line that gives hours or closed and nothing else
// worth a rule: the <dd> after a <dt> with a date.
func (p *parsed) statusOnly() bool {
	if len(p.mentions) > 0 || len(p.weeks) > 0 || len(p.names) > 0 || len(p.toks) > 12 {
		return false
	}
	return len(p.hours) > 0 || len(p.closed) > 0 || len(p.doubts) > 0
}

func (r *pageReader) dated(p, next *parsed) (usedNext bool) {
	// "Jul 2025: 23 december 10–20, …": a year standing alone on the line
	// dates the line's own dates.
	if len(p.years) > 0 {
		r.setYears(p.years)
	}
	// "Julafton 24 december och nyårsafton 31 december 2025": a year
	// written after the line's last date dates the ones before it.
	for k := len(p.mentions) - 1; k >= 0; k-- {
		if last := p.mentions[k].dates[len(p.mentions[k].dates)-1]; last.y != 0 {
			for j := range p.mentions[:k] {
				for n := range p.mentions[j].dates {
					if p.mentions[j].dates[n].y == 0 {
						p.mentions[j].dates[n].y = last.y
					}
				}
			}
			break
		}
	}
	anchors := make([]int, len(p.mentions))
	floor := make([]int, len(p.mentions))
	for k, m := range p.mentions {
		anchors[k] = m.start
		if k > 0 {
			floor[k] = p.mentions[k-1].end
		}
	}
	starts := p.segments(anchors, floor)
	type seg struct {
		m     mention
		from  int
		to    int
		st    *status
		text  string
		usual bool
	}
	segs := make([]seg, len(p.mentions))
	for k, m := range p.mentions {
		to := len(p.toks)
		if k+1 < len(starts) {
			to = starts[k+1]
		}
		segs[k] = seg{m: m, from: starts[k], to: to, st: p.statusIn(starts[k], to), text: p.text,
			usual: inRange(p.usualAt, starts[k], to)}
	}
	// "24 december och 31 december: stängt".
	for k := len(segs) - 2; k >= 0; k-- {
		if segs[k].st.empty() && !segs[k+1].st.empty() && p.onlyJoins(segs[k].from, segs[k].to, segs[k].m) {
			segs[k].st = segs[k+1].st
		}
	}
	if len(segs) == 1 && segs[0].st.empty() && !segs[0].usual {
		switch {
		case next != nil && next.statusOnly():
			segs[0].st = next.statusIn(0, len(next.toks))
			segs[0].text = p.text + " | " + next.text
			usedNext = true
		case r.listStatus != nil && p.onlyJoins(0, len(p.toks), segs[0].m):
			segs[0].st = r.listStatus
		}
	}
	if !usedNext && !(len(segs) == 1 && segs[0].st == r.listStatus) {
		r.listStatus = nil
	}
	// A year written with a date dates that date (and those before it on
	// the line) only: "Nyårsdagen 1 januari 2027, stängt" in a list
	// headed 2026 says nothing of the year of "Stängt 1–2 maj" below it.
	for _, sg := range segs {
		r.segment(p, sg.m, sg.from, sg.to, sg.st, sg.text, sg.usual)
	}
	return usedNext
}

// segment turns one date (or run, or list) and what is said of it into rules.
func (r *pageReader) segment(p *parsed, m mention, from, to int, st *status, text string, usual bool) {
	if m.dates[0].y == 0 {
		y := r.yearOf(m.dates[0].m, m.dates[0].d)
		if y == 0 {
			if !st.empty() {
				r.b.warn(text, "no year: neither the date nor a heading above it gives one")
			}
			return
		}
		for k := range m.dates {
			m.dates[k].y = y
			if m.run && k > 0 && m.dates[k].before(m.dates[0]) {
				m.dates[k].y = y + 1
			}
		}
	}
	var names []string
	for _, n := range p.names {
		if n.start >= from && n.start < to {
			names = append(names, n.id)
		}
	}
	switch {
	case st.doubt != "":
		r.b.warn(text, "%s", st.doubt)
		return
	case st.empty():
		if inRange(p.closeBy, from, to) {
			r.b.warn(text, "gives only a closing time; hoursd needs the opening too")
		} else if m.run && !usual {
			// A season's dates; its week follows on the next lines.
			r.block = &block{period: true, from: m.dates[0].date(), to: m.dates[1].date(),
				name: periodName(p.text, r.title), texts: []string{text}}
		}
		return
	case st.bad != "":
		r.b.warn(text, "hours %s", st.bad)
		return
	case len(st.weeks) > 0:
		if !m.run {
			r.b.warn(text, "a week's hours from one date with no end date; hoursd needs both ends of a season")
			return
		}
		r.block = &block{period: true, from: m.dates[0].date(), to: m.dates[1].date(),
			name: periodName(p.text, r.title), texts: []string{text}}
		r.addWeek(text, st.weeks)
		return
	case st.closed && len(st.hours) > 0:
		r.b.warn(text, "says both closed and hours; hoursd cannot tell which applies")
		return
	}
	if m.run {
		from, to := m.dates[0].date(), m.dates[1].date()
		if !st.closed && to.Sub(from) >= seasonDays-1 {
			r.pending = append(r.pending, season{text: text, from: from, to: to,
				hours: slices.Clone(st.hours), name: periodName(p.text, r.title)})
			return
		}
		r.b.exception(text, schedule.Exception{From: from, To: to,
			Hours: slices.Clone(st.hours), Closed: st.closed})
		return
	}
	for _, x := range m.dates {
		d := x.date()
		if !r.check(text, d, m, names) {
			continue
		}
		e := schedule.Exception{From: d, To: d, Hours: slices.Clone(st.hours), Closed: st.closed}
		if len(names) > 0 {
			e.Name = catalogueName(names[0])
		} else if id, ok := catalogueOn(d); ok {
			e.Name = catalogueName(id)
		}
		r.b.exception(text, e)
	}
}

// check holds a date against the words beside it: a weekday or a day's name
// that falls on another date means the page is wrong somewhere, and a
// wrong date announced to subscribers is worse than none.
func (r *pageReader) check(text string, d schedule.Date, m mention, names []string) bool {
	if m.hasWd && len(m.dates) == 1 && d.Weekday() != m.wd {
		r.b.warn(text, "%s is a %s, not a %s", longDate(d), d.Weekday(), m.wd)
		return false
	}
	for _, id := range names {
		cd, ok := schedule.CatalogueDate(id, d.Year)
		if ok && cd != d {
			r.b.warn(text, "%s is %d %s in %d, not %d %s", catalogueName(id).SV, cd.Day, cd.Month, d.Year, d.Day, d.Month)
			return false
		}
	}
	return true
}

func longDate(d schedule.Date) string { return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year) }

// named reads a line that names catalogue days without dates: "Julafton
// och nyårsafton: stängt". The year comes from the headings above.
func (r *pageReader) named(p *parsed) {
	if len(p.years) > 0 {
		r.setYears(p.years) // "Julafton 2025: stängt"
	}
	anchors := make([]int, len(p.names))
	floor := make([]int, len(p.names))
	for k, n := range p.names {
		anchors[k] = n.start
		if k > 0 {
			floor[k] = p.names[k-1].end
		}
	}
	starts := make([]int, len(anchors))
	copy(starts, anchors)
	starts[0] = 0
	sts := make([]*status, len(p.names))
	for k := range p.names {
		to := len(p.toks)
		if k+1 < len(starts) {
			to = starts[k+1]
		}
		sts[k] = p.statusIn(starts[k], to)
	}
	for k := len(sts) - 2; k >= 0; k-- {
		if sts[k].empty() {
			sts[k] = sts[k+1]
		}
	}
	if p.namedRun() {
		r.b.warn(p.text, "a run between named days; hoursd needs its dates written out")
		return
	}
	for k, n := range p.names {
		st := sts[k]
		switch {
		case st.doubt != "":
			r.b.warn(p.text, "%s", st.doubt)
			continue
		case st.empty() || len(st.weeks) > 0:
			continue
		case st.bad != "":
			r.b.warn(p.text, "hours %s", st.bad)
			continue
		case st.closed && len(st.hours) > 0:
			r.b.warn(p.text, "says both closed and hours; hoursd cannot tell which applies")
			continue
		}
		// The day's month decides the year under "Jul och nyår 2025/2026".
		probe, ok := schedule.CatalogueDate(n.id, max(r.year, r.opts.Today.Year, 2000))
		if !ok {
			continue
		}
		y := r.yearOf(probe.Month, probe.Day)
		if y == 0 {
			r.b.warn(p.text, "no year: a heading above the day's name must give one")
			continue
		}
		d, ok := schedule.CatalogueDate(n.id, y)
		if !ok {
			continue
		}
		if !r.opts.Today.IsZero() && r.year == 0 && d.Before(r.opts.Today.AddDays(-31)) {
			if d2, ok := schedule.CatalogueDate(n.id, y+1); ok {
				d = d2
			}
		}
		r.b.exception(p.text, schedule.Exception{From: d, To: d, Name: catalogueName(n.id),
			Hours: slices.Clone(st.hours), Closed: st.closed})
	}
}

// namedRun reports a run from one named day to another: "Julafton till
// och med trettondedagen", "mellan jul och nyår". Read as its two ends it
// would leave out the days between, and the year of its end is unknown.
func (p *parsed) namedRun() bool {
	for k := 0; k+1 < len(p.names); k++ {
		a, b := p.names[k], p.names[k+1]
		if end, ok := p.rangeSep(a.end, false); ok && end == b.start {
			return true
		}
		if p.isWord(a.end, "och", "and") && a.end+1 == b.start && p.isWord(a.start-1, "mellan", "between") {
			return true
		}
	}
	return false
}

func (r *pageReader) weekLine(p *parsed) {
	if r.block == nil {
		r.block = &block{}
	}
	r.block.texts = append(r.block.texts, p.text)
	r.addWeek(p.text, p.weeks)
}

func (r *pageReader) addWeek(text string, ws []weekEntry) {
	for _, w := range ws {
		if w.doubt != "" {
			// The day is open part of the time at hours the page does
			// not give; leaving it out would read it as closed.
			r.b.warn(text, "closed for part of the day (%q), not all of it; hoursd cannot tell the hours", w.doubt)
			r.block.broken = true
			continue
		}
		for _, d := range w.days {
			r.block.week[d] = slices.Clone(w.hours)
		}
		r.block.entries++
	}
}

// endBlock settles the week being read: a season becomes a dated period,
// the first regular week the page's Weekly.
func (r *pageReader) endBlock() {
	bl := r.block
	r.block = nil
	switch {
	case bl == nil:
	case bl.broken:
		// addWeek warned of the day; the week without it would read
		// that day as closed.
	case bl.period && bl.entries == 0:
		r.b.warn(bl.texts[0], "a run of dates with no hours under it")
	case bl.period:
		r.b.period(strings.Join(bl.texts, " / "), schedule.Period{Name: bl.name,
			From:   yearDate(bl.from),
			To:     yearDate(bl.to),
			Weekly: bl.week})
	case bl.week.Equal(schedule.Week{}):
		// "Lördag–söndag: stängt" alone says when the place is closed,
		// not what its week is.
	case r.b.weekly == nil:
		w := bl.week
		s := schedule.Schedule{ID: "source", Weekly: w}
		if r.b.valid(strings.Join(bl.texts, " / "), &s) {
			r.b.weekly = &s.Weekly
		}
	default:
		s := schedule.Schedule{ID: "source", Weekly: bl.week}
		if s.Validate() == nil && !s.Weekly.Equal(*r.b.weekly) {
			r.b.warn(strings.Join(bl.texts, " / "), "a second regular week (%s) beside the first (%s); the first is used", s.Weekly, *r.b.weekly)
		}
	}
}

// seasons settles the long runs with hours: a dated period open, with
// their hours, on the days the page's regular week is open.
func (r *pageReader) seasons() {
	for _, sn := range r.pending {
		if r.b.weekly == nil {
			r.b.warn(sn.text, "hours for %d days with no weekdays, and no regular week on the page to take them from", sn.to.Sub(sn.from)+1)
			continue
		}
		var w schedule.Week
		for d := range w {
			if !r.b.weekly[d].Closed() {
				w[d] = slices.Clone(sn.hours)
			}
		}
		r.b.period(sn.text, schedule.Period{Name: sn.name, From: yearDate(sn.from), To: yearDate(sn.to), Weekly: w})
	}
}

// periodName finds a season's title in the words of its line or of the
// title above it: "Sommaröppettider", "Julöppettider", "Summer hours".
func periodName(texts ...string) schedule.Name {
	for _, text := range texts {
		toks := tokenize(text)
		for i, t := range toks {
			if t.kind != tWord {
				continue
			}
			for _, suf := range []string{"öppettider", "tider", "öppet"} {
				pre, ok := strings.CutSuffix(t.s, suf)
				if !ok || pre == "" || (suf != "öppettider" && periodEnglish[pre] == "") {
					continue
				}
				return schedule.Name{SV: capital(t.s), EN: periodEnglish[pre]}
			}
			if i+1 < len(toks) && (toks[i+1].s == "hours" || toks[i+1].s == "opening") &&
				slices.Contains([]string{"summer", "winter", "christmas", "holiday", "easter", "autumn", "spring"}, t.s) {
				n := capital(t.s) + " hours"
				return schedule.Name{SV: n, EN: n}
			}
		}
	}
	return schedule.Name{}
}

func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
