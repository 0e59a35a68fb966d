package notifier

import (
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// A custom template can tell a same-day item from tomorrow's by .Today and
// .Tomorrow.
func TestTemplateItemToday(t *testing.T) {
	tmpl, err := ParseTemplates("", `{{range .Groups}}{{range .Items}}{{.ISODate}} today={{.Today}} tomorrow={{.Tomorrow}};{{end}}{{end}}`)
	if err != nil {
		t.Fatalf("ParseTemplates: %v", err)
	}
	today := schedule.Date{Year: 2026, Month: time.April, Day: 30}
	short := schedule.Hours{{Open: 8 * 60, Close: 11*60 + 30}}
	day := schedule.Hours{{Open: 8 * 60, Close: 16 * 60}}
	msg, err := Render(Request{Language: "en", Today: today, Subscriber: "anna",
		Places: map[string]Place{"k": {ID: "k", Title: "K"}},
		Items: []Item{
			{Status: StatusNew, Change: schedule.Change{Schedule: "k", Date: today, Kind: schedule.KindDay, Hours: short, Regular: day}},
			{Status: StatusNew, Change: schedule.Change{Schedule: "k", Date: today.AddDays(1), Kind: schedule.KindDay, Regular: day}},
		}}, tmpl)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	want := "2026-04-30 today=true tomorrow=false;2026-05-01 today=false tomorrow=true;"
	if got := strings.TrimSpace(msg.Body); got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}
