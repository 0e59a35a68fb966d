package schedule

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// A schedule written as an OpenStreetMap opening_hours expression
// (schedule/osm reads it) is kept as its ordered list of rules rather than
// translated into weekly, periods, holidays and named days. The reason is the
// override semantics of opening_hours: a later rule replaces the hours of
// every date it matches, whatever it is, so "PH off; Mo-Fr 08:00-16:00" opens
// weekday holidays while "Mo-Fr 08:00-16:00; PH off" closes them. hoursd's
// layers have a fixed order of precedence instead, and a translation would
// either be wrong for some orders or refuse them. Evaluating the rules as
// written gives the hours opening_hours.js gives (the differential test in
// schedule/osm holds hoursd to that).
//
// What hoursd adds is the split between regular hours and changes, which
// opening_hours does not know. Each rule gets a class from its selectors:
//
//   - weekly: weekdays only (Mo-Fr 08:00-16:00), also in a rhythm of weeks
//     all year round (week 01-53/2 Sa 10:00-12:00) — the usual week;
//   - period: a range of dates longer than a week, months, years or a
//     range of week numbers (Jun 30-Aug 24 Mo-Fr 08:00-15:00, week 29-30 off)
//     — a season;
//   - day: dates and ranges of at most a week (Dec 24, Dec 24-26,
//     Jun 19-25 Fr), easter ± days, public holidays (PH, PH +1 day) and
//     weekdays of a month (Fr[-1]) — the special days.
//
// The regular hours of a date are the rules of the first two classes
// evaluated alone; its hours are all rules evaluated together. A date whose
// two answers differ is a change, exactly as with a schedule written in
// weekly/periods/named_days, so "Mo-Fr 08:00-16:00; PH off; Dec 24 off"
// announces the same days as the equivalent configuration.

// Rule is one rule of an opening_hours expression. A date matches a rule when
// it matches each of its selectors that is not empty; an empty rule matches
// every date.
type Rule struct {
	Text       string // the rule as written, for `hoursd day` and `hoursd osm`
	Additional bool   // joined to the rule before by ",": adds its hours to the day instead of replacing them

	Years []YearRange // any of them
	Dates []DateRange // any of them
	Weeks []WeekRange // ISO 8601 week numbers, any of them
	Days  []DaySel    // weekdays and holidays, any of them

	Hours   Hours
	Closed  bool   // off or closed: the date is closed, also in an additional rule (as opening_hours.js has it)
	Comment string // the rule's comment, used as the name of its days and seasons
}

// YearRange is From..To inclusive, every Step-th year (Step 1 for all).
type YearRange struct{ From, To, Step int }

// WeekRange is From..To inclusive (1..53), every Step-th week.
type WeekRange struct{ From, To, Step int }

// rhythm reports whether the range is every other (third, …) week all year
// round, as 01-53/2 or 02-52/2: a pattern of the usual weeks, not a season.
func (w WeekRange) rhythm() bool { return w.Step >= 2 && w.From <= w.Step && w.To >= 53-w.Step }

// DateSpec is one end of a date range: a month and day, or Easter Sunday,
// moved by Offset days, in Year or (Year 0) in every year. Day 0 stands for
// the whole month: its first day as a start, its last as an end.
type DateSpec struct {
	Year   int
	Month  time.Month
	Day    int
	Easter bool
	Offset int
}

// DateRange is From..To inclusive. A range without years whose end comes
// before its start in the year wraps the year end (Dec 24-Jan 02).
type DateRange struct{ From, To DateSpec }

// DaySel selects days of the week, or public holidays.
type DaySel struct {
	Holiday  bool  // PH: a Swedish public holiday of the catalogue
	Offset   int   // PH +1 day: the day after a public holiday
	Weekdays uint8 // bit 1<<time.Weekday; with Holiday, the weekdays the holiday must fall on (0: any)
	Nth      []int // when set, only these weekdays of the month: 1..5 from the start, -1..-5 from the end
}

// ruleClass is how a rule counts toward the regular hours.
type ruleClass uint8

const (
	classWeekly ruleClass = iota
	classPeriod
	classDay
)

// class puts a rule in its class; see the comment at the top of this file.
func (r *Rule) class() ruleClass {
	for _, ds := range r.Days {
		if ds.Holiday || len(ds.Nth) > 0 {
			return classDay
		}
	}
	if len(r.Dates) > 0 {
		for _, dr := range r.Dates {
			if dr.length() > maxDayRange {
				return classPeriod
			}
		}
		return classDay
	}
	if len(r.Years) > 0 {
		return classPeriod
	}
	for _, w := range r.Weeks {
		if !w.rhythm() {
			return classPeriod // week 29-30: a season
		}
	}
	return classWeekly
}

