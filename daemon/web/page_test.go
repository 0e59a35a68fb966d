package web

import (
	"context"
	"errors"
	"html"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/schedule"
)

// Secrets and addresses the fake state store hands the page; none may reach it.
const (
	annaAddress  = "anna@example.com"
	pushoverUser = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
	webhookURL   = "https://discord.com/api/webhooks/1234567890/abcDEFsecretTOKENxyz0123456789"
)

func fakeStatus(t *testing.T) Status {
	return StatusFunc(func(ctx context.Context) ([]SubscriberStatus, error) {
		if ctx.Err() != nil {
			t.Errorf("Subscribers called with a done context: %v", ctx.Err())
		}
		return []SubscriberStatus{
			{
				ID: "anna", Schedules: []string{"kundcenter"},
				NextCheck: at(t, 2026, time.April, 27, 18, 0),
				LastCheck: at(t, 2026, time.April, 26, 18, 0),
				LastError: "render for " + annaAddress + ": template failed",
				Deliveries: []DeliveryStatus{
					{Channel: "mail", Target: annaAddress, Result: "sent", At: at(t, 2026, time.April, 26, 18, 0)},
					{Channel: "push", Target: pushoverUser, Result: "failed", At: at(t, 2026, time.April, 26, 18, 0),
						Error: "pushover: user key " + pushoverUser + " is invalid"},
				},
			},
			{
				ID: "team", Schedules: []string{"kundcenter"},
				Deliveries: []DeliveryStatus{
					{Channel: "team", Target: webhookURL, Result: "retrying", At: at(t, 2026, time.April, 26, 18, 0),
						Error: `post "` + webhookURL + `": 503 Service Unavailable; mail to ` + annaAddress + ` bounced`},
				},
			},
		}, nil
	})
}

