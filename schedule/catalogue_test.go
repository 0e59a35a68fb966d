package schedule

import (
	"testing"
	"time"
)

// gregorianEaster is Easter Sunday of year by the anonymous Gregorian
// algorithm (Meeus/Jones/Butcher), written out here so that the catalogue,
// which takes Easter from rickar/cal, is checked against a computation it
// does not share.
func gregorianEaster(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{year, time.Month(month), day}
}

// plusDays moves d by n days through time.Date in UTC, independent of
// Date.AddDays.
func plusDays(d Date, n int) Date {
	y, m, dd := time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC).Date()
	return Date{y, m, dd}
}

// weekdayFrom is the first wd on or after month/day of year.
func weekdayFrom(year int, month time.Month, day int, wd time.Weekday) Date {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	for t.Weekday() != wd {
		t = t.AddDate(0, 0, 1)
	}
	y, m, d := t.Date() // the month may have rolled over (31 October)
	return Date{y, m, d}
}

// TestCatalogueDates checks every day of the catalogue in every year from
// 1900 to 2200 against the rules of the Swedish almanac, computed here.
func TestCatalogueDates(t *testing.T) {
	fixed := func(m time.Month, d int) func(int) Date {
		return func(y int) Date { return Date{y, m, d} }
	}
	easter := func(n int) func(int) Date {
		return func(y int) Date { return plusDays(gregorianEaster(y), n) }
	}
	rules := map[string]func(int) Date{
		"nyarsdagen":                  fixed(time.January, 1),
		"trettondagsafton":            fixed(time.January, 5),
		"trettondedag-jul":            fixed(time.January, 6),
		"skartorsdagen":               easter(-3),
		"langfredagen":                easter(-2),
		"paskafton":                   easter(-1),
		"paskdagen":                   easter(0),
		"annandag-pask":               easter(1),
		"valborgsmassoafton":          fixed(time.April, 30),
		"forsta-maj":                  fixed(time.May, 1),
		"dag-fore-kristi-himmelsfard": easter(38),
		"kristi-himmelsfardsdag":      easter(39),
		"pingstafton":                 easter(48),
		"pingstdagen":                 easter(49),
		"nationaldagen":               fixed(time.June, 6),
		// The Friday from 19 to 25 June, the Saturday from 20 to 26 June.
		"midsommarafton":   func(y int) Date { return weekdayFrom(y, time.June, 19, time.Friday) },
		"midsommardagen":   func(y int) Date { return weekdayFrom(y, time.June, 20, time.Saturday) },
		"alla-helgons-dag": func(y int) Date { return weekdayFrom(y, time.October, 31, time.Saturday) },
		// The Friday before Alla helgons dag.
		"alla-helgons-afton": func(y int) Date {
			return plusDays(weekdayFrom(y, time.October, 31, time.Saturday), -1)
		},
		"julafton":     fixed(time.December, 24),
		"juldagen":     fixed(time.December, 25),
		"annandag-jul": fixed(time.December, 26),
		"nyarsafton":   fixed(time.December, 31),
	}
	if got, want := len(CatalogueIDs()), len(rules); got != want {
		t.Errorf("the catalogue has %d days, this test knows %d", got, want)
	}
	// Spot checks of the reference itself, from the almanac.
	for _, c := range []struct {
		year int
		want Date
	}{
		{1900, Date{1900, 4, 15}}, {1943, Date{1943, 4, 25}}, {2000, Date{2000, 4, 23}},
		{2025, Date{2025, 4, 20}}, {2026, Date{2026, 4, 5}}, {2027, Date{2027, 3, 28}},
		{2038, Date{2038, 4, 25}}, {2200, Date{2200, 4, 6}},
	} {
		if got := gregorianEaster(c.year); got != c.want {
			t.Fatalf("reference Easter %d = %v, want %v", c.year, got, c.want)
		}
	}
	for _, id := range CatalogueIDs() {
		rule, ok := rules[id]
		if !ok {
			t.Errorf("catalogue day %q has no rule in this test", id)
			continue
		}
		for y := 1900; y <= 2200; y++ {
			want := rule(y)
			got, ok := CatalogueDate(id, y)
			if !ok || got != want {
				t.Errorf("CatalogueDate(%s, %d) = %v, %v; want %v (%v)", id, y, got, ok, want, want.Weekday())
			}
		}
	}
	// The weekday rules, stated once more as the almanac states them.
	for y := 1900; y <= 2200; y++ {
		checkWeekdayIn(t, "midsommarafton", y, time.Friday, Date{y, 6, 19}, Date{y, 6, 25})
		checkWeekdayIn(t, "midsommardagen", y, time.Saturday, Date{y, 6, 20}, Date{y, 6, 26})
		checkWeekdayIn(t, "alla-helgons-dag", y, time.Saturday, Date{y, 10, 31}, Date{y, 11, 6})
		checkWeekdayIn(t, "alla-helgons-afton", y, time.Friday, Date{y, 10, 30}, Date{y, 11, 5})
		checkWeekdayIn(t, "skartorsdagen", y, time.Thursday, Date{y, 3, 19}, Date{y, 4, 22})
		checkWeekdayIn(t, "kristi-himmelsfardsdag", y, time.Thursday, Date{y, 4, 30}, Date{y, 6, 3})
		checkWeekdayIn(t, "dag-fore-kristi-himmelsfard", y, time.Wednesday, Date{y, 4, 29}, Date{y, 6, 2})
		checkWeekdayIn(t, "pingstdagen", y, time.Sunday, Date{y, 5, 10}, Date{y, 6, 13})
	}
}

// checkWeekdayIn fails unless the catalogue day id falls on wd between first
// and last (inclusive) in year.
func checkWeekdayIn(t *testing.T, id string, year int, wd time.Weekday, first, last Date) {
	t.Helper()
	d, ok := CatalogueDate(id, year)
	if !ok || d.Weekday() != wd || d.Before(first) || d.After(last) {
		t.Errorf("CatalogueDate(%s, %d) = %v (%v), %v; want a %v from %v to %v", id, year, d, d.Weekday(), ok, wd, first, last)
	}
}
