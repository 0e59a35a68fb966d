package notifier

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Fixtures: Försäkringskassan's customer centre as in the seed.
var (
	kundcenter = Place{ID: "kundcenter", Title: "Försäkringskassan kundcenter", Phone: "0771-524 524",
		URL: "https://www.forsakringskassan.se/"}
	pension = Place{ID: "pension", Title: "Pensionsmyndigheten", Phone: "0771-776 776"}
	places  = map[string]Place{"kundcenter": kundcenter, "pension": pension}

	full    = hrs("08:00-16:00")
	short   = hrs("08:00-11:30")
	summer  = hrs("08:00-15:00")
	regular = weekdays(full)
	summerW = weekdays(summer)
)

func date(s string) schedule.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return schedule.DateOf(t)
}

func hrs(ss ...string) schedule.Hours {
	var h schedule.Hours
	for _, s := range ss {
		var a, b, c, d int
		if _, err := fmt.Sscanf(s, "%d:%d-%d:%d", &a, &b, &c, &d); err != nil {
			panic(err)
		}
		h = append(h, schedule.Interval{Open: schedule.Clock(a*60 + b), Close: schedule.Clock(c*60 + d)})
	}
	return h
}

func weekdays(h schedule.Hours) schedule.Week {
	var w schedule.Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		w[wd] = h
	}
	return w
}

func day(sched, d string, name schedule.Name, h, reg schedule.Hours) schedule.Change {
	return schedule.Change{Schedule: sched, Date: date(d), Kind: schedule.KindDay, Name: name, Hours: h, Regular: reg}
}

var (
	// The days' names are the catalogue's, so the golden files read as the
	// messages hoursd sends; a period's name is the configuration's.
	valborg   = catalogueName("valborgsmassoafton")
	forstaMaj = catalogueName("forsta-maj")
	sommar    = schedule.Name{SV: "Sommaröppettider", EN: "Summer hours"}
	julafton  = catalogueName("julafton")
)

func catalogueName(id string) schedule.Name {
	n, ok := schedule.CatalogueName(id)
	if !ok {
		panic("no day " + id + " in the catalogue")
	}
	return n
}

// renderCase is one golden message: a check on today announcing items.
type renderCase struct {
	name  string
	today string
	items []Item
}

