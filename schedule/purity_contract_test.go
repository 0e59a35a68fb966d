package schedule

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

// impureImports are standard packages whose use would give schedule I/O,
// randomness or a process-wide side effect.
var impureImports = []string{
	"bufio", "embed", "io", "io/fs", "io/ioutil", "log", "log/slog", "math/rand", "math/rand/v2",
	"net", "net/http", "net/url", "os", "os/exec", "os/signal", "path/filepath", "runtime", "syscall", "unsafe",
}

// clockFuncs are the functions of package time that read the clock or wait.
var clockFuncs = []string{"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"}

// TestSchedulePure checks the promise that schedule and its readers
// (schedule/osm, schedule/source) are pure (README.md, "Repository layout";
// docs/schedule.md, docs/sources.md): no I/O, no time.Now (nor any other
// reading of the clock), no goroutines. Callers pass the date and the bytes;
// the same input always gives the same hours. (The one lookup they make is
// time.LoadLocation, of the zone database the configuration's zone comes
// from too.)
func TestSchedulePure(t *testing.T) {
	for _, dir := range []string{".", "osm", "source"} {
		checkPure(t, dir)
	}
}

func checkPure(t *testing.T, dir string) {
	t.Helper()
	pkg := filepath.Join("schedule", dir)
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
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
			if slices.Contains(impureImports, path) {
				t.Errorf("%s imports %s: %s does no I/O", fset.Position(imp.Pos()), path, pkg)
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
				t.Errorf("%s: a go statement: %s starts no goroutines", fset.Position(n.Pos()), pkg)
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && timeName != "" && id.Name == timeName && slices.Contains(clockFuncs, n.Sel.Name) {
					t.Errorf("%s: time.%s: %s never reads the clock", fset.Position(n.Pos()), n.Sel.Name, pkg)
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatalf("no source files of package %s found", pkg)
	}
}
