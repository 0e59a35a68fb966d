package config

import (
	"errors"
	"maps"
	"slices"

	"github.com/hoursd/hoursd/schedule"
	"github.com/hoursd/hoursd/schedule/osm"
)

func (b *builder) buildSchedules(c *Config) {
	if len(b.raw.Schedules) == 0 {
		b.add("schedules", "no schedule is configured")
	}
	for i := range b.raw.Schedules {
		p := index("schedules", i)
		before := len(*b.ps)
		s := b.buildSchedule(p, &b.raw.Schedules[i])
		b.buildSource(c, join(p, "source"), &b.raw.Schedules[i])
		if len(*b.ps) > before || b.failedUnder(p) {
			continue
		}
		if err := s.Validate(); err != nil {
			// The schedule's own checks name paths inside the schedule;
			// whatever config already checked does not get here.
			if ve, ok := errors.AsType[*schedule.ValidationError](err); ok {
				for _, sp := range ve.Problems {
					b.add(join(p, sp.Path), "%s", sp.Message)
				}
			} else {
				b.add(p, "%v", err)
			}
			continue
		}
		c.Schedules = append(c.Schedules, s)
	}
}

func (b *builder) buildSchedule(p string, r *rawSchedule) *schedule.Schedule {
	b.checkID(join(p, "id"), "schedule", r.ID, &b.scheduleIDs)
	s := &schedule.Schedule{ID: r.ID, Title: r.Title, Phone: r.Phone, URL: r.URL}
	if r.URL != "" {
		checkHTTPURL(b.ps, join(p, "url"), r.URL)
	}
	if r.Weekly == nil && r.OpeningHours == "" {
		b.add(join(p, "weekly"), "missing: give the usual week, e.g. weekly: {mon-fri: [\"08:00-16:00\"]} (weekly: {} for a place that is only open on exceptions)")
	}
	s.Weekly = b.week(join(p, "weekly"), r.Weekly)
	if r.OpeningHours != "" { // an OpenStreetMap expression instead (schedule/osm)
		// An empty weekly says nothing (config show prints weekly: {}).
		if len(r.Weekly) > 0 || r.Holidays != nil || len(r.NamedDays) > 0 || len(r.Periods) > 0 || len(r.Exceptions) > 0 {
			b.add(join(p, "opening_hours"), "give either opening_hours or weekly/holidays/named_days/periods/exceptions, not both")
		} else if rules, err := osm.Parse(r.OpeningHours); err != nil {
			b.add(join(p, "opening_hours"), "%v", err)
		} else {
			s.Rules = rules
		}
	}

	if h := r.Holidays; h != nil {
		if h.Calendar != "se" {
			b.add(join(p, "holidays.calendar"), "unknown calendar %q; the only calendar is se (Swedish public holidays)", h.Calendar)
		}
		s.Holidays = &schedule.Holidays{Calendar: h.Calendar, Closed: h.Closed}
	}

	for j, nd := range r.NamedDays {
		q := index(join(p, "named_days"), j)
		n := schedule.NamedDay{Day: nd.Day, On: nd.On, Name: name(nd.Name, nd.NameEN), Closed: nd.Closed}
		switch {
		case b.failed(q, "day", "on"):
		case nd.Day != "" && nd.On != "":
			b.add(q, "give either day or on, not both")
		case nd.Day != "":
			if _, ok := schedule.CatalogueName(nd.Day); !ok {
				b.add(join(q, "day"), "unknown named day %q%s", nd.Day, suggest(nd.Day, schedule.CatalogueIDs()))
			}
		case nd.On != "":
			if err := schedule.ValidRule(nd.On); err != nil {
				b.add(join(q, "on"), "%v", err)
			}
		default:
			b.add(q, "give day (a day of the catalogue) or on (a rule such as \"04-30\" or \"easter-3\")")
		}
		n.Hours = b.hoursOrClosed(q, nd.Hours, nd.Closed)
		s.NamedDays = append(s.NamedDays, n)
	}

	for j, rp := range r.Periods {
		q := index(join(p, "periods"), j)
		per := schedule.Period{Name: name(rp.Name, rp.NameEN)}
		from, okFrom := b.yearDate(join(q, "from"), rp.From)
		to, okTo := b.yearDate(join(q, "to"), rp.To)
		if okFrom && okTo {
			switch {
			case from.IsYearly() != to.IsYearly():
				b.add(q, "from %s and to %s must both be dated (YYYY-MM-DD) or both yearly (MM-DD)", rp.From, rp.To)
			case !from.IsYearly() && from.In(0).After(to.In(0)):
				b.add(q, "from %s is after to %s", rp.From, rp.To)
			}
		}
		per.From, per.To = from, to
		if rp.Weekly == nil {
			b.add(join(q, "weekly"), "missing: give the period's week (weekly: {} if the place is closed all through it)")
		}
		per.Weekly = b.week(join(q, "weekly"), rp.Weekly)
		s.Periods = append(s.Periods, per)
	}

	for j, re := range r.Exceptions {
		q := index(join(p, "exceptions"), j)
		e := schedule.Exception{Name: name(re.Name, re.NameEN), Closed: re.Closed}
		switch {
		case b.failed(q, "date", "from", "to"):
		case re.Date != "" && (re.From != "" || re.To != ""):
			b.add(q, "give either date or from and to, not both")
		case re.Date != "":
			e.From, _ = b.date(join(q, "date"), re.Date)
			e.To = e.From
		case re.From != "" || re.To != "":
			var okFrom, okTo bool
			e.From, okFrom = b.date(join(q, "from"), re.From)
			e.To, okTo = b.date(join(q, "to"), re.To)
			if okFrom && okTo && e.From.After(e.To) {
				b.add(q, "from %s is after to %s", re.From, re.To)
			}
		default:
			b.add(q, "give date, or from and to")
		}
		e.Hours = b.hoursOrClosed(q, re.Hours, re.Closed)
		s.Exceptions = append(s.Exceptions, e)
	}
	return s
}