// renderCases are the golden messages: every kind of item, each in Swedish
// and English (testdata/<name>.<lang>.golden).
var renderCases = []renderCase{
	{"day-shortened", "2026-04-29", []Item{
		{Status: StatusNew, Change: day("kundcenter", "2026-04-30", valborg, short, full)},
	}},
	{"day-closed", "2026-04-23", []Item{
		{Status: StatusNew, Change: day("kundcenter", "2026-05-01", forstaMaj, nil, full)},
	}},
	{"period-start", "2025-06-29", []Item{
		{Status: StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: date("2025-06-30"),
			Kind: schedule.KindPeriodStart, Name: sommar, Hours: summer, Regular: full,
			Until: date("2025-08-24"), Weekly: summerW, RegularWeekly: regular}},
	}},
	{"period-end", "2025-08-18", []Item{
		{Status: StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: date("2025-08-25"),
			Kind: schedule.KindPeriodEnd, Name: sommar, Hours: full, Regular: full,
			Weekly: regular, RegularWeekly: summerW}},
	}},
	{"correction", "2026-04-29", []Item{
		{Status: StatusCorrection, Change: day("kundcenter", "2026-04-30", valborg, hrs("08:00-12:00"), full),
			Previous: &schedule.Change{Kind: schedule.KindDay, Hours: short}},
	}},
	{"cancellation", "2026-04-29", []Item{
		{Status: StatusCancellation, Change: day("kundcenter", "2026-04-30", valborg, full, full),
			Previous: &schedule.Change{Kind: schedule.KindDay, Hours: short}},
	}},
	{"period-cancellation", "2025-06-20", []Item{
		{Status: StatusCancellation, Change: schedule.Change{Schedule: "kundcenter", Date: date("2025-06-30"),
			Kind: schedule.KindPeriodStart, Name: sommar, Until: date("2025-08-24"), Weekly: summerW, RegularWeekly: regular}},
		{Status: StatusCancellation, Change: schedule.Change{Schedule: "kundcenter", Date: date("2025-08-25"),
			Kind: schedule.KindPeriodEnd, Name: sommar, Weekly: regular, RegularWeekly: summerW}},
	}},
	{"corrections-closed", "2026-12-26", []Item{
		// An opening on a usually closed Sunday, called off.
		{Status: StatusCancellation, Change: day("kundcenter", "2026-12-27", schedule.Name{}, nil, nil),
			Previous: &schedule.Change{Kind: schedule.KindDay, Hours: hrs("10:00-14:00")}},
		// A shortened day that is now closed: one pair of parentheses.
		{Status: StatusCorrection, Change: day("kundcenter", "2026-12-30", schedule.Name{}, nil, full),
			Previous: &schedule.Change{Kind: schedule.KindDay, Hours: hrs("08:00-12:00")}},
		{Status: StatusNew, Change: schedule.Change{Schedule: "pension", Date: date("2026-12-27"),
			Kind: schedule.KindPeriodEnd, Name: schedule.Name{SV: "Julöppettider", EN: "Christmas hours"},
			Weekly: regular, RegularWeekly: weekdays(short)}},
	}},
	{"mixed", "2026-12-23", []Item{
		// Deliberately out of order: Render sorts.
		{Status: StatusNew, Change: day("pension", "2026-12-31", catalogueName("nyarsafton"), nil, full)},
		{Status: StatusNew, Change: day("kundcenter", "2027-01-06", catalogueName("trettondedag-jul"), nil, full)},
		{Status: StatusNew, Change: day("kundcenter", "2026-12-24", julafton, nil, full)},
		{Status: StatusNew, Change: day("pension", "2026-12-24", julafton, nil, full)},
		{Status: StatusNew, Change: day("kundcenter", "2026-12-27", schedule.Name{}, hrs("10:00-14:00"), nil)},
		{Status: StatusCorrection, Change: day("kundcenter", "2026-12-30", schedule.Name{}, hrs("08:00-12:00", "13:00-15:00"), full),
			Previous: &schedule.Change{Kind: schedule.KindDay, Hours: nil}},
	}},
	// A season that closes a day usually open names the days it closes:
	// leaving Saturday out would read as "Saturdays as usual".
	{"period-start-closes-days", "2025-06-29", []Item{
		{Status: StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: date("2025-06-30"),
			Kind: schedule.KindPeriodStart, Name: sommar, Hours: summer, Regular: full,
			Until: date("2025-08-24"), Weekly: summerW, RegularWeekly: withSaturday(regular, hrs("10:00-14:00"))}},
	}},
	// The usual hours that return close the Saturdays the season opened.
	{"period-end-closes-days", "2025-08-18", []Item{
		{Status: StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: date("2025-08-25"),
			Kind: schedule.KindPeriodEnd, Name: sommar, Hours: full, Regular: full,
			Weekly: regular, RegularWeekly: withSaturday(summerW, hrs("10:00-13:00"))}},
	}},
}

// withSaturday is w open on Saturdays with h.
func withSaturday(w schedule.Week, h schedule.Hours) schedule.Week {
	w[time.Saturday] = h
	return w
}

func TestRenderGolden(t *testing.T) { testGolden(t, "", renderCases) }

// testGolden renders every case in both languages and compares each with
// testdata/<prefix><name>.<lang>.golden.
func testGolden(t *testing.T, prefix string, cases []renderCase) {
	for _, tc := range cases {
		for _, lang := range []string{"sv", "en"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				req := Request{Language: lang, Today: date(tc.today), Subscriber: "anna", Places: places, Items: tc.items}
				msg, err := Render(req, nil)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				compareGolden(t, prefix+tc.name+"."+lang, "Subject: "+msg.Subject+"\n\n"+msg.Body)
			})
		}
	}
}

