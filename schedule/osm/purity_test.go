package osm

import (
	goparser "go/parser"
	gotoken "go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestPure checks design.md's promise for schedule/osm as schedule's own
// purity test does for schedule: bytes in, rules out, no I/O and no clock.
// The command line passes the date `hoursd osm` starts from.
func TestPure(t *testing.T) {
	allowed := []string{"fmt", "slices", "strconv", "strings", "time", "unicode", "unicode/utf8", "github.com/hoursd/hoursd/schedule"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := gotoken.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := goparser.ParseFile(fset, name, nil, goparser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range src.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !slices.Contains(allowed, path) {
				t.Errorf("%s imports %s; schedule/osm may import only %v", fset.Position(imp.Pos()), path, allowed)
			}
		}
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range []string{"time.Now", "time.Since", "time.Until", "time.Sleep", "time.After", "time.Tick", "time.NewTimer", "time.NewTicker", "go func"} {
			if strings.Contains(string(text), fn) {
				t.Errorf("%s uses %s: schedule/osm never reads the clock nor starts goroutines", name, fn)
			}
		}
	}
	if checked < 2 {
		t.Fatalf("checked %d files, want parse.go and format.go at least", checked)
	}
}
