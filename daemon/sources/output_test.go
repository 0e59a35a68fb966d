package sources

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// keptByEarlierHoursd is a kept file as hoursd wrote it before the commands
// printed ReadingJSON: empty keys left out, instants in UTC. It must still
// load, and print in the shape of docs/json.md.
const keptByEarlierHoursd = `{
  "schedule": "kundcenter",
  "url": "https://www.forsakringskassan.se/ring-kundcenter",
  "format": "page",
  "fetched_at": "2026-12-05T03:06:47Z",
  "checked_at": "2026-12-05T03:06:47Z",
  "exceptions": [
    {"from": "2026-12-24", "to": "2026-12-24", "name": "Julafton", "closed": true},
    {"from": "2026-12-30", "to": "2026-12-30", "hours": [{"open": "08:00", "close": "12:00"}], "closed": false}
  ],
  "periods": [
    {"from": "2027-06-28", "to": "2027-08-22", "week": {"mon-fri": [{"open": "08:00", "close": "15:00"}]}}
  ],
  "warnings": null,
  "last_attempt": "2026-12-05T03:06:47Z",
  "failures": 0
}
`

// TestReadingJSON: a kept reading prints with every key, "" for an absent
// string, null for an absent instant or week, a whole week per period, and
// instants in the configuration's zone.
func TestReadingJSON(t *testing.T) {
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(dir+"/"+Subdir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(Path(dir, "kundcenter"), []byte(keptByEarlierHoursd), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := Load(dir, "kundcenter")
	if err != nil || k == nil {
		t.Fatalf("Load(a file of an earlier hoursd) = %v, %v; want it loaded", k, err)
	}
	b, err := json.Marshal(k.JSON(stockholm))
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		`"fetched_at":"2026-12-05T04:06:47+01:00"`,
		`"checked_at":"2026-12-05T04:06:47+01:00"`,
		`"last_attempt":"2026-12-05T04:06:47+01:00"`,
		`"etag":""`,
		`"last_modified":""`,
		`{"from":"2026-12-24","to":"2026-12-24","name":"Julafton","name_en":"","hours":[],"closed":true,"text":""}`,
		`{"from":"2026-12-30","to":"2026-12-30","name":"","name_en":"","hours":[{"open":"08:00","close":"12:00"}],"closed":false,"text":""}`,
		`"week":{"fri":[{"open":"08:00","close":"15:00"}],"mon":[{"open":"08:00","close":"15:00"}],"sat":[],"sun":[],` +
			`"thu":[{"open":"08:00","close":"15:00"}],"tue":[{"open":"08:00","close":"15:00"}],"wed":[{"open":"08:00","close":"15:00"}]}`,
		`"weekly":null`,
		`"warnings":[]`,
		`"last_error":""`,
		`"held_back":false`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Kept.JSON(Europe/Stockholm) lacks %s\ngot %s", want, got)
		}
	}

	never := (&Kept{Schedule: "kundcenter", URL: "https://example.se", Format: "page"}).JSON(stockholm)
	b, _ = json.Marshal(never)
	for _, want := range []string{`"fetched_at":null`, `"checked_at":null`, `"last_attempt":null`, `"exceptions":[]`, `"periods":[]`, `"weekly":null`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("Kept.JSON of a source never read lacks %s\ngot %s", want, b)
		}
	}
}

// TestKeptFileFormat: the file in the state directory keeps its format
// (empty keys left out, instants as taken), whatever the commands print.
func TestKeptFileFormat(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 12, 5, 3, 6, 47, 0, time.UTC)
	k := &Kept{Schedule: "kundcenter", URL: "https://example.se", Format: "page", FetchedAt: at, CheckedAt: at, LastAttempt: at,
		Exceptions: []Exception{{From: "2026-12-24", To: "2026-12-24", Closed: true}}}
	if err := Save(dir, k); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(Path(dir, "kundcenter"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       bool
	}{
		{"an instant as taken", `"fetched_at": "2026-12-05T03:06:47Z"`, true},
		{"no etag when there is none", `"etag"`, false},
		{"no name when there is none", `"name"`, false},
		{"no weekly when none is stated", `"weekly"`, false},
		{"no last_error when none failed", `"last_error"`, false},
	}
	for _, tt := range tests {
		if got := strings.Contains(string(b), tt.text); got != tt.want {
			t.Errorf("%s: kept file holds %s = %v, want %v\n%s", tt.name, tt.text, got, tt.want, b)
		}
	}
}
