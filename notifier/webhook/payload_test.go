package webhook

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoursd/hoursd/notifier"
	"github.com/hoursd/hoursd/notifier/internal/notifiertest"
	"github.com/hoursd/hoursd/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

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

// TestWebhookPayloadGolden posts rendered messages through notifier.Send,
// as the daemon does, and holds the bodies the receiver got against
// testdata/<name>.golden: the prose, and beside it every item as data,
// grouped by schedule with its title, in the order the text tells them.
func TestWebhookPayloadGolden(t *testing.T) {
	full, short, summer := hours(t, "08:00-16:00"), hours(t, "08:00-11:30"), hours(t, "08:00-15:00")
	var weekdays, summerWeek schedule.Week
	for wd := time.Monday; wd <= time.Friday; wd++ {
		weekdays[wd], summerWeek[wd] = full, summer
	}
	withSat := weekdays
	withSat[time.Saturday] = hours(t, "10:00-14:00")
	places := map[string]notifier.Place{
		"kundcenter": {ID: "kundcenter", Title: "Försäkringskassan kundcenter", Phone: "0771-524 524"},
		"pension":    {ID: "pension", Title: "Pensionsmyndigheten"},
	}
	valborg := schedule.Name{SV: "Valborgsmässoafton", EN: "Walpurgis Night"}
	tests := []struct {
		name  string
		today string
		items []notifier.Item
	}{
		{"day-and-period", "2026-04-29", []notifier.Item{
			// Out of order: the payload lists them as the text does.
			{Status: notifier.StatusNew, Change: schedule.Change{Schedule: "pension", Date: date(t, "2026-05-01"),
				Kind: schedule.KindDay, Name: schedule.Name{SV: "Första maj", EN: "May Day"}, Regular: full}},
			{Status: notifier.StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: date(t, "2026-05-04"),
				Kind: schedule.KindPeriodStart, Name: schedule.Name{SV: "Sommaröppettider", EN: "Summer hours"},
				Hours: summer, Regular: full, Until: date(t, "2026-08-23"), Weekly: summerWeek, RegularWeekly: withSat}},
			{Status: notifier.StatusNew, Change: schedule.Change{Schedule: "kundcenter", Date: date(t, "2026-04-30"),
				Kind: schedule.KindDay, Name: valborg, Hours: short, Regular: full}},
		}},
		{"correction-and-cancellation", "2026-04-29", []notifier.Item{
			{Status: notifier.StatusCorrection, Change: schedule.Change{Schedule: "kundcenter", Date: date(t, "2026-04-30"),
				Kind: schedule.KindDay, Name: valborg, Hours: hours(t, "08:00-12:00"), Regular: full},
				Previous: &schedule.Change{Kind: schedule.KindDay, Hours: short}},
			{Status: notifier.StatusCancellation, Change: schedule.Change{Schedule: "kundcenter", Date: date(t, "2026-05-04"),
				Kind: schedule.KindPeriodEnd, Name: schedule.Name{SV: "Vårtider"}, Hours: full, Regular: full,
				Weekly: weekdays, RegularWeekly: summerWeek}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := notifier.Render(notifier.Request{Language: "sv", Today: date(t, tt.today), Subscriber: "anna",
				Places: places, Items: tt.items}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := postAndRead(t, msg)
			golden := filepath.Join("testdata", tt.name+".golden")
			notifiertest.Golden(t, golden, got, *update)
		})
	}
}

// TestWebhookPayloadWithoutData: a message that carries text alone (a test
// message, or a sender that does not pass the items) is still a whole
// payload, its schedules [] rather than null.
func TestWebhookPayloadWithoutData(t *testing.T) {
	got := postAndRead(t, notifier.Message{Subject: "Testmeddelande från hoursd", Body: "Det här är ett test."})
	var p map[string]any
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatal(err)
	}
	if s, ok := p["schedules"].([]any); !ok || len(s) != 0 || p["version"] != float64(PayloadVersion) || p["text"] != "Testmeddelande från hoursd\n\nDet här är ett test." {
		t.Errorf("payload = %s, want version %d, the text and \"schedules\": []", got, PayloadVersion)
	}
}

// postAndRead delivers msg to a receiver and returns the body it got,
// indented for a golden file.
func postAndRead(t *testing.T, msg notifier.Message) []byte {
	t.Helper()
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	n, err := New(Config{URL: srv.URL + secretPath})
	if err != nil {
		t.Fatal(err)
	}
	if o := notifier.Send(t.Context(), notifier.Target{ID: "anna/hook/0", Sender: n}, msg, notifiertest.InstantPolicy(new([]time.Duration))); !o.Sent {
		t.Fatalf("Send() = %+v, want sent", o)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		t.Fatalf("the receiver got %q, not JSON: %v", body, err)
	}
	out.WriteString("\n")
	return out.Bytes()
}