// maxDayRange is the longest date range whose dates are special days
// rather than a season: a week, so that "Jun 19-25 Fr off" (Midsommarafton)
// and "Dec 24-26 off" announce their days, while "Jun 30-Aug 24" is a season
// with a start and an end.
const maxDayRange = 7

// length is the number of days of the range (in a common year when it is
// yearly); a whole month is never shorter than 28.
func (dr DateRange) length() int {
	if dr.From.Easter || dr.To.Easter {
		if dr.From == dr.To {
			return 1
		}
		return maxSeason // the parser reads no ranges from easter
	}
	year, toYear := dr.From.Year, dr.To.Year
	if year == 0 {
		year = 2001
	}
	if toYear == 0 {
		toYear = year
	}
	fromDay, toDay := dr.From.Day, dr.To.Day
	if fromDay == 0 {
		fromDay = 1
	}
	if toDay == 0 {
		toDay = monthLen(toYear, dr.To.Month)
	}
	n := dayNum(Date{toYear, dr.To.Month, toDay}) - dayNum(Date{year, dr.From.Month, fromDay}) + 1
	if n <= 0 && dr.From.Year == 0 {
		n += 365 // wraps the year end
	}
	return n
}

// dated reports whether the rule names dates of given years only.
func (r *Rule) dated() bool {
	if len(r.Years) > 0 {
		return true
	}
	for _, dr := range r.Dates {
		if dr.From.Year == 0 {
			return false
		}
	}
	return len(r.Dates) > 0
}

// WithSeasons is rules with the dated periods of a source (design.md,
// Sources) added as seasons: each period's week becomes rules over its
// dates, placed after the last rule of the usual week and before every
// other rule. A season thus replaces the usual week on its dates, as a
// period does in a schedule written in keys, while the expression's own
// seasons, holidays and dated days, which come later, still win on the
// dates they name: the operator's word wins. A rule of the usual week
// written after such a rule ("PH off; Mo-Fr 08:00-16:00") stays before the
// seasons, so on its weekdays a season replaces it, holidays included, as
// the expression already opens them. Where periods overlap the first one
// listed wins, as in schedule.Periods. rules itself is not changed.
func WithSeasons(rules []Rule, periods []Period) []Rule {
	if len(periods) == 0 {
		return rules
	}
	at := 0
	for i := range rules {
		if rules[i].class() == classWeekly {
			at = i + 1
		}
	}
	var seasons []Rule
	for i := len(periods) - 1; i >= 0; i-- { // a later rule wins: the first period goes last
		seasons = append(seasons, seasonRules(&periods[i])...)
	}
	out := make([]Rule, 0, len(rules)+len(seasons))
	out = append(out, rules[:at]...)
	out = append(out, seasons...)
	return append(out, rules[at:]...)
}

// seasonRules are the rules that give p's dates p's week: the dates closed,
// then each run of weekdays with the same hours.
func seasonRules(p *Period) []Rule {
	spec := func(d YearDate) DateSpec { return DateSpec{Year: d.Year, Month: d.Month, Day: d.Day} }
	dr := DateRange{From: spec(p.From), To: spec(p.To)}
	text := fmt.Sprintf("source period %s..%s: %s", p.From, p.To, p.Weekly)
	out := []Rule{{Text: text, Dates: []DateRange{dr}, Closed: true, Comment: p.Name.SV}}
	done := uint8(0)
	for wd := range time.Weekday(7) {
		if done&(1<<wd) != 0 || p.Weekly[wd].Closed() {
			continue
		}
		var mask uint8
		for o := wd; o < 7; o++ {
			if p.Weekly[o].Equal(p.Weekly[wd]) {
				mask |= 1 << o
			}
		}
		done |= mask
		out = append(out, Rule{Text: text, Dates: []DateRange{dr}, Days: []DaySel{{Weekdays: mask}},
			Hours: slices.Clone(p.Weekly[wd]), Comment: p.Name.SV})
	}
	return out
}

