package notifier

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/schedule"
)

// sameDayCases are the golden messages of a check that announces changes on
// its own date (remind 0): "i dag" / "today" where "i morgon" / "tomorrow"
// would stand the evening before (testdata/sameday-<name>.<lang>.golden).
// Most are render_test.go's cases read on the day of their change.
var sameDayCases = append(onTheDay("day-shortened", "period-start", "period-end", "correction", "cancellation"),
	[]renderCase{
		// The exception of the issue: hoursd check --at 2027-05-05T07:00.
		{"day-closed", "2027-05-05", []Item{
			{Status: StatusNew, Change: day("kundcenter", "2027-05-05", schedule.Name{SV: "Stängt", EN: "Closed"}, nil, full)},
		}},
		{"period-cancellation", "2025-08-25", []Item{
			{Status: StatusCancellation, Change: schedule.Change{Schedule: "kundcenter", Date: date("2025-08-25"),
				Kind: schedule.KindPeriodEnd, Name: sommar, Weekly: regular, RegularWeekly: summerW}},
		}},
		// remind [1, 0]: today's change and tomorrow's in one message.
		{"today-and-tomorrow", "2026-04-30", []Item{
			{Status: StatusNew, Change: day("kundcenter", "2026-05-01", forstaMaj, nil, full)},
			{Status: StatusNew, Change: day("kundcenter", "2026-04-30", valborg, short, full)},
		}},
	}...)

// onTheDay is the named render cases, each with one item, as a check on the
// item's own date renders them.
func onTheDay(names ...string) []renderCase {
	out := make([]renderCase, 0, len(names))
	for _, tc := range renderCases {
		if slices.Contains(names, tc.name) {
			tc.today = tc.items[0].Change.Date.String()
			out = append(out, tc)
		}
	}
	if len(out) != len(names) {
		panic("notifier: a same-day case names no render case")
	}
	return out
}

func TestRenderSameDayGolden(t *testing.T) { testGolden(t, "sameday-", sameDayCases) }

// compareGolden compares a rendered message with testdata/<name>.golden,
// which -update rewrites (to be reviewed before it is committed).
func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./notifier -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("Render(%s) =\n%s\nwant (%s)\n%s", name, got, path, want)
	}
}

// TestRenderSameDayPhrases pins the same-day phrases, so that a golden
// refresh cannot silently lose them.
func TestRenderSameDayPhrases(t *testing.T) {
	tests := []struct {
		name, lang, tc string
		want           []string
		not            []string
	}{
		{"shortened sv", "sv", "day-shortened", []string{
			"Ändrade öppettider i dag: Försäkringskassan kundcenter",
			"I dag, torsdag 30 april (Valborgsmässoafton): öppet 08:00–11:30 i stället för 08:00–16:00.",
		}, []string{"i morgon"}},
		{"shortened en", "en", "day-shortened", []string{
			"Changed hours today: Försäkringskassan kundcenter",
			"Today, Thursday 30 April (Walpurgis Night): open 08:00–11:30 instead of 08:00–16:00.",
		}, []string{"tomorrow"}},
		{"closed en", "en", "day-closed", []string{"Today, Wednesday 5 May (Closed): closed (usually open 08:00–16:00)."}, nil},
		{"period start sv", "sv", "period-start", []string{
			"Ändrade öppettider från och med i dag:",
			"Sommaröppettider från och med i dag, måndag 30 juni, till och med söndag 24 augusti: mån–fre 08:00–15:00",
		}, nil},
		{"period end en", "en", "period-end", []string{"The usual hours apply again from today, Monday 25 August: Mon–Fri 08:00–16:00."}, nil},
		{"correction sv", "sv", "correction", []string{"Rättade öppettider i dag:", "Ändrat: i dag, torsdag 30 april", "öppet 08:00–12:00", "(tidigare meddelat: 08:00–11:30)"}, nil},
		{"correction en", "en", "correction", []string{"Corrected hours today:", "Changed: today, Thursday 30 April"}, nil},
		{"period cancellation en", "en", "period-cancellation", []string{
			"Summer hours continue: the usual hours do not return today, Monday 25 August, as announced earlier.",
		}, []string{"on today"}},
		{"period cancellation sv", "sv", "period-cancellation", []string{
			"Sommaröppettider fortsätter: de vanliga öppettiderna kommer inte tillbaka i dag, måndag 25 augusti, som tidigare meddelat.",
		}, nil},
		{"today and tomorrow sv", "sv", "today-and-tomorrow", []string{
			"Ändrade öppettider: Försäkringskassan kundcenter",
			"I dag, torsdag 30 april (Valborgsmässoafton)",
			"I morgon, fredag 1 maj (Första maj): stängt",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []Item
			var today string
			for _, c := range sameDayCases {
				if c.name == tt.tc {
					items, today = c.items, c.today
				}
			}
			msg, err := Render(Request{Language: tt.lang, Today: date(today), Places: places, Items: items}, nil)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			all := msg.Subject + "\n" + msg.Body
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("Render(sameday-%s) does not say %q; it says:\n%s", tt.tc, w, all)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(strings.ToLower(all), w) {
					t.Errorf("Render(sameday-%s) says %q; it says:\n%s", tt.tc, w, all)
				}
			}
		})
	}
}
