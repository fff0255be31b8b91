package recorder

import (
	"fmt"
	"go/format"
	"strconv"
	"strings"
)

// specInfo names what the written spec is: its package and its Describe and It texts.
type specInfo struct {
	pkg, describe, it, base string
}

// writeSpec writes steps as a Ginkgo spec in the style of suites/editor, formatted by go/format.
func writeSpec(info specInfo, steps []step) ([]byte, error) {
	var body strings.Builder
	usesHarness, usesOS := false, false
	line := func(format string, args ...any) { fmt.Fprintf(&body, "\t\t"+format+"\n", args...) }
	opened := false
	for _, s := range steps {
		if s.kind == stepGoto && !opened {
			opened = true
			line("page := e2e.NewPage(ctx)")
			line("Expect(page.Goto(ctx, %s)).To(Succeed())", urlCode(s.text, info.base))
			continue
		}
		if !opened {
			opened = true
			line("page := e2e.NewPage(ctx)")
		}
		body.WriteString("\n")
		code, by, note := stepCode(s, info.base)
		if note != "" {
			line("// %s", note)
			continue
		}
		line("By(%s)", quote(by))
		if s.kind == stepFill && s.env != "" {
			usesOS = true
			line("Expect(os.Getenv(%s)).NotTo(BeEmpty(), %s)", quote(s.env), quote("set "+s.env+" to the password this spec types"))
		}
		line("%s", code)
		usesHarness = usesHarness || strings.Contains(code, "harness.")
	}

	var src strings.Builder
	src.WriteString("// Recorded with cmd/record (make record). Name the spec after the behaviour it protects, check that each\n")
	src.WriteString("// locator says what a person sees, and move locators used in several specs into the package's page object.\n\n")
	fmt.Fprintf(&src, "package %s\n\nimport (\n", info.pkg)
	if usesOS {
		src.WriteString("\t\"os\"\n\n")
	}
	src.WriteString("\t. \"github.com/onsi/ginkgo/v2\"\n\t. \"github.com/onsi/gomega\"\n\n")
	if usesHarness {
		src.WriteString("\t\"github.com/e2e-harness/e2e/harness\"\n")
	}
	src.WriteString("\t\"github.com/e2e-harness/e2e/suites/e2e\"\n)\n\n")
	fmt.Fprintf(&src, "var _ = Describe(%s, func() {\n\tIt(%s, func(ctx SpecContext) {\n", quote(info.describe), quote(info.it))
	src.WriteString(body.String())
	src.WriteString("\t}, e2e.Timeout())\n})\n")
	out, err := format.Source([]byte(src.String()))
	if err != nil {
		return []byte(src.String()), fmt.Errorf("formatting the recorded spec: %w", err)
	}
	return out, nil
}

