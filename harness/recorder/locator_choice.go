package recorder

import (
	"context"
	"fmt"
	"strings"

	"github.com/e2e-harness/e2e/harness"
)

// checkedBy says who established that a locator was unique.
type checkedBy string

const (
	checkedByHarness checkedBy = "harness" // the harness resolved it to exactly one element as the message arrived
	checkedByPage    checkedBy = "page"    // the element had changed by then: the page's count at the moment stands
	checkedGroup     checkedBy = "group"   // a count assertion's locator, which matches many on purpose
)

// chosenLocator is the locator a recorded action will use, as Go source and as the harness locator it is.
type chosenLocator struct {
	code    string // page.ByTestID("canvas").Frame().ByTestID("canvas-element-e1")
	name    string // for By steps: "Welcome to your app in Canvas"
	element string // the element as the page described it
	checked checkedBy
	hint    string // the field's last test id, else its name: what a password's environment variable is named after
}

func (c *chosenLocator) envHint() string { return c.hint }

// choose picks, level by level, the first candidate that matched exactly the recorded element at the moment of
// the action and that the harness does not find ambiguous now. The harness's own check (Locator.Count, the
// way a strict locator resolves) confirms the choice whenever the element is still there; an element gone by
// now (a menu that closed on the click) keeps the page's verdict, made with the same rules. That the page's
// first match was the recorded element itself is the page's to say (candidate.Same): the harness's reads
// name no element a test could compare, and Locator.Box would clear the handles of an action under way.
func choose(ctx context.Context, page *harness.Page, t *target) (*chosenLocator, error) {
	if t == nil {
		return nil, nil
	}
	if t.CrossOrigin || len(t.Levels) == 0 {
		return nil, fmt.Errorf("%s is inside a cross-origin frame, which the harness cannot reach", t.Element)
	}
	var chain []locatorStep
	checked := checkedByHarness
	for i, lv := range t.Levels {
		last := i == len(t.Levels)-1
		pick, how := pickCandidate(ctx, page, chain, lv.Candidates)
		if pick == nil {
			return nil, fmt.Errorf("no locator matches %s alone", lv.Element)
		}
		if how != checkedByHarness {
			checked = how
		}
		chain = append(chain, pick.Steps...)
		if !last {
			chain = append(chain, locatorStep{Kind: "frame"})
		}
	}
	hint := t.Name
	for _, s := range chain {
		if s.Kind == "testid" {
			hint = s.Value
		}
	}
	return &chosenLocator{code: locatorCode(chain), name: targetName(t), element: t.Element, checked: checked, hint: hint}, nil
}

// pickCandidate takes the candidates in order of preference. The first that the page found unique wins unless
// the harness finds it ambiguous now; when the harness finds none, the element is gone (a menu closed, the page
// navigated) and the page's verdict stands. A later candidate never wins because an earlier one is gone: after
// a navigation the harness may well find a "Next page" text on the next page.
func pickCandidate(ctx context.Context, page *harness.Page, chain []locatorStep, cands []candidate) (*candidate, checkedBy) {
	var unique *candidate
	for i := range cands {
		c := &cands[i]
		if c.Group {
			return c, checkedGroup
		}
		if c.Count != 1 || !c.Same {
			continue
		}
		if unique == nil {
			unique = c
		}
		n, err := buildLocator(page, append(append([]locatorStep(nil), chain...), c.Steps...)).Count(ctx)
		switch {
		case err != nil || n == 0:
			return c, checkedByPage
		case n == 1:
			return c, checkedByHarness
		}
		// Ambiguous for the harness now: the next candidate.
	}
	return unique, checkedByPage
}

func targetName(t *target) string {
	name := t.Name
	if n := len(t.Levels); n > 1 {
		frames := make([]string, 0, n-1)
		for _, lv := range t.Levels[:n-1] {
			frames = append(frames, lv.Name)
		}
		name += " in " + strings.Join(frames, " in ")
	}
	return name
}

// locatorScope is where a locator step searches: the page for the first step, the locator so far after it.
type locatorScope interface {
	ByTestID(id string) *harness.Locator
	ByRole(role string, opts ...harness.RoleOption) *harness.Locator
	ByLabel(label string, opts ...harness.TextMatchOption) *harness.Locator
	ByText(text string, opts ...harness.TextMatchOption) *harness.Locator
	ByCSS(selector string) *harness.Locator
}

// buildLocator turns steps into the harness locator they stand for.
func buildLocator(page *harness.Page, steps []locatorStep) *harness.Locator {
	var l *harness.Locator
	for _, s := range steps {
		var scope locatorScope = page
		if l != nil {
			scope = l
		}
		switch s.Kind {
		case "testid":
			l = scope.ByTestID(s.Value)
		case "role":
			var opts []harness.RoleOption
			if s.Name != nil {
				opts = append(opts, harness.Name(*s.Name))
				if s.Exact {
					opts = append(opts, harness.Exact())
				}
			}
			l = scope.ByRole(s.Value, opts...)
		case "label", "text":
			var opts []harness.TextMatchOption
			if s.Exact {
				opts = append(opts, harness.Exact())
			}
			if s.Kind == "text" {
				l = scope.ByText(s.Value, opts...)
			} else {
				l = scope.ByLabel(s.Value, opts...)
			}
		case "css":
			l = scope.ByCSS(s.Value)
		case "nth":
			l = l.Nth(s.Index)
		case "frame":
			l = l.Frame()
		}
	}
	return l
}

// locatorCode writes steps as the Go a person would write: page.ByRole("button", harness.Name("Save")).
func locatorCode(steps []locatorStep) string {
	var b strings.Builder
	b.WriteString("page")
	for _, s := range steps {
		exact := ""
		if s.Exact {
			exact = ", harness.Exact()"
		}
		switch s.Kind {
		case "testid":
			fmt.Fprintf(&b, ".ByTestID(%s)", quote(s.Value))
		case "role":
			if s.Name != nil {
				fmt.Fprintf(&b, ".ByRole(%s, harness.Name(%s)%s)", quote(s.Value), quote(*s.Name), exact)
			} else {
				fmt.Fprintf(&b, ".ByRole(%s)", quote(s.Value))
			}
		case "label":
			fmt.Fprintf(&b, ".ByLabel(%s%s)", quote(s.Value), exact)
		case "text":
			fmt.Fprintf(&b, ".ByText(%s%s)", quote(s.Value), exact)
		case "css":
			fmt.Fprintf(&b, ".ByCSS(%s)", quote(s.Value))
		case "nth":
			fmt.Fprintf(&b, ".Nth(%d)", s.Index)
		case "frame":
			b.WriteString(".Frame()")
		}
	}
	return b.String()
}
