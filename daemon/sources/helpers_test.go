package sources

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hoursd/hoursd/config"
	"github.com/hoursd/hoursd/schedule"
	"github.com/hoursd/hoursd/schedule/source"
)

// lineRead reads the small line format the tests of this package serve,
// so that they test fetching and keeping, whatever the page readers of
// schedule/source do:
//
//	x 2026-04-30 2026-04-30 08:00-11:30 Valborgsmässoafton   (an exception; "closed" for closed)
//	p 2026-06-29 2026-08-16 08:00-15:00 Sommaröppettider     (a period, Monday to Friday)
//	w 08:00-16:00                                             (the regular week, Monday to Friday)
//	! text                                                    (a warning)
//
// A body without a rule is source.ErrNoList.
func lineRead(format string, body []byte, _ source.Options) (*source.Reading, error) {
	r := &source.Reading{}
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "!":
			r.Warnings = append(r.Warnings, source.Warning{Text: strings.Join(f[1:], " "), Message: "not read"})
		case f[0] == "w" && len(f) == 2:
			w := weekdays(f[1])
			r.Weekly = &w
		case (f[0] == "x" || f[0] == "p") && len(f) >= 4:
			from, err1 := schedule.ParseDate(f[1])
			to, err2 := schedule.ParseDate(f[2])
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("bad line %q", line)
			}
			name := schedule.Name{SV: strings.Join(f[4:], " "), EN: strings.Join(f[4:], " ")}
			if f[0] == "x" {
				x := schedule.Exception{From: from, To: to, Name: name, Closed: f[3] == "closed"}
				if !x.Closed {
					x.Hours, _ = schedule.ParseHours([]string{f[3]})
				}
				r.Exceptions = append(r.Exceptions, x)
				r.Items = append(r.Items, source.Item{Text: line})
				continue
			}
			r.Periods = append(r.Periods, schedule.Period{Name: name,
				From: schedule.YearDate(from), To: schedule.YearDate(to), Weekly: weekdays(f[3])})
		}
	}
	if len(r.Exceptions) == 0 && len(r.Periods) == 0 && r.Weekly == nil {
		return r, source.ErrNoList
	}
	return r, nil
}

// weekdays is a week open Monday to Friday with hours iv.
func weekdays(iv string) schedule.Week {
	h, _ := schedule.ParseHours([]string{iv})
	var w schedule.Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = h
	}
	return w
}

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testConfig is a configuration with one schedule, kundcenter, open
// Monday to Friday 08:00-16:00, whose source is url, with the exceptions
// given in the configuration itself.
func testConfig(t *testing.T, url string, exceptions ...schedule.Exception) *config.Config {
	t.Helper()
	s := &schedule.Schedule{ID: "kundcenter", Weekly: weekdays("08:00-16:00"), Exceptions: exceptions}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return &config.Config{
		Timezone: "Europe/Stockholm", Location: stockholm, StateDir: t.TempDir(),
		Schedules: []*schedule.Schedule{s},
		Sources:   []config.Source{{Schedule: "kundcenter", URL: url, Format: "page", Refresh: config.DefaultRefresh}},
	}
}

func date(t *testing.T, s string) schedule.Date {
	t.Helper()
	d, err := schedule.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func sourceOptions() source.Options { return source.Options{Location: stockholm} }