// checkRules reports rules no parser of hoursd would build.
func (ps *problems) rules(s *Schedule) {
	if len(s.Rules) == 0 {
		return
	}
	// Exceptions may stand beside rules: a source's dated readings are
	// merged into them (design.md, Sources) and apply on top, as they do
	// over weekly and periods.
	if s.Holidays != nil || len(s.NamedDays) > 0 || len(s.Periods) > 0 {
		ps.add("opening_hours", "cannot be combined with holidays, named_days or periods; write them in the expression")
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		path := fmt.Sprintf("opening_hours[%d]", i)
		for _, y := range r.Years {
			if y.From < 1 || y.To < y.From || y.Step < 1 {
				ps.add(path, "year range %d-%d/%d is empty or out of range", y.From, y.To, y.Step)
			}
		}
		for _, w := range r.Weeks {
			if w.From < 1 || w.To > 53 || w.To < w.From || w.Step < 1 {
				ps.add(path, "week range %d-%d/%d is not within weeks 1-53", w.From, w.To, w.Step)
			}
		}
		for _, dr := range r.Dates {
			for _, ds := range []DateSpec{dr.From, dr.To} {
				if err := ds.check(); err != nil {
					ps.add(path, "%v", err)
				}
			}
		}
		for _, d := range r.Days {
			for _, n := range d.Nth {
				if n == 0 || n < -5 || n > 5 {
					ps.add(path, "weekday of the month [%d] is not 1 to 5 or -1 to -5", n)
				}
			}
			if d.Offset < -maxEasterOffset || d.Offset > maxEasterOffset {
				ps.add(path, "holiday offset %d is more than %d days", d.Offset, maxEasterOffset)
			}
		}
		if r.Closed {
			r.Hours = nil
		} else {
			ps.hours(path+".hours", &r.Hours)
		}
	}
	if len(*ps) == 0 {
		s.Weekly = s.usualWeek()
	}
}

func (ds DateSpec) check() error {
	switch {
	case ds.Offset < -maxEasterOffset || ds.Offset > maxEasterOffset:
		return fmt.Errorf("date offset %d is more than %d days", ds.Offset, maxEasterOffset)
	case ds.Easter:
		return nil
	case ds.Month < time.January || ds.Month > time.December:
		return fmt.Errorf("month %d is out of range", ds.Month)
	case ds.Year != 0 && ds.Day != 0:
		return checkDay(ds.Year, int(ds.Month), ds.Day)
	case ds.Day != 0:
		return checkDay(2000, int(ds.Month), ds.Day) // a leap year: Feb 29 exists in some years
	}
	return nil
}

// usualWeek is what the rules of plain weekdays give each weekday: the
// usual week of a rule schedule, which the page and the feed show as
// "regular hours". A rhythm of weeks (week 01-53/2 Sa …) is regular too,
// but varies from week to week and so is not in it.
func (s *Schedule) usualWeek() Week {
	var w Week
	e := newEvaluator(s)
	for wd := range time.Weekday(7) {
		w[wd] = e.plainHours(wd)
	}
	return w
}

// ruleDay is a date with what the selectors look at, computed once.
type ruleDay struct {
	d    Date
	wd   time.Weekday
	n    int // day number, see dayNum
	week int // ISO week
}

// evalClass evaluates the rules of class up to max (weekly, or weekly and
// period, or all) on d, with d's weekday given as wd so that a week of a
// season can be asked for any weekday.
func (e *evaluator) evalClass(d Date, wd time.Weekday, max ruleClass) Hours {
	rd := e.ruleDay(d, wd)
	hours := Hours{}
	for i := range e.s.Rules {
		if e.classes[i] > max {
			continue
		}
		if !e.matches(i, rd, true) {
			continue
		}
		hours = apply(hours, &e.s.Rules[i])
	}
	return hours
}

// apply is a date's hours after rule r, which matches the date, given its
// hours before: a ";" rule replaces them, a "," rule adds to them, "off"
// closes the date either way.
func apply(h Hours, r *Rule) Hours {
	switch {
	case r.Closed:
		return Hours{}
	case r.Additional:
		return append(h[:len(h):len(h)], r.Hours...).normalize()
	}
	return r.Hours
}

func (e *evaluator) ruleDay(d Date, wd time.Weekday) ruleDay {
	n := dayNum(d)
	rd := ruleDay{d: d, wd: wd, n: n}
	e.placeYear(d.Year)
	if e.weeks {
		rd.week = int(e.rules.isoWeeks[n-e.rules.jan1])
	}
	return rd
}

// matches reports whether rd matches r; with days false, the weekday and
// holiday selectors are left out (the "season" a date is in).
func (e *evaluator) matches(i int, rd ruleDay, days bool) bool {
	return e.matchesDate(i, rd) && (!days || e.matchesDays(i, rd))
}

