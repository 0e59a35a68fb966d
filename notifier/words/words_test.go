package words

import (
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

func hours(t *testing.T, ss ...string) schedule.Hours {
	t.Helper()
	h, err := schedule.ParseHours(ss)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func date(t *testing.T, s string) schedule.Date {
	t.Helper()
	d, err := schedule.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHours(t *testing.T) {
	tests := []struct {
		name  string
		lang  *Language
		hours []string
		want  string
	}{
		{"closed sv", Swedish, nil, "stängt"},
		{"closed en", English, nil, "closed"},
		{"one opening", Swedish, []string{"08:00-11:30"}, "08:00–11:30"},
		{"two openings sv", Swedish, []string{"08:00-11:30", "13:00-16:00"}, "08:00–11:30 och 13:00–16:00"},
		{"two openings en", English, []string{"08:00-11:30", "13:00-16:00"}, "08:00–11:30 and 13:00–16:00"},
		{"three openings", Swedish, []string{"08:00-09:00", "10:00-11:00", "13:00-14:00"},
			"08:00–09:00, 10:00–11:00 och 13:00–14:00"},
		{"past midnight", English, []string{"22:00-02:00"}, "22:00–02:00"},
		{"until midnight", Swedish, []string{"18:00-24:00"}, "18:00–24:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := hours(t, tt.hours...)
			if got := tt.lang.Hours(h); got != tt.want {
				t.Errorf("%s.Hours(%s) = %q, want %q", tt.lang.Code(), h, got, tt.want)
			}
		})
	}
}

func TestWeek(t *testing.T) {
	office := hours(t, "08:00-16:00")
	short := hours(t, "08:00-15:00")
	sat := hours(t, "10:00-14:00")
	split := hours(t, "08:00-09:00", "10:00-11:00", "13:00-14:00")
	tests := []struct {
		name string
		lang *Language
		week schedule.Week
		want string
	}{
		{"weekdays sv", Swedish, schedule.Week{time.Monday: office, time.Tuesday: office, time.Wednesday: office,
			time.Thursday: office, time.Friday: office}, "mån–fre 08:00–16:00"},
		{"weekdays en", English, schedule.Week{time.Monday: office, time.Tuesday: office, time.Wednesday: office,
			time.Thursday: office, time.Friday: office}, "Mon–Fri 08:00–16:00"},
		{"thursday run ends", Swedish, schedule.Week{time.Monday: office, time.Tuesday: office, time.Wednesday: office,
			time.Thursday: office, time.Friday: short}, "mån–tors 08:00–16:00; fre 08:00–15:00"},
		{"closed day between", English, schedule.Week{time.Monday: office, time.Wednesday: office, time.Saturday: sat},
			"Mon 08:00–16:00; Wed 08:00–16:00; Sat 10:00–14:00"},
		{"sunday last", Swedish, schedule.Week{time.Saturday: sat, time.Sunday: sat}, "lör–sön 10:00–14:00"},
		{"openings with commas", Swedish, schedule.Week{time.Monday: split, time.Tuesday: office},
			"mån 08:00–09:00, 10:00–11:00 och 13:00–14:00; tis 08:00–16:00"},
		{"every day", English, schedule.Week{office, office, office, office, office, office, office}, "Mon–Sun 08:00–16:00"},
		{"closed all week sv", Swedish, schedule.Week{}, "stängt alla dagar"},
		{"closed all week en", English, schedule.Week{}, "closed every day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.lang.Week(tt.week); got != tt.want {
				t.Errorf("%s.Week(%s) = %q, want %q", tt.lang.Code(), tt.week, got, tt.want)
			}
		})
	}
}

