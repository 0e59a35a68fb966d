package osm

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// Format writes s as an opening_hours expression that gives the hours s
// gives on every date of the window from..from+years-1 (hoursd osm uses ten
// years). A schedule written as opening_hours comes back as written. One
// written in weekly/holidays/named_days/periods/exceptions is written in
// the order of its precedence, the least specific rule first, because a
// later opening_hours rule overrides an earlier one:
//
//	weekly; periods (the first listed last); PH off; named days with hours;
//	closed named days; exceptions (the first listed last)
//
// A named day is written as a date (Dec 24) where it falls on the same date
// every year of the window, as an easter offset (easter -3 days) where it
// keeps its distance from Easter, as a week of dates and a weekday
// (Jun 19-25 Fr) where it is the same weekday within seven days, and else as
// the list of its dates (2026 Jun 19,2027 Jun 25). Its hours apply only to
// days otherwise open, so they are written for the weekdays the usual week
// opens, or, where a period changes that, for the dates that are open.
// Periods and exceptions outside the window are left out.
func Format(s *schedule.Schedule, from schedule.Date, years int) string {
	to := schedule.Date{Year: from.Year + years, Month: from.Month, Day: from.Day}.AddDays(-1)
	var rules []string
	add := func(sep, r string) {
		if len(rules) > 0 {
			r = sep + r
		}
		rules = append(rules, r)
	}
	if len(s.Rules) > 0 {
		for _, r := range s.Rules {
			sep := "; "
			if r.Additional {
				sep = ", "
			}
			add(sep, r.Text)
		}
	} else {
		for _, r := range weekRules("", s.Weekly, false) {
			add("; ", r)
		}
		for i := len(s.Periods) - 1; i >= 0; i-- {
			p := &s.Periods[i]
			if !p.From.IsYearly() && (p.To.In(0).Before(from) || p.From.In(0).After(to)) {
				continue
			}
			sel := yearDate(p.From) + "-" + yearDate(p.To)
			for _, r := range weekRules(sel, p.Weekly, true) {
				add("; ", r+comment(p.Name))
			}
		}
		if s.Holidays != nil && s.Holidays.Closed {
			add("; ", "PH off")
		}
		for _, closed := range []bool{false, true} {
			for i := len(s.NamedDays) - 1; i >= 0; i-- {
				if nd := &s.NamedDays[i]; nd.Closed == closed {
					if r := namedDayRule(s, nd, from, to); r != "" {
						add("; ", r)
					}
				}
			}
		}
	}
	for i := len(s.Exceptions) - 1; i >= 0; i-- {
		x := &s.Exceptions[i]
		if x.To.Before(from) || x.From.After(to) {
			continue
		}
		sel := date(x.From)
		if x.To != x.From {
			sel += "-" + date(x.To)
		}
		add("; ", sel+" "+state(x.Hours, x.Closed)+comment(x.Name))
	}
	if len(rules) == 0 {
		return "off"
	}
	return strings.Join(rules, "")
}

var osmDays = [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}