// matchesDate checks the years, weeks and dates of rule i.
func (e *evaluator) matchesDate(i int, rd ruleDay) bool {
	r := &e.s.Rules[i]
	if len(r.Years) > 0 && !anyYear(r.Years, rd.d.Year) {
		return false
	}
	if len(r.Weeks) > 0 && !anyWeek(r.Weeks, rd.week) {
		return false
	}
	if len(r.Dates) > 0 {
		for _, sp := range e.rules.spans[i] {
			if rd.n >= sp.from && rd.n <= sp.to {
				return true
			}
		}
		return false
	}
	return true
}

// matchesDays checks the weekdays and holidays of rule i.
func (e *evaluator) matchesDays(i int, rd ruleDay) bool {
	r := &e.s.Rules[i]
	if len(r.Days) == 0 {
		return true
	}
	for k := range r.Days {
		if e.dayMatches(&r.Days[k], rd) {
			return true
		}
	}
	return false
}

func anyYear(rs []YearRange, y int) bool {
	for _, r := range rs {
		if y >= r.From && y <= r.To && (y-r.From)%r.Step == 0 {
			return true
		}
	}
	return false
}

func anyWeek(rs []WeekRange, w int) bool {
	for _, r := range rs {
		if w >= r.From && w <= r.To && (w-r.From)%r.Step == 0 {
			return true
		}
	}
	return false
}

func (e *evaluator) dayMatches(ds *DaySel, rd ruleDay) bool {
	if ds.Holiday {
		return (ds.Weekdays == 0 || ds.Weekdays&(1<<rd.wd) != 0) && e.isHoliday(rd.n-ds.Offset)
	}
	if ds.Weekdays&(1<<rd.wd) == 0 {
		return false
	}
	if len(ds.Nth) == 0 {
		return true
	}
	first := (rd.d.Day-1)/7 + 1
	last := -((monthLen(rd.d.Year, rd.d.Month)-rd.d.Day)/7 + 1)
	for _, n := range ds.Nth {
		if n == first || n == last {
			return true
		}
	}
	return false
}

// daySpan is a run of dates as day numbers, inclusive.
type daySpan struct{ from, to int }

// fastRule is what the evaluator asks of a rule for every date, in a form
// that answers the common rules (weekdays only) with a bit test: a year of
// dates is evaluated far more often than it is parsed.
type fastRule struct {
	dated   bool  // has years, weeks or dates: matchesDate must be asked
	period  bool  // classPeriod
	days    uint8 // weekdays matched outright: plain weekday selectors, or all seven without day selectors
	special bool  // has holiday or nth-weekday selectors: matchesDays must be asked when days does not match
}

func compileRules(rules []Rule) []fastRule {
	out := make([]fastRule, len(rules))
	for i := range rules {
		r := &rules[i]
		f := fastRule{dated: len(r.Years)+len(r.Weeks)+len(r.Dates) > 0, period: r.class() == classPeriod}
		if len(r.Days) == 0 {
			f.days = 0x7f
		}
		for _, ds := range r.Days {
			if ds.Holiday || len(ds.Nth) > 0 {
				f.special = true
			} else {
				f.days |= ds.Weekdays
			}
		}
		out[i] = f
	}
	return out
}

// ruleState is what an evaluator keeps for a rule schedule: the date
// ranges of every rule placed in the year last asked, Easter Sundays, the
// public holidays of three years and the catalogue days of one, so that a
// year of dates computes each of them once.
type ruleState struct {
	year  int         // the year spans are placed in; 0 before the first
	spans [][]daySpan // per rule, the placements of all its date ranges

	jan1    int       // day number of 1 January of year
	special [6]uint64 // bit n-jan1: a rule other than plain weekdays may match n

	isoWeeks [366]uint8 // ISO week of each date of year, when a rule selects weeks

	plainDone bool
	plain     Week // what the rules of plain weekdays give each weekday

	easters map[int]int

	holidayFrom    int // day number of 1 January of the year holidayBits holds
	holidayLen     int // its number of days
	holidayBits    *[6]uint64
	holidaysByYear map[int]*[6]uint64 // bit n-1 January: n is a public holiday

	catYear int
	cat     [13][32]int8 // catalogue index + 1 of each date of catYear
}

// placeYear places every rule's date ranges in year: a dated range where it
// is, a yearly one from this year and from the year before (which reaches
// into this one when it wraps the year end).
func (e *evaluator) placeYear(year int) {
	rs := &e.rules
	if rs.year == year && rs.spans != nil {
		return
	}
	if rs.spans == nil {
		rs.spans = make([][]daySpan, len(e.s.Rules))
	}
	for i := range e.s.Rules {
		out := rs.spans[i][:0]
		for _, dr := range e.s.Rules[i].Dates {
			out = e.placeRange(out, dr, year)
		}
		rs.spans[i] = out
	}
	rs.year = year
	if e.weeks {
		e.numberWeeks(year)
	}
	e.markSpecial(year)
}

