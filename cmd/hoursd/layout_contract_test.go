package main

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// modulePath is the module every hoursd package lives in.
const modulePath = "github.com/hoursd/hoursd"

// layoutRule is one layer of hoursd's layout (README.md, "Repository
// layout"): the hoursd packages a package under dir may import, and
// third-party modules it must not import
// (each belongs to another layer: viper to config, cron and bbolt to the
// daemon, cobra to the command line).
type layoutRule struct {
	dir        string   // package directory, relative to the module root; its subpackages follow the same rule
	mayImport  []string // hoursd packages (relative, e.g. "schedule"); a subpackage of each is allowed too
	thirdParty []string // if non-nil: the only third-party import prefixes allowed
	forbidden  []string // third-party import prefixes that belong to another layer
}

var layout = []layoutRule{
	// The pure readers beside the model: bytes in, rules out, with a parser
	// of their format and nothing else (the first matching rule counts).
	{dir: "schedule/source", mayImport: []string{"schedule"},
		thirdParty: []string{"golang.org/x/net/html", "github.com/emersion/go-ical"}},
	{dir: "schedule/osm", mayImport: []string{"schedule"}, thirdParty: []string{}},
	{dir: "schedule", thirdParty: []string{"github.com/rickar/cal/v2"}},
	{dir: "notifier", mayImport: []string{"schedule", "notifier"},
		forbidden: []string{"github.com/spf13/", "github.com/robfig/cron", "go.etcd.io/bbolt", "github.com/coreos/go-systemd", "github.com/prometheus/"}},
	{dir: "config", mayImport: []string{"schedule", "notifier"},
		forbidden: []string{"github.com/spf13/cobra", "go.etcd.io/bbolt", "github.com/coreos/go-systemd", "github.com/prometheus/"}},
	// daemon/web is not a layer of its own; it serves what the daemon
	// knows and is wired in by cmd, so it may import what daemon may.
	{dir: "daemon", mayImport: []string{"schedule", "notifier", "config", "daemon"},
		forbidden: []string{"github.com/spf13/cobra"}},
}

// TestLayoutImports checks hoursd's layers against the imports of
// every non-test file in the module: schedule imports only the standard
// library and rickar/cal/v2, its readers only schedule and their parsers; notifier does not import config or daemon;
// nothing but cmd imports daemon or cmd.
func TestLayoutImports(t *testing.T) {
	pkgs := modulePackages(t, "../..")
	if len(pkgs) < 5 {
		t.Fatalf("found %d packages under the module root, want the whole module", len(pkgs))
	}
	for dir, imports := range pkgs {
		for _, imp := range imports {
			rel, internal := strings.CutPrefix(imp, modulePath+"/")
			if internal && !strings.HasPrefix(dir, "cmd/") &&
				(under(rel, "cmd") || (under(rel, "daemon") && !under(dir, "daemon"))) {
				t.Errorf("%s imports %s: nothing but cmd imports cmd or daemon", dir, imp)
			}
		}
		rule, ok := ruleFor(dir)
		if !ok {
			continue
		}
		for _, imp := range imports {
			if isStd(imp) {
				continue
			}
			if rel, internal := strings.CutPrefix(imp, modulePath+"/"); internal {
				if !slices.ContainsFunc(rule.mayImport, func(p string) bool { return under(rel, p) }) {
					t.Errorf("%s imports %s; %s may import only %v", dir, imp, rule.dir, rule.mayImport)
				}
				continue
			}
			if rule.thirdParty != nil && !slices.ContainsFunc(rule.thirdParty, func(p string) bool { return strings.HasPrefix(imp, p) }) {
				t.Errorf("%s imports %s; %s may import only the standard library and %v", dir, imp, rule.dir, rule.thirdParty)
			}
			if slices.ContainsFunc(rule.forbidden, func(p string) bool { return strings.HasPrefix(imp, p) }) {
				t.Errorf("%s imports %s, which belongs to another layer of hoursd", dir, imp)
			}
		}
	}
}

// TestLayoutCmdWiresEverything checks the other side of the table: cmd/hoursd
// is where schedule, notifier, config and daemon come together.
func TestLayoutCmdWiresEverything(t *testing.T) {
	imports := modulePackages(t, "../..")["cmd/hoursd"]
	for _, want := range []string{"schedule", "config", "daemon"} {
		if !slices.Contains(imports, modulePath+"/"+want) {
			t.Errorf("cmd/hoursd imports %v, want %s among them", imports, want)
		}
	}
}

// modulePackages maps each package directory under root (slash-separated,
// relative) to the imports of its non-test Go files.
func modulePackages(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "deploy" || name == "state") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, build.ImportComment)
		if err != nil {
			if _, none := err.(*build.NoGoError); none {
				return nil
			}
			t.Errorf("reading package %s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		out[filepath.ToSlash(rel)] = p.Imports
		return nil
	})
	if err != nil {
		t.Fatalf("walking the module: %v", err)
	}
	return out
}

func ruleFor(dir string) (layoutRule, bool) {
	for _, r := range layout {
		if under(dir, r.dir) {
			return r, true
		}
	}
	return layoutRule{}, false
}

// under says whether the slash path p is dir or inside it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// isStd says whether an import path is of the standard library: its first
// element has no dot.
func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}
