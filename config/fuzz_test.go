package config

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fuzzFormats = []string{"yaml", "toml", "json"}

// FuzzLoad feeds arbitrary bytes to the loader in each format: whatever
// they hold, the result is a configuration or a list of problems, never a
// panic. The seeds are every fixture and example.
func FuzzLoad(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"testdata/good/*", "testdata/bad/*", "../deploy/examples/*"} {
		m, _ := filepath.Glob(pattern)
		seeds = append(seeds, m...)
	}
	for _, name := range seeds {
		if strings.HasSuffix(name, ".want") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		format, err := formatOf(name)
		if err != nil {
			f.Fatal(err)
		}
		for i, fm := range fuzzFormats {
			if fm == format {
				f.Add(uint8(i), data)
			}
		}
	}
	f.Add(uint8(0), defaultConfig)
	f.Add(uint8(0), []byte("schedules: [{id: s, weekly: {mon-fri: [\"08:00-16:00\"]}, named_days: [{on: easter+999999999999999999999, closed: true}]}]"))
	f.Add(uint8(0), []byte("a: &a [*a, *a]\n"))
	f.Add(uint8(1), []byte("[[schedules]]\nid = 1\nweekly = 2\n"))
	f.Add(uint8(2), []byte(`{"subscribers":[{"check":"@every 1h1h1h","remind":[1e300]}]}`))

	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		l := testLoader(map[string]string{}, nil)
		// The input must not make the test read the machine's files.
		l.readFile = func(string) ([]byte, error) { return nil, fs.ErrNotExist }
		cfg, err := l.parse("fuzz", fuzzFormats[int(format)%len(fuzzFormats)], data, "")
		if (cfg == nil) == (err == nil) {
			t.Fatalf("parse = %v, %v: want exactly one of a configuration and an error", cfg, err)
		}
		if err != nil {
			ps := problemsOf(t, err)
			if len(ps) == 0 {
				t.Fatalf("parse: %v without problems", err)
			}
			for _, p := range ps {
				if strings.Contains(p.Message, "hoursd bug") {
					t.Fatalf("parse panicked: %v", p)
				}
			}
			return
		}
		if err := cfg.Show(io.Discard); err != nil {
			t.Fatalf("Show of a loaded configuration: %v", err)
		}
	})
}