// numberWeeks computes the ISO week of every date of year once: week
// selectors ask it of every date, and it steps by one each Monday but
// around the year end.
func (e *evaluator) numberWeeks(year int) {
	rs := &e.rules
	jan1 := dayNum(Date{year, time.January, 1})
	length := dayNum(Date{year + 1, time.January, 1}) - jan1
	w := isoWeek(jan1)
	wd := weekdayOf(jan1)
	for k := range length {
		if wd == time.Monday && k > 0 {
			if w >= 52 || k > 350 {
				w = isoWeek(jan1 + k)
			} else {
				w++
			}
		}
		rs.isoWeeks[k] = uint8(w)
		wd = (wd + 1) % 7
	}
}

// markSpecial marks the dates of year on which a rule with years, weeks,
// dates or holidays may match. On every other date only the rules of plain
// weekdays can, so ruleHours answers it from the week those rules give:
// most dates of most years are an ordinary week, and a year of dates is
// then a few dozen evaluations rather than 365.
func (e *evaluator) markSpecial(year int) {
	rs := &e.rules
	rs.jan1 = dayNum(Date{year, time.January, 1})
	length := dayNum(Date{year + 1, time.January, 1}) - rs.jan1
	rs.special = [6]uint64{}
	// mark marks from..to within the year, on the weekdays of mask.
	mark := func(from, to int, mask uint8) {
		for n := max(from, rs.jan1); n <= to && n < rs.jan1+length; n++ {
			if mask&(1<<weekdayOf(n)) != 0 {
				k := n - rs.jan1
				rs.special[k/64] |= 1 << (k % 64)
			}
		}
	}
	for i := range e.s.Rules {
		r, f := &e.s.Rules[i], &e.fast[i]
		mask := possibleWeekdays(r)
		switch {
		case !f.dated && !f.special:
			// plain weekdays: the ordinary week
		case len(r.Years) > 0 && !anyYear(r.Years, year):
			// cannot match this year
		case len(r.Dates) > 0:
			for _, sp := range rs.spans[i] {
				mark(sp.from, sp.to, mask)
			}
		case len(r.Weeks) > 0:
			for k := range length {
				if anyWeek(r.Weeks, int(rs.isoWeeks[k])) {
					mark(rs.jan1+k, rs.jan1+k, mask)
				}
			}
		case len(r.Years) == 0 && holidaysOnly(r):
			for _, ds := range r.Days {
				for _, y := range [3]int{year - 1, year, year + 1} {
					yc := catalogueIn(y)
					for j := range catalogue {
						if yc.ok[j] && catalogue[j].public {
							n := dayNum(yc.dates[j]) + ds.Offset
							mark(n, n, mask)
						}
					}
				}
			}
		default: // weekdays of the month, years alone: every date of the weekdays
			mark(rs.jan1, rs.jan1+length-1, mask)
		}
	}
	for _, x := range e.s.Exceptions {
		mark(dayNum(x.From), dayNum(x.To), 0x7f)
	}
}

// possibleWeekdays are the weekdays on which r can match: those its
// weekday selectors name, all seven with none or with PH (a holiday falls
// on any weekday, and PH ±1 day moves it).
func possibleWeekdays(r *Rule) uint8 {
	if len(r.Days) == 0 {
		return 0x7f
	}
	var mask uint8
	for _, ds := range r.Days {
		if ds.Holiday {
			return 0x7f
		}
		mask |= ds.Weekdays
	}
	return mask
}

// holidaysOnly reports whether every day selector of r is PH: then r
// matches only on and around public holidays.
func holidaysOnly(r *Rule) bool {
	for _, ds := range r.Days {
		if !ds.Holiday {
			return false
		}
	}
	return len(r.Days) > 0
}

// isSpecial reports whether markSpecial marked day number n of the year
// placed.
func (e *evaluator) isSpecial(n int) bool {
	k := n - e.rules.jan1
	return k < 0 || k >= 366 || e.rules.special[k/64]&(1<<(k%64)) != 0
}

// plainHours is what the rules of plain weekdays give wd.
func (e *evaluator) plainHours(wd time.Weekday) Hours {
	if !e.rules.plainDone {
		for day := range time.Weekday(7) {
			h := Hours{}
			for i := range e.fast {
				if f := &e.fast[i]; f.dated || f.special || f.days&(1<<day) == 0 {
					continue
				}
				h = apply(h, &e.s.Rules[i])
			}
			e.rules.plain[day] = h
		}
		e.rules.plainDone = true
	}
	return e.rules.plain[wd]
}