// stepCode is the line of Go for one step and the By text that introduces it (or a note instead of both).
func stepCode(s step, base string) (code, by, note string) {
	expect := func(call string) string { return "Expect(" + call + ").To(Succeed())" }
	var loc, name string
	if s.loc != nil {
		loc, name = s.loc.code, s.loc.name
	}
	switch s.kind {
	case stepGoto:
		return expect(fmt.Sprintf("page.Goto(ctx, %s)", urlCode(s.text, base))), "opening " + displayURL(s.text, base), ""
	case stepReload:
		return expect("page.Reload(ctx)"), "reloading the page", ""
	case stepClick:
		return expect(loc + ".Click(ctx" + clickOptions(s) + ")"), "clicking " + name + held(s.modifiers), ""
	case stepDoubleClick:
		return expect(loc + ".DoubleClick(ctx" + clickOptions(s) + ")"), "double-clicking " + name + held(s.modifiers), ""
	case stepRightClick:
		return expect(loc + ".RightClick(ctx" + clickOptions(s) + ")"), "right-clicking " + name + held(s.modifiers), ""
	case stepCheck:
		return expect(loc + ".Check(ctx)"), "checking " + name, ""
	case stepUncheck:
		return expect(loc + ".Uncheck(ctx)"), "unchecking " + name, ""
	case stepFill:
		if s.env != "" {
			return expect(fmt.Sprintf("%s.Fill(ctx, os.Getenv(%s), harness.Secret())", loc, quote(s.env))),
				fmt.Sprintf("filling %s with the password in $%s", name, s.env), ""
		}
		return expect(fmt.Sprintf("%s.Fill(ctx, %s)", loc, quote(s.text))), fmt.Sprintf("filling %s with %s", name, quote(s.text)), ""
	case stepType:
		opt := ""
		if s.keepCaret {
			opt = ", harness.KeepCaret()"
		}
		return expect(fmt.Sprintf("%s.Type(ctx, %s%s)", loc, quote(s.text), opt)), fmt.Sprintf("typing %s into %s", quote(s.text), name), ""
	case stepPress:
		return expect(fmt.Sprintf("%s.Press(ctx, %s)", loc, quote(s.text))), fmt.Sprintf("pressing %s in %s", s.text, name), ""
	case stepKeyboardPress:
		return expect(fmt.Sprintf("page.Keyboard().Press(ctx, %s)", quote(s.text))), "pressing " + s.text, ""
	case stepDrag:
		opt := ""
		if s.dropAt != nil {
			opt = fmt.Sprintf(", harness.DropAt(%s, %s)", num(s.dropAt.X), num(s.dropAt.Y))
		}
		return expect(fmt.Sprintf("%s.DragTo(ctx, %s%s)", loc, s.dest.code, opt)), fmt.Sprintf("dragging %s onto %s", name, s.dest.name), ""
	case stepAssertText:
		return fmt.Sprintf("Eventually(%s).Should(e2e.HaveText(%s))", loc, quote(s.text)), fmt.Sprintf("seeing that %s reads %s", name, quote(s.text)), ""
	case stepAssertVisible:
		return fmt.Sprintf("Eventually(%s).Should(e2e.BeVisible())", loc), "seeing " + name, ""
	case stepAssertValue:
		return fmt.Sprintf("Eventually(%s).Should(e2e.HaveValue(%s))", loc, quote(s.text)), fmt.Sprintf("seeing that %s holds %s", name, quote(s.text)), ""
	case stepAssertCount:
		by = fmt.Sprintf("seeing %d %s", s.count, s.groupName)
		if s.scopeName != "" {
			by += " in " + s.scopeName
		}
		return fmt.Sprintf("Eventually(%s).Should(e2e.HaveCount(%d))", loc, s.count), by, ""
	case stepNote:
		return "", "", s.text
	}
	return "", "", fmt.Sprintf("an action the recorder cannot write (%d)", s.kind)
}

func clickOptions(s step) string {
	var opts []string
	if s.at != nil {
		opts = append(opts, fmt.Sprintf("harness.AtPosition(%s, %s)", num(s.at.X), num(s.at.Y)))
	}
	if len(s.modifiers) > 0 {
		quoted := make([]string, len(s.modifiers))
		for i, m := range s.modifiers {
			quoted[i] = quote(m)
		}
		opts = append(opts, "harness.WithModifiers("+strings.Join(quoted, ", ")+")")
	}
	if len(opts) == 0 {
		return ""
	}
	return ", " + strings.Join(opts, ", ")
}

func held(mods []string) string {
	if len(mods) == 0 {
		return ""
	}
	return " with " + strings.Join(mods, "+") + " held"
}

// urlCode writes a URL under the base as e2e.BaseURL() or e2e.URL("relative"), so the spec runs against any
// deployment (BASE_URL), and any other URL as it is.
func urlCode(raw, base string) string {
	if base != "" && strings.HasPrefix(raw, base) {
		rel := strings.TrimPrefix(raw, base)
		if rel == "" {
			return "e2e.BaseURL()"
		}
		return "e2e.URL(" + quote(rel) + ")"
	}
	return quote(raw)
}

func displayURL(raw, base string) string {
	if base != "" && strings.HasPrefix(raw, base) {
		if rel := strings.TrimPrefix(raw, base); rel != "" {
			return rel
		}
		return "the start page"
	}
	return raw
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func quote(s string) string { return strconv.Quote(s) }

// SuiteSource is the suite file a new spec package needs next to a recorded spec: the e2e glue and RunSpecs.
func SuiteSource(pkg, suite string) ([]byte, error) {
	test := "Test" + exported(pkg)
	src := fmt.Sprintf(`package %s

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
)

var _ = e2e.SetupSuite()

func %s(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, %s)
}
`, pkg, test, quote(suite))
	return format.Source([]byte(src))
}

func exported(pkg string) string {
	var b strings.Builder
	up := true
	for _, r := range pkg {
		switch {
		case r == '_':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Recorded"
	}
	return b.String()
}
