package source

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestReadersPure checks design.md's promise for schedule/source: readers
// are pure, bytes in and rules out. They import nothing that reaches the
// network, the file system or the process, never read the clock and start
// no goroutines; the daemon fetches and keeps readings. (time.LoadLocation
// is the one lookup they make, of the zone database the configuration's
// time zone comes from too, and only for a feed's TZID that differs from
// Options.Location.)
func TestReadersPure(t *testing.T) {
	impure := []string{
		"bufio", "embed", "io/fs", "io/ioutil", "log", "log/slog", "math/rand", "math/rand/v2",
		"net", "net/http", "net/url", "os", "os/exec", "os/signal", "path/filepath", "runtime", "syscall", "unsafe",
	}
	clock := []string{"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parsing %s: %v", name, err)
		}
		checked++
		timeName := ""
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if slices.Contains(impure, path) {
				t.Errorf("%s imports %s: readers do no I/O", fset.Position(imp.Pos()), path)
			}
			if path == "time" {
				timeName = "time"
				if imp.Name != nil {
					timeName = imp.Name.Name
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				t.Errorf("%s: a go statement: readers start no goroutines", fset.Position(n.Pos()))
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && timeName != "" && id.Name == timeName && slices.Contains(clock, n.Sel.Name) {
					t.Errorf("%s: time.%s: readers never read the clock", fset.Position(n.Pos()), n.Sel.Name)
				}
			}
			return true
		})
	}
	if checked < 5 {
		t.Fatalf("%d source files checked, want the readers' files", checked)
	}
}