func (e *evaluator) placeRange(out []daySpan, dr DateRange, year int) []daySpan {
	if dr.From.Year != 0 {
		from, ok1 := e.specNum(dr.From, dr.From.Year, false)
		toYear := dr.To.Year
		if toYear == 0 {
			toYear = dr.From.Year
		}
		to, ok2 := e.specNum(dr.To, toYear, true)
		if dr.To.Year == 0 && to < from {
			to, ok2 = e.specNum(dr.To, toYear+1, true)
		}
		if ok1 && ok2 {
			out = append(out, daySpan{from, to})
		}
		return out
	}
	jan1 := dayNum(Date{year, time.January, 1})
	for _, fy := range [2]int{year, year - 1} {
		from, ok1 := e.specNum(dr.From, fy, false)
		to, ok2 := e.specNum(dr.To, fy, true)
		if ok1 && ok2 && to < from {
			to, ok2 = e.specNum(dr.To, fy+1, true)
		}
		if ok1 && ok2 && to >= jan1 { // last year's placement counts only where it reaches into this year
			out = append(out, daySpan{from, to})
		}
	}
	return out
}

// specNum is the day number of ds in year; end picks the last day of a
// whole month. ok is false for Feb 29 in a common year.
func (e *evaluator) specNum(ds DateSpec, year int, end bool) (int, bool) {
	if ds.Easter {
		return e.easter(year) + ds.Offset, true
	}
	day := ds.Day
	switch {
	case day == 0 && end:
		day = monthLen(year, ds.Month)
	case day == 0:
		day = 1
	case day > monthLen(year, ds.Month):
		return 0, false
	}
	return dayNum(Date{year, ds.Month, day}) + ds.Offset, true
}

// paskdagen is Easter Sunday's index in the catalogue.
var paskdagen = catalogueIndex("paskdagen")

// easter is the day number of Easter Sunday in year.
func (e *evaluator) easter(year int) int {
	if n, ok := e.rules.easters[year]; ok {
		return n
	}
	if e.rules.easters == nil {
		e.rules.easters = make(map[int]int)
	}
	d := catalogueIn(year).dates[paskdagen]
	n := dayNum(d)
	e.rules.easters[year] = n
	return n
}

// isHoliday reports whether day number n is a Swedish public holiday. Each
// year's holidays are computed once, the first time a date of it is asked.
func (e *evaluator) isHoliday(n int) bool {
	rs := &e.rules
	k := n - rs.holidayFrom
	if rs.holidayBits == nil || k < 0 || k >= rs.holidayLen {
		y := civilYear(n)
		bits, ok := rs.holidaysByYear[y]
		if !ok {
			bits = new([6]uint64)
			from := dayNum(Date{y, time.January, 1})
			yc := catalogueIn(y)
			for i := range catalogue {
				if d, ok := yc.dates[i], yc.ok[i]; ok && catalogue[i].public && d.Year == y {
					k := dayNum(d) - from
					bits[k/64] |= 1 << (k % 64)
				}
			}
			if rs.holidaysByYear == nil {
				rs.holidaysByYear = make(map[int]*[6]uint64)
			}
			rs.holidaysByYear[y] = bits
		}
		rs.holidayFrom, rs.holidayBits = dayNum(Date{y, time.January, 1}), bits
		rs.holidayLen = dayNum(Date{y + 1, time.January, 1}) - rs.holidayFrom
		k = n - rs.holidayFrom
	}
	return rs.holidayBits[k/64]&(1<<(k%64)) != 0
}

// catalogueAt is the catalogue day falling on d, public holidays first, or
// -1: the name of a special day of a rule schedule.
func (e *evaluator) catalogueAt(d Date) int {
	rs := &e.rules
	if rs.catYear != d.Year {
		rs.cat = [13][32]int8{}
		yc := catalogueIn(d.Year)
		for i := len(catalogue) - 1; i >= 0; i-- {
			if cd, ok := yc.dates[i], yc.ok[i]; ok && cd.Year == d.Year {
				if slot := &rs.cat[cd.Month][cd.Day]; *slot == 0 || !catalogue[*slot-1].public || catalogue[i].public {
					*slot = int8(i + 1)
				}
			}
		}
		rs.catYear = d.Year
	}
	return int(rs.cat[d.Month][d.Day]) - 1
}

