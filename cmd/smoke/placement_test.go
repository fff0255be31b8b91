package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/internal/config"
)

// The smoke runner's checks are the specs labelled smoke that its binary compiles in: those in the non-test
// files of the packages it imports. A smoke spec anywhere else — in a _test.go file, or in a package the runner
// does not import — builds, passes in make e2e and then never runs after a deploy, with nothing to say so. This
// test is that warning: make test fails and names the spec.
func TestEverySmokeSpecIsCompiledIntoTheRunner(t *testing.T) {
	root := config.ModuleRoot()
	if root == "" {
		t.Fatal("not inside the module")
	}
	linked := runnerPackageDirs(t)
	misplaced, err := misplacedSmokeSpecs(root, func(dir string) bool { return linked[dir] })
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range misplaced {
		t.Errorf("%s", m)
	}
}

// The check finds what it is for: a planted smoke spec in a _test.go file (testdata/misplaced) is named with
// its file, line and text, and the smoke spec in the same package's non-test file is not, because it is linked.
func TestAMisplacedSmokeSpecIsNamed(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "misplaced"))
	if err != nil {
		t.Fatal(err)
	}
	misplaced, err := misplacedSmokeSpecs(dir, func(d string) bool { return d == dir })
	if err != nil {
		t.Fatal(err)
	}
	if len(misplaced) != 1 {
		t.Fatalf("found %d misplaced smoke specs, want the one planted in a _test.go file: %q", len(misplaced), misplaced)
	}
	got := misplaced[0].String()
	for _, want := range []string{"misplaced_test.go:", `It("reaches the checkout page")`, "_test.go file", "suites/editor"} {
		if !strings.Contains(got, want) {
			t.Errorf("the finding %q does not say %q", got, want)
		}
	}

	// A package the runner does not import is as invisible to it as a test file.
	misplaced, err = misplacedSmokeSpecs(dir, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if len(misplaced) != 2 || !strings.Contains(misplaced[0].String()+misplaced[1].String(), "does not import") {
		t.Errorf("with the package not imported by the runner, want both specs named, got %q", misplaced)
	}
}

// misplacedSmoke is one smoke-labelled spec or container the runner cannot run.
type misplacedSmoke struct {
	pos    token.Position
	node   string // It, Describe, Context…
	text   string
	reason string
}

func (m misplacedSmoke) String() string {
	return fmt.Sprintf("%s: %s(%q) is labelled smoke but %s, so the smoke runner never runs it after a deploy; "+
		"put it in a non-test .go file of a suite package cmd/smoke imports (suites/editor), as README's \"Writing a spec\" says",
		m.pos, m.node, m.text, m.reason)
}

// misplacedSmokeSpecs walks the Go files under root (not testdata, not node_modules, not the out/ folder) and
// returns each Ginkgo node labelled smoke that is in a _test.go file, or in a package whose directory linked
// says the runner does not compile.
func misplacedSmokeSpecs(root string, linked func(dir string) bool) ([]misplacedSmoke, error) {
	var found []misplacedSmoke
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || d.Name() == "node_modules" || d.Name() == "out" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		var reason string
		switch {
		case strings.HasSuffix(path, "_test.go"):
			reason = "it is in a _test.go file, which only go test compiles"
		case !linked(filepath.Dir(path)):
			reason = "its package is one cmd/smoke does not import"
		default:
			return nil
		}
		for _, node := range smokeNodes(file) {
			found = append(found, misplacedSmoke{pos: fset.Position(node.Pos()), node: calleeName(node), text: firstString(node), reason: reason})
		}
		return nil
	})
	return found, err
}

// smokeNodes returns the Ginkgo calls (Describe, It, …) that take a Label argument naming smoke, written as
// e2e.Smoke or the literal "smoke".
func smokeNodes(file *ast.File) []*ast.CallExpr {
	var nodes []*ast.CallExpr
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for _, arg := range call.Args {
			if label, ok := arg.(*ast.CallExpr); ok && calleeName(label) == "Label" && namesSmoke(label.Args) {
				nodes = append(nodes, call)
				break
			}
		}
		return true
	})
	return nodes
}

func namesSmoke(args []ast.Expr) bool {
	for _, a := range args {
		switch v := a.(type) {
		case *ast.SelectorExpr:
			if v.Sel.Name == "Smoke" {
				return true
			}
		case *ast.BasicLit:
			if s, err := strconv.Unquote(v.Value); err == nil && s == "smoke" {
				return true
			}
		}
	}
	return false
}

// calleeName is the called function's own name: It for It(…) and for ginkgo.It(…).
func calleeName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// firstString is the node's text: its first argument when that is a string literal.
func firstString(call *ast.CallExpr) string {
	if len(call.Args) > 0 {
		if lit, ok := call.Args[0].(*ast.BasicLit); ok {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				return s
			}
		}
	}
	return "?"
}

// runnerPackageDirs is the set of directories of the module's packages linked into cmd/smoke.
func runnerPackageDirs(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps of cmd/smoke: %v", err)
	}
	dirs := map[string]bool{}
	for _, line := range strings.Fields(string(out)) {
		dirs[line] = true
	}
	return dirs
}