// weekRules writes a week as one rule per distinct hours, Monday first:
// "Mo-Fr 08:00-16:00", "Sa 10:00-14:00". Closed days are written only with
// all (a period replaces the whole week, its closed days included).
func weekRules(sel string, w schedule.Week, all bool) []string {
	var order []schedule.Hours
	var days [][]time.Weekday
	for i := range 7 {
		wd := time.Weekday((i + 1) % 7)
		if w[wd].Closed() && !all {
			continue
		}
		k := slices.IndexFunc(order, func(h schedule.Hours) bool { return h.Equal(w[wd]) })
		if k < 0 {
			order, days = append(order, w[wd]), append(days, nil)
			k = len(order) - 1
		}
		days[k] = append(days[k], wd)
	}
	var out []string
	for k, h := range order {
		parts := []string{weekdayList(days[k]), state(h, h.Closed())}
		if sel != "" {
			parts = append([]string{sel}, parts...)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// weekdayList writes Monday-first weekdays with runs as ranges: Mo-We,Fr.
func weekdayList(wds []time.Weekday) string {
	idx := func(wd time.Weekday) int { return (int(wd) + 6) % 7 } // Monday 0
	var parts []string
	for i := 0; i < len(wds); {
		j := i
		for j+1 < len(wds) && idx(wds[j+1]) == idx(wds[j])+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, osmDays[wds[i]])
		default:
			parts = append(parts, osmDays[wds[i]]+"-"+osmDays[wds[j]])
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// state writes hours, or off.
func state(h schedule.Hours, closed bool) string {
	if closed || h.Closed() {
		return "off"
	}
	parts := make([]string, len(h))
	for i, iv := range h {
		parts[i] = iv.String()
	}
	return strings.Join(parts, ",")
}

// comment writes a name as a comment; opening_hours has no escape for ".
func comment(n schedule.Name) string {
	if n.SV == "" {
		return ""
	}
	return ` "` + strings.ReplaceAll(n.SV, `"`, "'") + `"`
}

func monthDay(m time.Month, d int) string { return fmt.Sprintf("%s %02d", months[m-1], d) }

func date(d schedule.Date) string { return fmt.Sprintf("%d %s", d.Year, monthDay(d.Month, d.Day)) }

func yearDate(y schedule.YearDate) string {
	if y.IsYearly() {
		return monthDay(y.Month, y.Day)
	}
	return date(y.In(0))
}

// namedDayRule writes a named day for the window from..to, or "" when it
// has no date there that it changes.
func namedDayRule(s *schedule.Schedule, nd *schedule.NamedDay, from, to schedule.Date) string {
	dates := namedDates(nd, from, to)
	if len(dates) == 0 {
		return ""
	}
	name := schedule.Name{}
	if nd.Name != (schedule.Name{}) {
		name = nd.Name
	}
	if nd.Closed {
		return selector(dates) + " off" + comment(name)
	}
	// Hours apply where the regular hours (periods and weekly) are open.
	// When that is the usual week's weekdays on every date, say so with
	// weekdays; else list the open dates.
	regularOpen := func(d schedule.Date) bool { return !s.Day(d).Regular.Closed() }
	var open []schedule.Date
	byWeekday := true
	for _, d := range dates {
		o := regularOpen(d)
		if o {
			open = append(open, d)
		}
		if o != !s.Weekly[d.Weekday()].Closed() {
			byWeekday = false
		}
	}
	if len(open) == 0 {
		return ""
	}
	hours := state(nd.Hours, false) + comment(name)
	if !byWeekday {
		return datedList(open) + " " + hours
	}
	var wds []time.Weekday
	for i := range 7 {
		if wd := time.Weekday((i + 1) % 7); !s.Weekly[wd].Closed() {
			wds = append(wds, wd)
		}
	}
	sel := selector(dates)
	if strings.HasSuffix(sel, "]") || len(wds) == 7 {
		return sel + " " + hours
	}
	if i := strings.LastIndexByte(sel, ' '); i >= 0 && slices.Contains(osmDays[:], sel[i+1:]) {
		// A week of dates and one weekday (Jun 19-25 Fr): keep the
		// weekday if it is open, else the day changes nothing.
		if !slices.ContainsFunc(wds, func(wd time.Weekday) bool { return osmDays[wd] == sel[i+1:] }) {
			return ""
		}
		return sel + " " + hours
	}
	return sel + " " + weekdayList(wds) + " " + hours
}

// namedDates are the dates of a named day in the window, in order.
func namedDates(nd *schedule.NamedDay, from, to schedule.Date) []schedule.Date {
	var out []schedule.Date
	for y := from.Year - 1; y <= to.Year+1; y++ {
		for _, d := range schedule.NamedDayDates(nd, y) {
			if !d.Before(from) && !d.After(to) && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b schedule.Date) int { return a.Compare(b) })
	return out
}

// selector writes the shortest selector that matches exactly these dates
// (one a year) among the dates of the window; see Format.
func selector(dates []schedule.Date) string {
	first := dates[0]
	same := true
	for _, d := range dates {
		if d.Month != first.Month || d.Day != first.Day {
			same = false
		}
	}
	if same && !(first.Month == time.February && first.Day == 29) {
		return monthDay(first.Month, first.Day)
	}
	off := easterOffset(first)
	sameEaster := true
	for _, d := range dates {
		if easterOffset(d) != off {
			sameEaster = false
		}
	}
	if sameEaster && off >= -maxOffset && off <= maxOffset {
		switch {
		case off == 0:
			return "easter"
		case off == 1 || off == -1:
			return fmt.Sprintf("easter %+d day", off)
		}
		return fmt.Sprintf("easter %+d days", off)
	}
	// The same weekday within one week of the year: Jun 19-25 Fr.
	wd := first.Weekday()
	lo := dates[0]
	for _, d := range dates {
		if d.Weekday() != wd {
			return datedList(dates)
		}
		if (schedule.Date{Year: 2001, Month: d.Month, Day: d.Day}).Before(schedule.Date{Year: 2001, Month: lo.Month, Day: lo.Day}) {
			lo = d
		}
	}
	start := schedule.Date{Year: 2001, Month: lo.Month, Day: lo.Day}
	end := start.AddDays(6)
	for _, d := range dates {
		if (schedule.Date{Year: 2001, Month: d.Month, Day: d.Day}).After(end) || d.Month == time.February && d.Day == 29 {
			return datedList(dates)
		}
	}
	rng := monthDay(start.Month, start.Day) + "-"
	if end.Month == start.Month {
		rng += fmt.Sprintf("%02d", end.Day)
	} else {
		rng += monthDay(end.Month, end.Day)
	}
	return rng + " " + osmDays[wd]
}

// maxOffset bounds easter offsets hoursd writes: beyond, a list of dates
// reads better.
const maxOffset = 100

// easterOffset is the number of days from Easter Sunday of d's year to d.
func easterOffset(d schedule.Date) int {
	e, _ := schedule.CatalogueDate("paskdagen", d.Year)
	return d.Sub(e)
}

// datedList lists dates with their years: 2026 Jun 19,2027 Jun 25.
func datedList(dates []schedule.Date) string {
	parts := make([]string, len(dates))
	for i, d := range dates {
		parts[i] = date(d)
	}
	return strings.Join(parts, ",")
}
