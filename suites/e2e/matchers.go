package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/e2e-harness/e2e/harness"
)

// The matchers below read the page once per call, so they belong in Eventually, which calls them until they
// match: Eventually(editor.SaveStatus()).Should(e2e.HaveText("Saved")). The actual value is a *harness.Locator.

// HaveText matches an element whose whole text (whitespace collapsed) is text.
func HaveText(text string) types.GomegaMatcher {
	return stateMatcher(fmt.Sprintf("to have text %q", text), func(s *harness.ElementState) (bool, string) {
		return s.Text == collapse(text), fmt.Sprintf("its text was %q", s.Text)
	})
}

// ContainText matches an element whose text contains text.
func ContainText(text string) types.GomegaMatcher {
	return stateMatcher(fmt.Sprintf("to contain text %q", text), func(s *harness.ElementState) (bool, string) {
		return strings.Contains(s.Text, collapse(text)), fmt.Sprintf("its text was %q", s.Text)
	})
}

// HaveValue matches an input, textarea or select with this value.
func HaveValue(value string) types.GomegaMatcher {
	return stateMatcher(fmt.Sprintf("to have value %q", value), func(s *harness.ElementState) (bool, string) {
		if s.Value == nil {
			return false, "it has no value"
		}
		return *s.Value == value, fmt.Sprintf("its value was %q", *s.Value)
	})
}

// BeVisible matches a rendered element.
func BeVisible() types.GomegaMatcher {
	return stateMatcher("to be visible", func(s *harness.ElementState) (bool, string) {
		return s.Visible, "it was not visible: " + s.HiddenReason
	})
}

// BeEnabled matches an element that is not disabled (natively, by a fieldset or by aria-disabled).
func BeEnabled() types.GomegaMatcher {
	return stateMatcher("to be enabled", func(s *harness.ElementState) (bool, string) {
		return s.Enabled, "it was disabled: " + s.DisabledReason
	})
}

// BeDisabled matches a disabled element.
func BeDisabled() types.GomegaMatcher {
	return stateMatcher("to be disabled", func(s *harness.ElementState) (bool, string) {
		return !s.Enabled, "it was enabled"
	})
}

// BeFocused matches an element that has the keyboard focus, or contains the element that has it.
func BeFocused() types.GomegaMatcher {
	return stateMatcher("to have the keyboard focus", func(s *harness.ElementState) (bool, string) {
		return s.Focused, "the focus was on " + s.FocusedElement
	})
}

// BeChecked matches a checked checkbox or radio button (or aria-checked="true").
func BeChecked() types.GomegaMatcher {
	return stateMatcher("to be checked", func(s *harness.ElementState) (bool, string) {
		return s.Checked, "it was not checked"
	})
}

// BeHidden matches a locator with no visible element: not rendered, or not in the page at all.
func BeHidden() types.GomegaMatcher {
	return &locatorMatcher{want: "to be hidden", check: func(ctx context.Context, l *harness.Locator) (bool, string, error) {
		visible, err := l.IsVisible(ctx)
		if err != nil {
			return false, "", err
		}
		return !visible, "it was visible", nil
	}}
}

// HaveCount matches a locator that matches exactly n elements.
func HaveCount(n int) types.GomegaMatcher {
	return &locatorMatcher{want: fmt.Sprintf("to match %d elements", n), check: func(ctx context.Context, l *harness.Locator) (bool, string, error) {
		count, err := l.Count(ctx)
		if err != nil {
			return false, "", err
		}
		return count == n, fmt.Sprintf("it matched %d", count), nil
	}}
}

// HaveAttribute matches an element whose attribute name has this value.
func HaveAttribute(name, value string) types.GomegaMatcher {
	return &locatorMatcher{want: fmt.Sprintf("to have %s=%q", name, value), check: func(ctx context.Context, l *harness.Locator) (bool, string, error) {
		got, ok, err := l.Attribute(ctx, name)
		if err != nil {
			return false, "", err
		}
		if !ok {
			return false, "it had no " + name + " attribute", nil
		}
		return got == value, fmt.Sprintf("%s was %q", name, got), nil
	}}
}

type locatorMatcher struct {
	want    string
	check   func(context.Context, *harness.Locator) (ok bool, got string, err error)
	got     string
	element string
	looks   int // how often Match was asked: Eventually asks again while the page is not as wanted yet
}

func stateMatcher(want string, check func(*harness.ElementState) (bool, string)) *locatorMatcher {
	m := &locatorMatcher{want: want}
	m.check = func(ctx context.Context, l *harness.Locator) (bool, string, error) {
		s, err := l.State(ctx)
		if err != nil {
			return false, "", err
		}
		m.element = s.Element
		ok, got := check(s)
		return ok, got, nil
	}
	return m
}

func (m *locatorMatcher) Match(actual any) (bool, error) {
	l, ok := actual.(*harness.Locator)
	if !ok {
		return false, fmt.Errorf("e2e matchers take a *harness.Locator, got %T", actual)
	}
	ok, got, err := m.check(context.Background(), l)
	if m.looks++; !ok || m.looks > 1 {
		// The page is not as the assertion wants it yet (a negated one passes on false, so a second look is
		// the sign there): from here on it may be a failure worth a filmstrip.
		l.Page().StartFilmstrip()
	}
	if err != nil {
		var nf *harness.NotFoundError
		if errors.As(err, &nf) {
			m.got = "no element matches it"
			return false, nil
		}
		return false, err
	}
	m.got = got
	return ok, nil
}

func (m *locatorMatcher) FailureMessage(actual any) string {
	return m.message(actual, m.want)
}

func (m *locatorMatcher) NegatedFailureMessage(actual any) string {
	return m.message(actual, "not "+m.want)
}

func (m *locatorMatcher) message(actual any, want string) string {
	msg := fmt.Sprintf("Expected %v\n    %s\nbut %s", actual, want, m.got)
	if m.element != "" {
		msg += "\n    element: " + m.element
	}
	return msg
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