// ruleHours is the hours of a date (day number n) of a rule schedule and nothing else:
// evalRules without the regular hours, the season and the names, for
// HoursFrom.
func (e *evaluator) ruleHours(d Date, wd time.Weekday, n int) Hours {
	for i := range e.s.Exceptions {
		if x := &e.s.Exceptions[i]; !d.Before(x.From) && !d.After(x.To) {
			if x.Closed {
				return Hours{}
			}
			return x.Hours
		}
	}
	if d.Year != e.rules.year || e.rules.spans == nil {
		e.placeYear(d.Year)
	}
	if !e.isSpecial(n) {
		return e.plainHours(wd)
	}
	rd := e.ruleDay(d, wd)
	hours := Hours{}
	for i := range e.fast {
		f := &e.fast[i]
		// The weekday first: one bit test rules out most dates of most rules.
		if f.days&(1<<wd) == 0 && !f.special || f.dated && !e.matchesDate(i, rd) ||
			f.days&(1<<wd) == 0 && !e.matchesDays(i, rd) {
			continue
		}
		hours = apply(hours, &e.s.Rules[i])
	}
	return hours
}

// evalRules evaluates a date of a rule schedule: all rules for its hours,
// weekly and period rules for its regular hours.
func (e *evaluator) evalRules(d Date, wd time.Weekday) eval {
	rd := e.ruleDay(d, wd)
	r := eval{holiday: -1, named: -1, exception: -1, period: -1}
	hours, regular := Hours{}, Hours{}
	by := -1
	for i := range e.fast {
		f := &e.fast[i]
		if f.dated && !e.matchesDate(i, rd) {
			continue
		}
		if f.period {
			r.period = i // see periodRule
		}
		if f.days&(1<<wd) == 0 && (!f.special || !e.matchesDays(i, rd)) {
			continue
		}
		hours = apply(hours, &e.s.Rules[i])
		if e.classes[i] != classDay {
			regular = apply(regular, &e.s.Rules[i])
		}
		by = i
	}
	r.hours, r.regular, r.rule = hours, regular, by
	for i := range e.s.Exceptions {
		if x := &e.s.Exceptions[i]; !d.Before(x.From) && !d.After(x.To) {
			r.exception, r.hours, r.source, r.name = i, x.Hours, SourceException, x.Name
			if x.Closed {
				r.hours = Hours{}
			}
			if x.Name == (Name{}) && e.classes != nil {
				if j := e.catalogueAt(d); j >= 0 {
					r.name = catalogue[j].name
				}
			}
			return r
		}
	}
	if by < 0 {
		r.source = SourceWeekly
		return r
	}
	rule := &e.s.Rules[by]
	switch e.classes[by] {
	case classWeekly:
		r.source = SourceWeekly
	case classPeriod:
		r.source = SourcePeriod
	default:
		switch {
		case rule.dated():
			r.source = SourceException
		case holidayRule(rule):
			r.source = SourceHoliday
		default:
			r.source = SourceNamedDay
		}
	}
	if rule.Comment != "" {
		r.name = Name{SV: rule.Comment, EN: rule.Comment}
	} else if e.classes[by] == classDay {
		if i := e.catalogueAt(d); i >= 0 {
			r.name = catalogue[i].name
		}
	}
	if r.name == (Name{}) && r.period >= 0 {
		if c := e.s.Rules[r.period].Comment; c != "" && e.classes[by] != classDay {
			r.name = Name{SV: c, EN: c}
		}
	}
	return r
}

func holidayRule(r *Rule) bool {
	for _, ds := range r.Days {
		if ds.Holiday {
			return true
		}
	}
	return false
}

// periodRule is the season rd is in: the last period rule whose years,
// weeks and dates hold it, or -1.
func (e *evaluator) periodRule(rd ruleDay) int {
	p := -1
	for i := range e.s.Rules {
		if e.classes[i] == classPeriod && e.matches(i, rd, false) {
			p = i
		}
	}
	return p
}

