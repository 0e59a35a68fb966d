package source

import (
	"errors"
	"strings"
	"testing"
)

// ldPage wraps JSON-LD in a page the way sites serve it, with another
// script and a second, unrelated JSON-LD block beside it.
func ldPage(ld string) string {
	return `<!DOCTYPE html><html><head><title>Apoteket Lärkan</title>
<script>var hours = {"opens":"06:00","closes":"23:00"};</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":"Lärkan","url":"https://example.se/"}</script>
<script type="application/ld+json; charset=utf-8">` + ld + `</script>
</head><body><p>Välkommen!</p></body></html>`
}

func TestJSONLD(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		want   []string // rendered rules, as in the goldens
		weekly string   // "" when none
		warn   []string // warning messages
		noList bool
	}{
		{
			name: "regular week and a closed special",
			body: ldPage(`{"@context":"https://schema.org","@type":"Pharmacy","name":"Apoteket Lärkan",
 "openingHoursSpecification":[
  {"@type":"OpeningHoursSpecification","dayOfWeek":["Monday","Tuesday","Wednesday","Thursday","Friday"],"opens":"08:00","closes":"19:00"},
  {"@type":"OpeningHoursSpecification","dayOfWeek":"Saturday","opens":"10:00","closes":"15:00"}],
 "specialOpeningHoursSpecification":[
  {"@type":"OpeningHoursSpecification","validFrom":"2025-12-24","validThrough":"2025-12-24","opens":"00:00","closes":"00:00"}]}`),
			want:   []string{`exception 2025-12-24 closed "Julafton"`},
			weekly: "mon-fri 08:00-19:00; sat 10:00-15:00",
		},
		{
			name: "special without opens is closed; seconds and zones in times",
			body: ldPage(`{"@type":"Library","specialOpeningHoursSpecification":[
  {"@type":"OpeningHoursSpecification","validFrom":"2026-04-03","validThrough":"2026-04-03"},
  {"@type":"OpeningHoursSpecification","validFrom":"2026-04-02T00:00:00+02:00","validThrough":"2026-04-02T23:59:59+02:00","opens":"10:00:00","closes":"15:00:00+02:00"}]}`),
			want: []string{`exception 2026-04-03 closed "Långfredagen"`, `exception 2026-04-02 10:00-15:00 "Skärtorsdagen"`},
		},
		{
			name: "two intervals on one day make one exception",
			body: ldPage(`{"@type":"MedicalClinic","specialOpeningHoursSpecification":[
  {"validFrom":"2025-04-30","validThrough":"2025-04-30","opens":"08:00","closes":"12:00"},
  {"validFrom":"2025-04-30","validThrough":"2025-04-30","opens":"13:00","closes":"15:00"}]}`),
			want: []string{`exception 2025-04-30 08:00-12:00, 13:00-15:00 "Valborgsmässoafton"`},
		},
		{
			name: "a season with dayOfWeek is a dated period",
			body: ldPage(`{"@type":"GovernmentOffice","name":"Kundcenter","specialOpeningHoursSpecification":{
  "@type":"OpeningHoursSpecification","name":"Sommaröppettider","dayOfWeek":["https://schema.org/Monday","https://schema.org/Tuesday","https://schema.org/Wednesday","https://schema.org/Thursday","https://schema.org/Friday"],
  "opens":"08:00","closes":"15:00","validFrom":"2025-06-30","validThrough":"2025-08-24"}}`),
			want: []string{`period 2025-06-30..2025-08-24 mon-fri 08:00-15:00 "Sommaröppettider"/"Sommaröppettider"`},
		},
		{
			name: "a closed run without dayOfWeek is one exception",
			body: ldPage(`{"@type":"Store","specialOpeningHoursSpecification":[{"validFrom":"2025-07-07","validThrough":"2025-08-03","opens":"00:00","closes":"00:00","name":"Semesterstängt"}]}`),
			want: []string{`exception 2025-07-07..2025-08-03 closed "Semesterstängt"`},
		},
		{
			name: "@graph with a department nested in an organisation",
			body: ldPage(`{"@context":"https://schema.org","@graph":[
  {"@type":"Organization","name":"Kommunen","department":[{"@type":"GovernmentOffice","name":"Kontaktcenter",
    "openingHoursSpecification":[{"dayOfWeek":["Monday","Tuesday","Wednesday","Thursday"],"opens":"08:00","closes":"16:30"},{"dayOfWeek":"Friday","opens":"08:00","closes":"15:00"}],
    "specialOpeningHoursSpecification":[{"validFrom":"2025-06-20","validThrough":"2025-06-20","opens":"00:00","closes":"00:00"},{"validFrom":"2025-06-19","validThrough":"2025-06-19","opens":"08:00","closes":"12:00"}]}]}]}`),
			want:   []string{`exception 2025-06-20 closed "Midsommarafton"`, `exception 2025-06-19 08:00-12:00`},
			weekly: "mon-thu 08:00-16:30; fri 08:00-15:00",
		},
		{
			name: "a top-level array; closes 23:59 is midnight",
			body: ldPage(`[{"@type":"ConvenienceStore","openingHoursSpecification":{"dayOfWeek":["Monday","Tuesday","Wednesday","Thursday","Friday","Saturday","Sunday"],"opens":"07:00","closes":"23:59"}},
  {"@type":"ConvenienceStore","specialOpeningHoursSpecification":{"validFrom":"2025-12-31","validThrough":"2025-12-31","opens":"07:00","closes":"18:00"}}]`),
			want:   []string{`exception 2025-12-31 07:00-18:00 "Nyårsafton"`},
			weekly: "mon-sun 07:00-24:00",
		},
		{
			name: "a bare JSON-LD document",
			body: `{"@type":"Library","specialOpeningHoursSpecification":{"validFrom":"2025-01-06","validThrough":"2025-01-06"}}`,
			want: []string{`exception 2025-01-06 closed "Trettondedag jul"`},
		},
		{
			name:   "bad dates and times are warnings",
			body:   ldPage(`{"@type":"Store","specialOpeningHoursSpecification":[{"validFrom":"2025-02-30","opens":"00:00","closes":"00:00"},{"validFrom":"2025-03-01","validThrough":"2025-03-01","opens":"25:00","closes":"26:00"}]}`),
			warn:   []string{`validFrom: date "2025-02-30": February 2025 has no day 30`, `opens: "25:00" is not a time`},
			noList: true,
		},
		{
			name:   "broken JSON is a warning, not a failure of the page",
			body:   ldPage(`{"@type":"Store", "openingHoursSpecification": [`),
			warn:   []string{"not JSON: unexpected EOF"},
			noList: true,
		},
		{
			name:   "no JSON-LD at all",
			body:   `<html><body><p>Öppet 8–16</p></body></html>`,
			noList: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Read(FormatJSONLD, []byte(tt.body))
			if tt.noList {
				if !errors.Is(err, ErrNoList) {
					t.Fatalf("Read = %v, want ErrNoList", err)
				}
			} else if err != nil {
				t.Fatalf("Read: %v", err)
			}
			checkReading(t, r, tt.want, tt.weekly, tt.warn)
		})
	}
}

// checkReading compares a reading's rules, week and warning messages with
// what a test wants, rule by rule in the order the source gives them.
func checkReading(t *testing.T, r *Reading, want []string, weekly string, warn []string) {
	t.Helper()
	var got []string
	gotWeekly := ""
	var gotWarn []string
	if r != nil {
		for _, line := range strings.Split(render(r, nil), "\n") {
			if strings.HasPrefix(line, "exception ") || strings.HasPrefix(line, "period ") {
				got = append(got, line)
			}
		}
		if r.Weekly != nil {
			gotWeekly = r.Weekly.String()
		}
		for _, w := range r.Warnings {
			gotWarn = append(gotWarn, w.Message)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if gotWeekly != weekly {
		t.Errorf("weekly = %q, want %q", gotWeekly, weekly)
	}
	if strings.Join(gotWarn, "\n") != strings.Join(warn, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(gotWarn, "\n"), strings.Join(warn, "\n"))
	}
}
