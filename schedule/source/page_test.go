package source

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoursd/hoursd/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (check every changed line by eye)")

// wordingCase is one case of testdata/wordings.txt.
type wordingCase struct {
	name  string
	opts  Options
	input string
}

func readWordings(t *testing.T, path string) []wordingCase {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []wordingCase
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "#") && len(cases) == 0:
		case strings.HasPrefix(l, "== "):
			c := wordingCase{name: strings.TrimPrefix(l, "== ")}
			if name, opt, ok := strings.Cut(c.name, " | "); ok {
				c.name = name
				d, err := schedule.ParseDate(strings.TrimPrefix(opt, "today="))
				if err != nil {
					t.Fatalf("case %q: %v", name, err)
				}
				c.opts.Today = d
			}
			cases = append(cases, c)
		case len(cases) > 0:
			cases[len(cases)-1].input += l + "\n"
		}
	}
	return cases
}

// render writes a reading the way the golden file holds it: one rule per
// line with the words it came from, then the week and the warnings.
func render(r *Reading, err error) string {
	var b strings.Builder
	if r != nil {
		for _, it := range r.Items {
			switch {
			case it.Exception != nil:
				e := it.Exception
				span := e.From.String()
				if e.To != e.From {
					span += ".." + e.To.String()
				}
				fmt.Fprintf(&b, "exception %s %s", span, exceptionHours(*e))
				if e.Name.SV != "" {
					fmt.Fprintf(&b, " %q", e.Name.SV)
				}
			case it.Period != nil:
				p := it.Period
				fmt.Fprintf(&b, "period %s..%s %s", p.From, p.To, p.Weekly)
				if p.Name.SV != "" {
					fmt.Fprintf(&b, " %q/%q", p.Name.SV, p.Name.EN)
				}
			}
			fmt.Fprintf(&b, "\n    ← %s\n", it.Text)
		}
		if r.Weekly != nil {
			fmt.Fprintf(&b, "weekly %s\n", r.Weekly)
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "warning %s\n    ← %s\n", w.Message, w.Text)
		}
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

// TestPageWordings reads every case of testdata/wordings.txt and compares
// the reading with testdata/wordings.golden, which was checked by eye
// against the words of each case. Run with -update after a change to the
// reader and read the diff before committing it.
func TestPageWordings(t *testing.T) {
	cases := readWordings(t, filepath.Join("testdata", "wordings.txt"))
	if len(cases) < 40 {
		t.Fatalf("%d cases, want at least 40", len(cases))
	}
	var out bytes.Buffer
	for _, c := range cases {
		r, err := ReadWith(FormatPage, []byte(c.input), c.opts)
		if err != nil && !errors.Is(err, ErrNoList) {
			t.Errorf("%s: error %v, want a reading or ErrNoList", c.name, err)
		}
		fmt.Fprintf(&out, "== %s\n%s\n", c.name, render(r, err))
	}
	golden := filepath.Join("testdata", "wordings.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update and check the file by eye)", err)
	}
	if got := out.String(); got != string(want) {
		gotCases := strings.Split(got, "\n== ")
		wantCases := strings.Split(string(want), "\n== ")
		for i := range max(len(gotCases), len(wantCases)) {
			var g, w string
			if i < len(gotCases) {
				g = gotCases[i]
			}
			if i < len(wantCases) {
				w = wantCases[i]
			}
			if g != w {
				t.Errorf("reading differs from %s:\n--- got\n%s\n--- want\n%s", golden, g, w)
			}
		}
	}
}
