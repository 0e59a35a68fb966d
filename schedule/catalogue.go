package schedule

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/se"
)

// catalogueDay is one day of the Swedish catalogue: its id, its names, and
// how to find it in a year. Public holidays and the days rickar/cal knows are
// computed by rickar/cal; the eves it lacks are the day before a day it knows.
type catalogueDay struct {
	id     string
	name   Name
	rule   *cal.Holiday
	offset int  // days after rule's date: -1 for an eve
	public bool // a Swedish public holiday (allmän helgdag), closed by `holidays: {calendar: se, closed: true}`
}

// catalogue lists the days in calendar order. Public holidays are exactly the
// days rickar/cal/v2/se marks cal.ObservancePublic: Midsommarafton, Julafton
// and Nyårsafton are ordinary working days in Swedish law (rickar marks them
// ObservanceOther), so closing them takes a named day. Påskdagen and
// Pingstdagen are public holidays that se.Holidays leaves out of its list
// (they are always Sundays) but that se still defines, so they are here.
var catalogue = []catalogueDay{
	day("nyarsdagen", "Nyårsdagen", "New Year's Day", se.Nyarsdagen, 0),
	day("trettondagsafton", "Trettondagsafton", "Twelfth Night", se.TrettondedagJul, -1),
	day("trettondedag-jul", "Trettondedag jul", "Epiphany", se.TrettondedagJul, 0),
	day("skartorsdagen", "Skärtorsdagen", "Maundy Thursday", aa.MaundyThursday, 0),
	day("langfredagen", "Långfredagen", "Good Friday", se.Langfredagen, 0),
	day("paskafton", "Påskafton", "Holy Saturday", se.Paskdagen, -1),
	day("paskdagen", "Påskdagen", "Easter Sunday", se.Paskdagen, 0),
	day("annandag-pask", "Annandag påsk", "Easter Monday", se.AnnandagPask, 0),
	day("valborgsmassoafton", "Valborgsmässoafton", "Walpurgis Night", se.ForstaMaj, -1),
	day("forsta-maj", "Första maj", "May Day", se.ForstaMaj, 0),
	day("dag-fore-kristi-himmelsfard", "Dag före Kristi himmelsfärdsdag", "Day before Ascension Day", se.KristiHimmelfardsdag, -1),
	day("kristi-himmelsfardsdag", "Kristi himmelsfärdsdag", "Ascension Day", se.KristiHimmelfardsdag, 0),
	day("pingstafton", "Pingstafton", "Whitsun Eve", se.Pingstdagen, -1),
	day("pingstdagen", "Pingstdagen", "Whit Sunday", se.Pingstdagen, 0),
	day("nationaldagen", "Sveriges nationaldag", "National Day of Sweden", se.Nationaldagen, 0),
	day("midsommarafton", "Midsommarafton", "Midsummer Eve", se.Midsommarafton, 0),
	day("midsommardagen", "Midsommardagen", "Midsummer Day", se.Midsommardagen, 0),
	// Alla helgons dag is a Saturday, so the day before it is the Friday
	// before it; Försäkringskassan calls it "Dag före alla helgons dag".
	day("alla-helgons-afton", "Dag före alla helgons dag", "Day before All Saints' Day", se.AllaHelgonsDag, -1),
	day("alla-helgons-dag", "Alla helgons dag", "All Saints' Day", se.AllaHelgonsDag, 0),
	day("julafton", "Julafton", "Christmas Eve", se.Julafton, 0),
	day("juldagen", "Juldagen", "Christmas Day", se.Juldagen, 0),
	day("annandag-jul", "Annandag jul", "Boxing Day", se.AnnandagJul, 0),
	day("nyarsafton", "Nyårsafton", "New Year's Eve", se.Nyarsafton, 0),
}

func day(id, sv, en string, rule *cal.Holiday, offset int) catalogueDay {
	return catalogueDay{
		id:     id,
		name:   Name{SV: sv, EN: en},
		rule:   rule,
		offset: offset,
		public: offset == 0 && rule.Type == cal.ObservancePublic,
	}
}

// in is the day's date in year; ok is false in a year where rickar/cal says
// it does not occur.
func (c *catalogueDay) in(year int) (Date, bool) {
	return calDate(c.rule, year, c.offset)
}

// rickar/cal computes holidays at midnight in cal.DefaultLoc, which is
// time.Local: the host's zone. hoursd's dates must not depend on the host
// (where clocks skip midnight, as in Atlantic/Azores on Easter Sunday 2027 or
// Pacific/Kiritimati on 31 December 1994, "midnight" falls on another date),
// so the library works in UTC, where every date has a midnight. Nothing else
// in hoursd uses rickar/cal.
func init() { cal.DefaultLoc = time.UTC }