// TestRenderPhrases pins the phrases the issue asks for, so that a golden
// refresh cannot silently lose them.
func TestRenderPhrases(t *testing.T) {
	tests := []struct {
		name, lang string
		item       int // index into renderCases
		want       []string
	}{
		{"shortened sv", "sv", 0, []string{"I morgon, torsdag 30 april (Valborgsmässoafton): öppet 08:00–11:30 i stället för 08:00–16:00.", "Ändrade öppettider i morgon: Försäkringskassan kundcenter", "tel. 0771-524 524"}},
		{"shortened en", "en", 0, []string{"Tomorrow, Thursday 30 April (Walpurgis Night): open 08:00–11:30 instead of 08:00–16:00.", "Changed hours tomorrow: Försäkringskassan kundcenter"}},
		{"closed sv", "sv", 1, []string{"Fredag 1 maj (Första maj): stängt (vanligtvis öppet 08:00–16:00)."}},
		{"closed en", "en", 1, []string{"Friday 1 May (May Day): closed (usually open 08:00–16:00)."}},
		{"period start sv", "sv", 2, []string{"Sommaröppettider från och med i morgon, måndag 30 juni, till och med söndag 24 augusti: mån–fre 08:00–15:00 (vanligtvis mån–fre 08:00–16:00).", "Ändrade öppettider från och med i morgon:"}},
		{"period start en", "en", 2, []string{"Summer hours from tomorrow, Monday 30 June, until Sunday 24 August: Mon–Fri 08:00–15:00 (usually Mon–Fri 08:00–16:00).", "Changed hours from tomorrow:"}},
		{"period end sv", "sv", 3, []string{"De vanliga öppettiderna gäller igen från och med måndag 25 augusti: mån–fre 08:00–16:00."}},
		{"correction sv", "sv", 4, []string{"Ändrat: i morgon", "(tidigare meddelat: 08:00–11:30)", "Rättade öppettider"}},
		{"cancellation sv", "sv", 5, []string{"vanliga öppettiderna gäller ändå, 08:00–16:00 (inte 08:00–11:30 som tidigare meddelat)."}},
		{"cancellation en", "en", 5, []string{"the usual hours apply after all, 08:00–16:00 (not 08:00–11:30 as announced earlier)."}},
		{"period cancellation sv", "sv", 6, []string{"Sommaröppettider från och med måndag 30 juni blir inte av; de vanliga öppettiderna gäller ändå: mån–fre 08:00–16:00."}},
		{"cancelled opening sv", "sv", 7, []string{"I morgon, söndag 27 december: stängt ändå, som vanligt (inte öppet 10:00–14:00 som tidigare meddelat)."}},
		{"cancelled opening en", "en", 7, []string{"Tomorrow, Sunday 27 December: closed after all, as usual (not open 10:00–14:00 as announced earlier)."}},
		{"one pair of parentheses sv", "sv", 7, []string{"Ändrat: onsdag 30 december: stängt (vanligtvis öppet 08:00–16:00; tidigare meddelat: 08:00–12:00)."}},
		{"period end tomorrow sv", "sv", 7, []string{"De vanliga öppettiderna gäller igen från och med i morgon, söndag 27 december: mån–fre 08:00–16:00."}},
		{"period end tomorrow en", "en", 7, []string{"The usual hours apply again from tomorrow, Sunday 27 December: Mon–Fri 08:00–16:00."}},
		{"year shown sv", "sv", 8, []string{"dag 6 januari 2027", "08:00–12:00 och 13:00–15:00", "öppet 10:00–14:00 (vanligtvis stängt)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := renderCases[tt.item]
			msg, err := Render(Request{Language: tt.lang, Today: date(tc.today), Places: places, Items: tc.items}, nil)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			all := msg.Subject + "\n" + msg.Body
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("Render(%s) does not say %q; it says:\n%s", tc.name, w, all)
				}
			}
		})
	}
}

func TestRenderMixedOrder(t *testing.T) {
	tc := renderCases[8]
	msg, err := Render(Request{Language: "sv", Today: date(tc.today), Places: places, Items: tc.items}, nil)
	if err != nil {
		t.Fatal(err)
	}
	order := []string{"Försäkringskassan kundcenter, tel.", "24 december", "27 december",
		"30 december", "6 januari 2027", "Pensionsmyndigheten, tel.", "24 december", "31 december"}
	rest := msg.Body
	for _, w := range order {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("body does not have %q in order after the previous parts:\n%s", w, msg.Body)
		}
		rest = rest[i+len(w):]
	}
	if want := "Ändrade öppettider: Försäkringskassan kundcenter, Pensionsmyndigheten"; msg.Subject != want {
		t.Errorf("Subject = %q, want %q", msg.Subject, want)
	}
}