func TestWeekAgainst(t *testing.T) {
	office := hours(t, "08:00-16:00")
	short := hours(t, "08:00-15:00")
	sat := hours(t, "10:00-14:00")
	monFri := func(h schedule.Hours) schedule.Week {
		return schedule.Week{time.Monday: h, time.Tuesday: h, time.Wednesday: h, time.Thursday: h, time.Friday: h}
	}
	withSat := monFri(office)
	withSat[time.Saturday] = sat
	midweek := monFri(short)
	midweek[time.Wednesday] = nil
	tests := []struct {
		name        string
		lang        *Language
		week, usual schedule.Week
		want        string
	}{
		{"saturday closed for the season sv", Swedish, monFri(short), withSat, "mån–fre 08:00–15:00; lör–sön stängt"},
		{"saturday closed for the season en", English, monFri(short), withSat, "Mon–Fri 08:00–15:00; Sat–Sun closed"},
		{"a weekday closed", Swedish, midweek, monFri(office),
			"mån–tis 08:00–15:00; ons stängt; tors–fre 08:00–15:00; lör–sön stängt"},
		{"nothing usually open is closed", Swedish, monFri(short), monFri(office), "mån–fre 08:00–15:00"},
		{"a day opened, none closed", English, withSat, monFri(office), "Mon–Fri 08:00–16:00; Sat 10:00–14:00"},
		{"closed all week", Swedish, schedule.Week{}, monFri(office), "stängt alla dagar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.lang.WeekAgainst(tt.week, tt.usual); got != tt.want {
				t.Errorf("%s.WeekAgainst(%s, %s) = %q, want %q", tt.lang.Code(), tt.week, tt.usual, got, tt.want)
			}
		})
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		name        string
		lang        *Language
		date, today string
		want        string
		wantShort   string
	}{
		{"thursday sv", Swedish, "2026-04-30", "2026-04-29", "torsdag 30 april", "tors 30 april 2026"},
		{"thursday en", English, "2026-04-30", "2026-04-29", "Thursday 30 April", "Thu 30 April 2026"},
		{"next year sv", Swedish, "2027-01-06", "2026-12-30", "onsdag 6 januari 2027", "ons 6 januari 2027"},
		{"sunday en", English, "2026-12-27", "2026-12-26", "Sunday 27 December", "Sun 27 December 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, today := date(t, tt.date), date(t, tt.today)
			if got := tt.lang.Date(d, today); got != tt.want {
				t.Errorf("%s.Date(%s, %s) = %q, want %q", tt.lang.Code(), d, today, got, tt.want)
			}
			if got := tt.lang.ShortDate(d); got != tt.wantShort {
				t.Errorf("%s.ShortDate(%s) = %q, want %q", tt.lang.Code(), d, got, tt.wantShort)
			}
		})
	}
}

func TestMonths(t *testing.T) {
	for _, l := range []*Language{Swedish, English} {
		for m := time.January; m <= time.December; m++ {
			if got, full := l.ShortMonth(m), l.Month(m); len(got) != 3 || !equalFold3(got, full) {
				t.Errorf("%s.ShortMonth(%s) = %q, want the first three letters of %q", l.Code(), m, got, full)
			}
		}
	}
}

func equalFold3(short, full string) bool { return len(full) >= 3 && short == full[:3] }

func TestName(t *testing.T) {
	tests := []struct {
		name string
		lang *Language
		n    schedule.Name
		want string
	}{
		{"both sv", Swedish, schedule.Name{SV: "Valborgsmässoafton", EN: "Walpurgis Night"}, "Valborgsmässoafton"},
		{"both en", English, schedule.Name{SV: "Valborgsmässoafton", EN: "Walpurgis Night"}, "Walpurgis Night"},
		{"only sv, en asked", English, schedule.Name{SV: "Inventering"}, "Inventering"},
		{"only en, sv asked", Swedish, schedule.Name{EN: "Stocktaking"}, "Stocktaking"},
		{"none", Swedish, schedule.Name{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.lang.Name(tt.n); got != tt.want {
				t.Errorf("%s.Name(%+v) = %q, want %q", tt.lang.Code(), tt.n, got, tt.want)
			}
		})
	}
}

func TestOf(t *testing.T) {
	tests := []struct {
		code    string
		want    *Language
		wantErr bool
	}{
		{"", Swedish, false},
		{"sv", Swedish, false},
		{"en", English, false},
		{"de", nil, true},
		{"SV", nil, true},
	}
	for _, tt := range tests {
		t.Run("code "+tt.code, func(t *testing.T) {
			got, err := Of(tt.code)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Of(%q) = %v, %v; want %v, error %v", tt.code, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestCapitalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"i morgon", "I morgon"},
		{"öppet 08:00–11:30", "Öppet 08:00–11:30"},
		{"tors 30 april 2026", "Tors 30 april 2026"},
		{"\xff", "\xff"},
	}
	for _, tt := range tests {
		if got := Capitalize(tt.in); got != tt.want {
			t.Errorf("Capitalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