// calDate is the date of a rickar/cal holiday in year, moved by offset days.
// rickar returns midnight in cal.DefaultLoc; only the calendar date is kept.
// Whether the holiday is observed that year is asked of its fields rather
// than of Calc's zero time, which is also 1 January of year 1 in UTC.
func calDate(h *cal.Holiday, year, offset int) (Date, bool) {
	if (h.StartYear > 0 && year < h.StartYear) || (h.EndYear > 0 && year > h.EndYear) ||
		slices.Contains(h.Except, year) || h.Func == nil {
		return Date{}, false
	}
	// With cal.DefaultLoc at UTC (init above) Calc's midnight is exact and
	// noon changes nothing. Noon keeps the date right should cal.DefaultLoc
	// be set to a zone whose clocks skip midnight by an hour after init (the
	// zone tests do): there that midnight comes out as 23:00 the day before
	// or 01:00 the day itself (Atlantic/Azores on Easter Sunday 2027). It
	// cannot save a date the zone skips whole (Pacific/Kiritimati,
	// 31 December 1994); only UTC does that.
	t, _ := h.Calc(year)
	d := DateOf(t.Add(12 * time.Hour))
	if offset != 0 {
		d = d.AddDays(offset)
	}
	return d, true
}

// catalogueIndex finds a catalogue id; -1 when unknown.
func catalogueIndex(id string) int {
	for i := range catalogue {
		if catalogue[i].id == id {
			return i
		}
	}
	return -1
}

// CatalogueName is the Swedish and English name of a catalogue day id; ok is
// false for an unknown id.
func CatalogueName(id string) (n Name, ok bool) {
	i := catalogueIndex(id)
	if i < 0 {
		return Name{}, false
	}
	return catalogue[i].name, true
}

// CatalogueIDs lists the catalogue's day ids in calendar order.
func CatalogueIDs() []string {
	ids := make([]string, len(catalogue))
	for i := range catalogue {
		ids[i] = catalogue[i].id
	}
	return ids
}

// CatalogueDate is the date of a catalogue day in year; ok is false for an
// unknown id.
func CatalogueDate(id string, year int) (d Date, ok bool) {
	i := catalogueIndex(id)
	if i < 0 {
		return Date{}, false
	}
	return catalogue[i].in(year)
}

// rule is a parsed `on:` rule: a fixed month and day, or a number of days
// from Easter Sunday.
type rule struct {
	easter bool
	offset int // from Easter Sunday
	month  time.Month
	day    int
}

// maxEasterOffset bounds easter±N to a year either side, which every real
// rule fits in and which keeps the arithmetic from overflowing.
const maxEasterOffset = 366

// parseRule parses "MM-DD", "easter", "easter+N" or "easter-N".
func parseRule(on string) (rule, error) {
	if rest, ok := strings.CutPrefix(on, "easter"); ok {
		if rest == "" {
			return rule{easter: true}, nil
		}
		if rest[0] != '+' && rest[0] != '-' {
			return rule{}, fmt.Errorf("rule %q is not MM-DD, easter, easter+N or easter-N", on)
		}
		digits := rest[1:]
		n, err := strconv.Atoi(digits)
		if err != nil || digits == "" || digits[0] < '0' || digits[0] > '9' || n > maxEasterOffset {
			return rule{}, fmt.Errorf("rule %q: %q is not a number of days from 0 to %d", on, digits, maxEasterOffset)
		}
		if rest[0] == '-' {
			n = -n
		}
		return rule{easter: true, offset: n}, nil
	}
	yd, err := ParseYearDate(on)
	if err != nil || !yd.IsYearly() {
		return rule{}, fmt.Errorf("rule %q is not MM-DD, easter, easter+N or easter-N", on)
	}
	return rule{month: yd.Month, day: yd.Day}, nil
}

// ValidRule reports whether an `on:` rule ("04-30", "easter-3") is well
// formed, and if not, what is wrong with it.
func ValidRule(on string) error {
	_, err := parseRule(on)
	return err
}

// in is the rule's date in year; a rule of 02-29 has none in common years.
// An easter rule belongs to the year of its Easter, so easter+300 may fall
// in the next calendar year (and is found there via year-1).
func (r rule) in(year int) (Date, bool) {
	if r.easter {
		return calDate(aa.Easter, year, r.offset)
	}
	if r.day > daysIn(year, r.month) {
		return Date{}, false
	}
	return Date{year, r.month, r.day}, true
}