func TestRenderErrors(t *testing.T) {
	item := renderCases[0].items
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"no items", Request{Language: "sv", Subscriber: "anna"}, "render message for anna: no changes to announce"},
		{"unknown language", Request{Language: "de", Subscriber: "anna", Items: item}, `render message for anna: unknown language "de" (want sv or en)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(tt.req, nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Render() error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestTemplates(t *testing.T) {
	tc := renderCases[0]
	req := Request{Language: "en", Today: date(tc.today), Subscriber: "team", Places: places, Items: tc.items}
	tests := []struct {
		name, subject, body   string
		wantSubject, wantBody string
	}{
		{"built-in kept when empty", "", "", "Changed hours tomorrow: Försäkringskassan kundcenter", ""},
		{"fields", "[hoursd] {{.Subject}}",
			"{{range .Groups}}{{.Place.Title}}:{{range .Items}} {{.Date}} {{.Hours}} (not {{.Regular}}){{if .Tomorrow}} tomorrow{{end}}{{end}}{{end}}",
			"[hoursd] Changed hours tomorrow: Försäkringskassan kundcenter",
			"Försäkringskassan kundcenter: Thursday 30 April 08:00–11:30 (not 08:00–16:00) tomorrow"},
		{"docs/channels.md example", "[hoursd] {{.Subject}}",
			"{{range .Groups}}{{.Heading}}\n{{range .Items}}- {{.Date}}: {{.Hours}}{{if not .IsClosed}} (usually {{.Regular}}){{end}}\n{{end}}{{end}}",
			"[hoursd] Changed hours tomorrow: Försäkringskassan kundcenter",
			"Försäkringskassan kundcenter, phone 0771-524 524\n- Thursday 30 April: 08:00–11:30 (usually 08:00–16:00)\n"},
		{"helpers", "{{.FormatDate .Tomorrow}}\n  again", "{{range .Request.Items}}{{$.FormatHours .Change.Hours}}{{end}}",
			"Thursday 30 April again", "08:00–11:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := ParseTemplates(tt.subject, tt.body)
			if err != nil {
				t.Fatalf("ParseTemplates: %v", err)
			}
			msg, err := Render(req, tmpl)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if msg.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", msg.Subject, tt.wantSubject)
			}
			if tt.wantBody != "" && msg.Body != tt.wantBody {
				t.Errorf("Body = %q, want %q", msg.Body, tt.wantBody)
			}
		})
	}
}

func TestParseTemplatesErrors(t *testing.T) {
	tests := []struct {
		name, subject, body, want string
	}{
		{"syntax", "{{.Subject", "", "parse subject template: "},
		{"unknown field", "", "{{.Titel}}", "check body template: "},
		{"unknown function", "", "{{upper .Body}}", "parse body template: "},
		// Templates whose running time does not follow from the message are
		// refused at load instead of stalling validate or a check.
		{"range over a number", "", "{{range 300000000}}{{end}}", "parse body template: {{range 300000000}}: range only over"},
		{"range over a bare variable", "", "{{$n := 300000000}}{{range $n}}x{{end}}", "parse body template: {{range $n}}: range only over"},
		{"nested range over a number", "", "{{range .Groups}}{{range 1000000}}{{end}}{{end}}", "parse body template: {{range 1000000}}"},
		{"define", "", `{{define "a"}}x{{end}}{{template "a"}}`, "parse body template: {{define}} and {{block}} are not supported"},
		{"template call", "{{template \"subject\"}}", "", "parse subject template: {{template \"subject\"}} is not supported"},
		{"output too long", "", `{{printf "%070000d" 0}}`, "check body template: the template writes more than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTemplates(tt.subject, tt.body)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ParseTemplates(%q, %q) error = %v, want one starting %q", tt.subject, tt.body, err, tt.want)
			}
		})
	}
}

func TestParseTemplatesAllowsRangesOverTheMessage(t *testing.T) {
	for _, body := range []string{
		`{{range .Groups}}{{.Place.Title}}{{range .Items}}{{.Date}}{{end}}{{end}}`,
		`{{range $i, $g := .Groups}}{{range $g.Items}}{{.Date}}{{end}}{{end}}`,
		`{{range slice .Groups 0 1}}{{.Place.Title}}{{end}}`,
		`{{range .Groups}}{{range $.Groups}}x{{end}}{{end}}`,
	} {
		if _, err := ParseTemplates("", body); err != nil {
			t.Errorf("ParseTemplates(%q) = %v, want it accepted", body, err)
		}
	}
}

func TestRenderTemplateExecutionError(t *testing.T) {
	// A template that passed its trial can still fail on real data, here by
	// indexing past the end; Render must return that, not panic.
	tmpl, err := ParseTemplates("", `{{if gt (len .Groups) 1}}{{index .Groups 5}}{{end}}`)
	if err != nil {
		t.Fatalf("ParseTemplates: %v", err)
	}
	tc := renderCases[8]
	_, err = Render(Request{Language: "sv", Today: date(tc.today), Subscriber: "anna", Places: places, Items: tc.items}, tmpl)
	if err == nil || !strings.HasPrefix(err.Error(), "render body template for anna: ") {
		t.Errorf("Render() error = %v, want a body template error", err)
	}
}

func TestTestMessage(t *testing.T) {
	msg, err := TestMessage("en", "anna", "mail")
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != "hoursd test message" || !strings.Contains(msg.Body, "to anna via mail") {
		t.Errorf("TestMessage = %+v, want subject %q and a body naming anna and mail", msg, "hoursd test message")
	}
	sv, err := TestMessage("sv", "anna", "mail")
	if err != nil {
		t.Fatal(err)
	}
	if sv.Subject != "Testmeddelande från hoursd" || !strings.Contains(sv.Body, "till anna via mail") {
		t.Errorf("TestMessage(sv) = %+v, want subject %q and a body naming anna and mail", sv, "Testmeddelande från hoursd")
	}
}
