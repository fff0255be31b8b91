package harness

import (
	"fmt"
	"strconv"
	"strings"
)

// Locator describes how to find an element, not an element: it is resolved again on every attempt of every
// action, so it survives re-renders. Locators are immutable; each method returns a new one.
//
// Prefer what a user sees or what the team promised to keep stable: ByRole, ByLabel, ByText, ByTestID. ByCSS is
// there for the rest.
type Locator struct {
	page  *Page
	steps []locatorStep
}

// locatorStep is one link of the chain, sent to the engine as JSON.
type locatorStep struct {
	Kind  string  `json:"kind"`
	Value string  `json:"value,omitempty"`
	Name  *string `json:"name,omitempty"`
	Exact bool    `json:"exact,omitempty"`
	Index int     `json:"index"`
	Attr  string  `json:"attr,omitempty"`
	Show  bool    `json:"show,omitempty"` // for "visible" filters: keep visible (true) or hidden (false) elements
}

// RoleOption narrows ByRole: Name, Exact.
type RoleOption interface{ applyRole(*locatorStep) }

// TextMatchOption changes how ByText, ByLabel and WithText match: Exact.
type TextMatchOption interface{ applyText(*locatorStep) }

type nameOption string

func (n nameOption) applyRole(s *locatorStep) { name := string(n); s.Name = &name }

// Name matches the accessible name (aria-label, label, text content): case-insensitive substring by default.
func Name(name string) RoleOption { return nameOption(name) }

// ExactOption is Exact's option; it applies to role names and to text.
type ExactOption struct{}

func (ExactOption) applyRole(s *locatorStep) { s.Exact = true }
func (ExactOption) applyText(s *locatorStep) { s.Exact = true }

// Exact makes a name or text match whole and case-sensitive (after collapsing whitespace).
func Exact() ExactOption { return ExactOption{} }

func (p *Page) root() *Locator { return &Locator{page: p} }

// ByTestID finds elements by their test id attribute (data-testid unless WithTestIDAttribute changed it).
func (p *Page) ByTestID(id string) *Locator { return p.root().ByTestID(id) }

// ByRole finds elements by ARIA role (explicit or implied by the tag) and, with Name, accessible name.
// Elements hidden from assistive technology are not matched.
func (p *Page) ByRole(role string, opts ...RoleOption) *Locator {
	return p.root().ByRole(role, opts...)
}

// ByLabel finds form controls by the text of their label, aria-labelledby or aria-label.
func (p *Page) ByLabel(label string, opts ...TextMatchOption) *Locator {
	return p.root().ByLabel(label, opts...)
}

// ByText finds the innermost elements whose text contains text (or equals it, with Exact).
func (p *Page) ByText(text string, opts ...TextMatchOption) *Locator {
	return p.root().ByText(text, opts...)
}

// ByCSS finds elements matching a CSS selector; open shadow roots are searched too.
func (p *Page) ByCSS(selector string) *Locator { return p.root().ByCSS(selector) }

func (l *Locator) with(step locatorStep) *Locator {
	steps := make([]locatorStep, len(l.steps), len(l.steps)+1)
	copy(steps, l.steps)
	return &Locator{page: l.page, steps: append(steps, step)}
}

// ByTestID finds descendants of l's elements by test id.
func (l *Locator) ByTestID(id string) *Locator {
	return l.with(locatorStep{Kind: "testid", Value: id, Attr: l.page.session.browser.cfg.testIDAttribute})
}

// ByRole finds descendants of l's elements by role.
func (l *Locator) ByRole(role string, opts ...RoleOption) *Locator {
	s := locatorStep{Kind: "role", Value: role}
	for _, o := range opts {
		o.applyRole(&s)
	}
	return l.with(s)
}

// ByLabel finds descendant form controls by label.
func (l *Locator) ByLabel(label string, opts ...TextMatchOption) *Locator {
	s := locatorStep{Kind: "label", Value: label}
	for _, o := range opts {
		o.applyText(&s)
	}
	return l.with(s)
}

// ByText finds descendants by text.
func (l *Locator) ByText(text string, opts ...TextMatchOption) *Locator {
	s := locatorStep{Kind: "text", Value: text}
	for _, o := range opts {
		o.applyText(&s)
	}
	return l.with(s)
}

// ByCSS finds descendants by CSS selector.
func (l *Locator) ByCSS(selector string) *Locator {
	return l.with(locatorStep{Kind: "css", Value: selector})
}

// Frame enters the document of the <iframe> l matches (same-origin frames only): locators chained after it
// search inside the frame.
func (l *Locator) Frame() *Locator { return l.with(locatorStep{Kind: "frame"}) }

// Nth keeps the i-th match (0-based; negative counts from the end).
func (l *Locator) Nth(i int) *Locator { return l.with(locatorStep{Kind: "nth", Index: i}) }

// First keeps the first match.
func (l *Locator) First() *Locator { return l.Nth(0) }

// Last keeps the last match.
func (l *Locator) Last() *Locator { return l.Nth(-1) }

// WithText keeps matches whose text contains text.
func (l *Locator) WithText(text string, opts ...TextMatchOption) *Locator {
	s := locatorStep{Kind: "hasText", Value: text}
	for _, o := range opts {
		o.applyText(&s)
	}
	return l.with(s)
}

// Visible keeps only visible matches (a menu rendered twice, one copy hidden, say).
func (l *Locator) Visible() *Locator { return l.with(locatorStep{Kind: "visible", Show: true}) }

// Page is the page the locator searches.
func (l *Locator) Page() *Page { return l.page }

// String writes the locator the way errors and reports show it, e.g.
// testid=canvas >> frame >> role=button[name="Save"].
func (l *Locator) String() string {
	if len(l.steps) == 0 {
		return "page"
	}
	parts := make([]string, 0, len(l.steps))
	for _, s := range l.steps {
		parts = append(parts, s.String())
	}
	return strings.Join(parts, " >> ")
}

func (s locatorStep) String() string {
	q := func(v string) string {
		if s.Exact {
			return strconv.Quote(v) + "s"
		}
		return strconv.Quote(v)
	}
	switch s.Kind {
	case "testid":
		return "testid=" + s.Value
	case "role":
		if s.Name != nil {
			return fmt.Sprintf("role=%s[name=%s]", s.Value, q(*s.Name))
		}
		return "role=" + s.Value
	case "label":
		return "label=" + q(s.Value)
	case "text":
		return "text=" + q(s.Value)
	case "css":
		return "css=" + s.Value
	case "frame":
		return "frame"
	case "nth":
		return fmt.Sprintf("nth=%d", s.Index)
	case "hasText":
		return "has-text=" + q(s.Value)
	case "visible":
		return "visible"
	}
	return s.Kind
}