// rulePeriodChange is the period-start or period-end of a rule schedule on
// d, where the season changes from prev to r.period. The weeks compared are
// the regular hours of each weekday in the season and the usual week.
func (e *evaluator) rulePeriodChange(d Date, wd time.Weekday, prev int, r eval) (Change, bool) {
	s := e.s
	// The usual week of d's own week: weekly rules may alternate weeks.
	usual := e.weekOf(d, classWeekly)
	c := Change{Schedule: s.ID, Date: d}
	week := e.weekOf(d, classPeriod)
	switch {
	case r.period >= 0 && !week.Equal(usual):
		c.Kind, c.Until = KindPeriodStart, e.seasonEnd(d, r.period)
		c.Name = commentName(s.Rules[r.period].Comment)
		c.Weekly, c.RegularWeekly = week, usual
		if prev >= 0 {
			c.RegularWeekly = e.weekOf(d.AddDays(-1), classPeriod)
		}
		wd = firstDifference(c.Weekly, usual, wd)
	case prev >= 0:
		before := e.weekOf(d.AddDays(-1), classPeriod)
		if before.Equal(e.weekOf(d.AddDays(-1), classWeekly)) {
			return Change{}, false
		}
		c.Kind, c.Name = KindPeriodEnd, commentName(s.Rules[prev].Comment)
		c.Weekly, c.RegularWeekly = week, before
		wd = firstDifference(c.Weekly, c.RegularWeekly, wd)
	default:
		return Change{}, false
	}
	c.Hours, c.Regular = c.Weekly[wd], usual[wd]
	return c, true
}

func commentName(c string) Name { return Name{SV: c, EN: c} }

// weekOf is the week the rules of classes up to max give on d's date: each
// weekday's hours as if d fell on it (the weekday selectors change, the
// dates and weeks stay d's).
func (e *evaluator) weekOf(d Date, max ruleClass) Week {
	var w Week
	for day := range time.Weekday(7) {
		w[day] = e.evalClass(d, day, max)
	}
	return w
}

// maxSeason bounds the search for a season's last date: ten years and a
// leap day or two, the horizon of `hoursd osm`.
const maxSeason = 3660

// seasonEnd is the last date of the season p that d is in.
func (e *evaluator) seasonEnd(d Date, p int) Date {
	last := d
	for range maxSeason {
		next := last.next()
		if e.periodRule(e.ruleDay(next, next.Weekday())) != p {
			break
		}
		last = next
	}
	return last
}

// dayNum is the number of days from 1970-01-01 to d (Howard Hinnant's
// days_from_civil), cheap enough to call for every rule of every date.
func dayNum(d Date) int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilYear is the year of day number n.
func civilYear(n int) int {
	z := n + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	if mp >= 10 { // January or February belong to the next civil year
		y++
	}
	return y
}

// weekdayOf is the weekday of day number n (1970-01-01 was a Thursday).
func weekdayOf(n int) time.Weekday {
	return time.Weekday(((n % 7) + 7 + 4) % 7)
}

// isoWeek is the ISO 8601 week number of day number n: weeks start on
// Monday, and week 1 holds the year's first Thursday.
func isoWeek(n int) int {
	wd := (int(weekdayOf(n)) + 6) % 7 // Monday 0
	thursday := n - wd + 3
	y := civilYear(thursday)
	jan1 := dayNum(Date{y, time.January, 1})
	return (thursday-jan1)/7 + 1
}

// monthLen is the number of days of a month, without a trip through time.Time.
func monthLen(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// describeRule names the rule that gave a date of a rule schedule its hours.
func (e *evaluator) describeRule(r eval) string {
	if r.rule < 0 {
		return "opening_hours: no rule matches (closed)"
	}
	return fmt.Sprintf("opening_hours rule %d (%s)", r.rule+1, e.s.Rules[r.rule].Text)
}

// NamedDayDates are the dates of a named day in year: none for an unknown
// catalogue day or a bad rule, two for an easter rule whose offset carries
// another year's date into this one. `hoursd osm` writes named days with it.
func NamedDayDates(nd *NamedDay, year int) []Date {
	e := newEvaluator(&Schedule{NamedDays: []NamedDay{*nd}})
	return e.named[0].dates(year)
}

// yearCatalogue is the date of every catalogue day in one year (ok false
// where rickar/cal says a day does not occur that year).
type yearCatalogue struct {
	dates []Date // parallel to catalogue
	ok    []bool
}

// catalogueYears memoises yearCatalogue for the process: a year's holidays
// never change, and a check evaluates the same few years again and again.
// Computing them takes rickar/cal a few microseconds a year, more than the
// rest of a year's evaluation of a rule schedule. sync.Map is safe for the
// daemon's concurrent checks; nothing else in schedule keeps state.
var catalogueYears sync.Map // int → *yearCatalogue

func catalogueIn(year int) *yearCatalogue {
	if v, ok := catalogueYears.Load(year); ok {
		return v.(*yearCatalogue)
	}
	yc := &yearCatalogue{dates: make([]Date, len(catalogue)), ok: make([]bool, len(catalogue))}
	for i := range catalogue {
		yc.dates[i], yc.ok[i] = catalogue[i].in(year)
	}
	v, _ := catalogueYears.LoadOrStore(year, yc)
	return v.(*yearCatalogue)
}