// getPage fetches the status page as of now.
func getPage(t *testing.T, now time.Time, status Status, target string) (int, string) {
	t.Helper()
	h := New(Options{
		Schedules: []*schedule.Schedule{kundcenter(t, eve)},
		Location:  stockholm(t),
		Now:       func() time.Time { return now },
		Status:    status,
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec.Code, rec.Body.String()
}

// The patterns read a day cell whatever the order of its attributes, so
// they work on hoursd's output and on the DOM as chromium serialises it.
var (
	cellPattern  = regexp.MustCompile(`(?s)<td\b([^>]*\bdata-date="[^"]*"[^>]*)>(.*?)</td>`)
	datePattern  = regexp.MustCompile(`\bdata-date="(\d{4}-\d\d-\d\d)"`)
	classPattern = regexp.MustCompile(`\bclass="([^"]*)"`)
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
)

// gridCell is a day of the rendered grid: its classes and its visible text.
type gridCell struct {
	classes []string
	text    string
}

func gridCells(page string) map[string]gridCell {
	out := map[string]gridCell{}
	for _, m := range cellPattern.FindAllStringSubmatch(page, -1) {
		var c gridCell
		if k := classPattern.FindStringSubmatch(m[1]); k != nil {
			c.classes = strings.Fields(k[1])
		}
		c.text = html.UnescapeString(tagPattern.ReplaceAllString(m[2], " "))
		out[datePattern.FindStringSubmatch(m[1])[1]] = c
	}
	return out
}

func (c gridCell) has(class string) bool { return slices.Contains(c.classes, class) }

func TestPageGrid(t *testing.T) {
	tests := []struct {
		name     string
		now      time.Time
		first    string // the grid starts on the Monday of now's week
		date     string
		deviates bool
		period   bool
		text     []string // visible in the cell
	}{
		{"valborg shortened", at(t, 2026, time.April, 29, 9, 0), "2026-04-27", "2026-04-30", true, false, []string{"★", "08:00–11:30", "Valborgsmässoafton"}},
		{"first of may closed", at(t, 2026, time.April, 29, 9, 0), "2026-04-27", "2026-05-01", true, false, []string{"★", "stängt"}},
		{"ascension closed", at(t, 2026, time.April, 29, 9, 0), "2026-04-27", "2026-05-14", true, false, []string{"★", "stängt"}},
		{"midsummer eve closed", at(t, 2026, time.April, 29, 9, 0), "2026-04-27", "2026-06-19", true, false, []string{"★", "stängt", "Midsommarafton"}},
		{"ordinary tuesday", at(t, 2026, time.April, 29, 9, 0), "2026-04-27", "2026-04-28", false, false, []string{"28"}},
		{"whit sunday is no change", at(t, 2026, time.April, 29, 9, 0), "2026-04-27", "2026-05-24", false, false, nil},
		{"national day on a saturday", at(t, 2026, time.April, 29, 9, 0), "2026-04-27", "2026-06-06", false, false, nil},
		{"summer hours begin", at(t, 2026, time.June, 24, 9, 0), "2026-06-22", "2026-06-29", false, true, []string{"◆", "08:00–15:00", "Sommaröppettider"}},
		{"summer hours", at(t, 2026, time.June, 24, 9, 0), "2026-06-22", "2026-07-15", false, true, []string{"◆", "08:00–15:00"}},
		{"sunday in summer", at(t, 2026, time.June, 24, 9, 0), "2026-06-22", "2026-07-19", false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, page := getPage(t, tt.now, nil, "/")
			if code != 200 {
				t.Fatalf("GET / = %d, want 200", code)
			}
			cells := gridCells(page)
			if len(cells) != 56 {
				t.Fatalf("grid has %d days, want 8 weeks of 7", len(cells))
			}
			if _, ok := cells[tt.first]; !ok {
				t.Errorf("grid does not start on %s", tt.first)
			}
			c, ok := cells[tt.date]
			if !ok {
				t.Fatalf("no cell for %s", tt.date)
			}
			if c.has("dev") != tt.deviates {
				t.Errorf("cell %s has classes %v: deviating = %v, want %v", tt.date, c.classes, c.has("dev"), tt.deviates)
			}
			if c.has("period") != tt.period {
				t.Errorf("cell %s has classes %v: in a period = %v, want %v", tt.date, c.classes, c.has("period"), tt.period)
			}
			if !tt.deviates && !tt.period && strings.ContainsAny(c.text, "★◆") {
				t.Errorf("cell %s = %q, a regular day carries no marker", tt.date, c.text)
			}
			for _, s := range tt.text {
				if !strings.Contains(c.text, s) {
					t.Errorf("cell %s = %q, want it to show %q", tt.date, c.text, s)
				}
			}
		})
	}
}

func TestPageTexts(t *testing.T) {
	now := at(t, 2026, time.April, 29, 9, 0)
	tests := []struct {
		name, target string
		want         []string
	}{
		{"swedish", "/", []string{
			`<html lang="sv">`, `name="viewport"`,
			"Försäkringskassan kundcenter", "mån–fre 08:00–16:00",
			`<th scope="col">mån</th>`, `<th scope="col">tors</th>`, `<th scope="col">sön</th>`,
			`href="tel:0771524524"`, "0771-524 524",
			`href="calendar/kundcenter.ics?lang=sv"`,
			"Tors 30 april 2026: öppet 08:00–11:30 (Valborgsmässoafton)",
			"Fre 19 juni 2026: stängt (Midsommarafton)",
		}},
		{"english", "/?lang=en", []string{
			`<html lang="en">`, "Mon–Fri 08:00–16:00", `<th scope="col">Thu</th>`,
			`href="calendar/kundcenter.ics?lang=en"`,
			"Thu 30 April 2026: open 08:00–11:30 (Walpurgis Night)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, page := getPage(t, now, nil, tt.target)
			if code != 200 {
				t.Fatalf("GET %s = %d, want 200", tt.target, code)
			}
			page = html.UnescapeString(page)
			for _, s := range tt.want {
				if !strings.Contains(page, s) {
					t.Errorf("GET %s: page lacks %q", tt.target, s)
				}
			}
			// Past days of this week are not listed as coming deviations.
			if strings.Contains(page, "Mån 27 april") || strings.Contains(page, "<link") || strings.Contains(page, "<script") {
				t.Errorf("GET %s: page lists a past day or loads an external asset", tt.target)
			}
		})
	}
}

func TestPageSubscribers(t *testing.T) {
	code, page := getPage(t, at(t, 2026, time.April, 27, 12, 0), fakeStatus(t), "/")
	if code != 200 {
		t.Fatalf("GET / = %d, want 200", code)
	}
	text := html.UnescapeString(page)
	for _, secret := range []string{annaAddress, pushoverUser, "abcDEFsecretTOKEN", "api/webhooks", "1234567890"} {
		if strings.Contains(text, secret) {
			t.Errorf("page shows %q, which must stay secret", secret)
		}
	}
	for _, want := range []string{
		"a***@example.com", "u***", "https://discord.com/***",
		"Nästa kontroll: mån 27 april 2026 18:00",
		"503 Service Unavailable", "sent", "failed", "retrying",
		"Nästa kontroll: okänd", // team has no next check
		"Senaste kontroll: sön 26 april 2026 18:00 – Fel: render for a***@example.com: template failed",
		"Senaste kontroll: aldrig",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestPageStatusFailure(t *testing.T) {
	failing := StatusFunc(func(context.Context) ([]SubscriberStatus, error) {
		return nil, errors.New("read state: open " + webhookURL + ": timeout")
	})
	code, page := getPage(t, at(t, 2026, time.April, 27, 12, 0), failing, "/")
	if code != 200 {
		t.Fatalf("GET / = %d, want 200: the schedules are worth showing without the state store", code)
	}
	if !strings.Contains(page, "read state: open https://discord.com/***: timeout") {
		t.Errorf("page does not report the state store's failure (scrubbed)")
	}
	if strings.Contains(page, "secretTOKEN") {
		t.Errorf("page shows the webhook token from an error")
	}
	if !strings.Contains(page, `data-date="2026-04-30"`) {
		t.Errorf("page lacks the calendar when the state store fails")
	}
}

func TestPageRequests(t *testing.T) {
	tests := []struct {
		name, target string
		status       int
	}{
		{"page", "/", 200},
		{"english", "/?lang=en", 200},
		{"unknown language", "/?lang=fi", 400},
		{"unknown path", "/nothing", 404},
		{"no metrics configured", "/metrics", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := getPage(t, at(t, 2026, time.April, 27, 12, 0), nil, tt.target); code != tt.status {
				t.Errorf("GET %s = %d, want %d: %s", tt.target, code, tt.status, body)
			}
		})
	}
}

func TestMaskTarget(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"anna@example.com", "a***@example.com"},
		{"Öje@exempel.se", "Ö***@exempel.se"},
		{pushoverUser, "u***"},
		{webhookURL, "https://discord.com/***"},
		{"https://user:pass@ntfy.example.org:8443/topic?auth=x", "https://ntfy.example.org:8443/***"},
		{"https://eo1a2b3c4d5e6f7.m.pipedream.net/hook", "https://***.m.pipedream.net/***"}, // a key in the host name
	}
	for _, tt := range tests {
		if got := maskTarget(tt.in); got != tt.want {
			t.Errorf("maskTarget(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScrubError(t *testing.T) {
	tests := []struct{ in, want string }{
		{"dial tcp 127.0.0.1:587: connection refused", "dial tcp 127.0.0.1:587: connection refused"},
		{`post "` + webhookURL + `": 429`, `post "https://discord.com/***": 429`},
		{"550 no such user anna@example.com", "550 no such user a***@example.com"},
		{"token azGDORePK8gMaC0QOYAMyEEuzJnyUi is invalid", "token *** is invalid"},
	}
	for _, tt := range tests {
		if got := scrubError(tt.in); got != tt.want {
			t.Errorf("scrubError(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPageEscapesContent feeds the page markup through every text that comes
// from the configuration or the state store: it must show as text, never
// become an element, an attribute or a link the page did not mean.
func TestPageEscapesContent(t *testing.T) {
	const attack = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`
	s := kundcenter(t, eve)
	s.Title = "Kundcenter " + attack
	s.Phone = `0771 "><b>bold</b>`
	s.URL = "javascript:alert(3)"
	s.Exceptions = []schedule.Exception{{
		From: schedule.Date{Year: 2026, Month: time.April, Day: 28}, To: schedule.Date{Year: 2026, Month: time.April, Day: 28},
		Name: schedule.Name{SV: "Stängt " + attack}, Closed: true,
	}}
	status := StatusFunc(func(context.Context) ([]SubscriberStatus, error) {
		return []SubscriberStatus{{
			ID: "anna" + attack, Schedules: []string{"kundcenter" + attack}, LastError: "check: " + attack,
			Deliveries: []DeliveryStatus{{Channel: "mail" + attack, Target: attack, Result: "failed" + attack, Error: attack}},
		}}, nil
	})
	h := New(Options{
		Schedules: []*schedule.Schedule{s},
		Location:  stockholm(t),
		Now:       func() time.Time { return at(t, 2026, time.April, 27, 12, 0) },
		Status:    status,
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 {
		t.Fatalf("GET / = %d, want 200: %s", rec.Code, rec.Body)
	}
	page := rec.Body.String()
	for _, bad := range []string{"<script", "<img", "<b>", `href="javascript:`, "onerror=alert(2)>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	text := html.UnescapeString(page)
	for _, want := range []string{
		"Kundcenter " + attack, // the title, as text
		"Stängt " + attack,     // the exception's name in the list
		`0771 "><b>bold</b>`,   // the phone number
		`href="tel:0771"`,      // its link: digits only
		"kundcenter" + attack,  // the subscriber's schedules
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page does not show %q as text", want)
		}
	}
}

// TestPageLastCheck: "last check" is when the check ran, as `hoursd
// status` says it, and a check caught up after downtime also names the
// instant it checked for.
func TestPageLastCheck(t *testing.T) {
	ran := at(t, 2026, time.April, 27, 9, 12)
	tests := []struct {
		name string
		asOf time.Time
		want string
	}{
		{"on time", ran, "Senaste kontroll: mån 27 april 2026 09:12</p>"},
		{"no instant given", time.Time{}, "Senaste kontroll: mån 27 april 2026 09:12</p>"},
		{"caught up", at(t, 2026, time.April, 26, 18, 0), "Senaste kontroll: mån 27 april 2026 09:12 (för läget sön 26 april 2026 18:00)</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := StatusFunc(func(context.Context) ([]SubscriberStatus, error) {
				return []SubscriberStatus{{ID: "anna", Schedules: []string{"kundcenter"}, LastCheck: ran, LastCheckAsOf: tt.asOf}}, nil
			})
			_, page := getPage(t, at(t, 2026, time.April, 27, 12, 0), status, "/")
			if text := html.UnescapeString(page); !strings.Contains(text, tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
		})
	}
}