// name is a rule's name; the Swedish one stands for English too unless an
// English one is given.
func name(sv, en string) schedule.Name {
	if en == "" {
		en = sv
	}
	return schedule.Name{SV: sv, EN: en}
}

func (b *builder) date(path, s string) (schedule.Date, bool) {
	return parseAt(b, path, s, "a date YYYY-MM-DD", schedule.ParseDate)
}

func (b *builder) yearDate(path, s string) (schedule.YearDate, bool) {
	return parseAt(b, path, s, "a date YYYY-MM-DD, or MM-DD for every year", schedule.ParseYearDate)
}

// parseAt parses the required value s at path, reporting it as missing
// (with what to give) or as the parser's error.
func parseAt[T any](b *builder, path, s, what string, parse func(string) (T, error)) (T, bool) {
	var zero T
	if s == "" {
		b.add(path, "missing: give %s", what)
		return zero, false
	}
	v, err := parse(s)
	if err != nil {
		b.add(path, "%v", err)
		return zero, false
	}
	return v, true
}

// hoursOrClosed checks that a rule says either its hours or closed: true.
func (b *builder) hoursOrClosed(path string, hours []string, closed bool) schedule.Hours {
	switch {
	case b.failed(path, "hours", "closed"):
	case closed && len(hours) > 0:
		b.add(path, "give either hours or closed: true, not both")
	case !closed && len(hours) == 0:
		b.add(path, "give hours, or closed: true")
	}
	return b.hours(join(path, "hours"), hours)
}

// hours parses a list of intervals, each problem at its index.
func (b *builder) hours(path string, ss []string) schedule.Hours {
	ok := true
	for i, s := range ss {
		if _, err := schedule.ParseInterval(s); err != nil {
			b.add(index(path, i), "%v", err)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	h, err := schedule.ParseHours(ss)
	if err != nil {
		b.add(path, "%v", err)
	}
	return h
}

// week parses weekly hours: keys a day or a range of days, each day given
// once.
func (b *builder) week(path string, m map[string]hoursList) schedule.Week {
	var w schedule.Week
	var givenBy [7]string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		q := join(path, k)
		days, err := schedule.ParseWeekdays(k)
		if err != nil {
			b.add(q, "%v", err)
			continue
		}
		h := b.hours(q, m[k])
		for _, wd := range days {
			if by := givenBy[wd]; by != "" {
				b.add(q, "%s is given twice, by %s and by %s", schedule.WeekdayKey(wd), by, k)
				continue
			}
			givenBy[wd] = k
			w[wd] = h
		}
	}
	return w
}
