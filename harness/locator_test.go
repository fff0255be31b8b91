package harness_test

import (
	"reflect"
	"testing"

	"github.com/e2e-harness/e2e/harness"
)

func TestLocatorsFindWhatAPersonSees(t *testing.T) {
	p, ctx := openWithContext(t, "locators.html")
	count := func(l *harness.Locator) int {
		t.Helper()
		n, err := l.Count(ctx)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		return n
	}
	for _, tc := range []struct {
		l    *harness.Locator
		want int
	}{
		{p.ByRole("link"), 2},
		{p.ByRole("link", harness.Name("docs")), 1},
		{p.ByRole("link", harness.Name("docs"), harness.Exact()), 0},
		{p.ByRole("navigation", harness.Name("Main")).ByRole("link"), 2},
		{p.ByRole("button", harness.Name("Close dialog")), 1},
		{p.ByRole("button", harness.Name("Hidden from assistive tech")), 0},
		{p.ByRole("button", harness.Name("Invisible")), 0},
		{p.ByRole("button", harness.Name("Inside shadow")), 1},
		{p.ByLabel("Email address"), 1},
		{p.ByLabel("Search the site"), 1},
		{p.ByLabel("Phone"), 1},
		{p.ByRole("textbox"), 3},
		{p.ByText("wonderful"), 1},
		{p.ByText("Hello wonderful world"), 1},
		{p.ByTestID("deep"), 1},
		{p.ByCSS("li"), 3},
		{p.ByCSS("li").WithText("item"), 3},
		{p.ByCSS("li").WithText("Second item", harness.Exact()), 1},
		{p.ByCSS("button").Visible(), 3},
	} {
		if got := count(tc.l); got != tc.want {
			t.Errorf("%s matches %d, want %d", tc.l, got, tc.want)
		}
	}
	items := p.ByTestID("list").ByRole("listitem")
	for _, tc := range []struct {
		l    *harness.Locator
		want string
	}{{items.First(), "First item"}, {items.Nth(0), "First item"}, {items.Nth(1), "Second item"}, {items.Last(), "Third item"}, {items.Nth(-2), "Second item"}} {
		if got := text(t, tc.l); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.l, got, tc.want)
		}
	}
	all, err := items.AllTexts(ctx)
	if err != nil || !reflect.DeepEqual(all, []string{"First item", "Second item", "Third item"}) {
		t.Errorf("AllTexts: %q, %v", all, err)
	}
	if got := p.ByRole("link", harness.Name("Docs"), harness.Exact()).String(); got != `role=link[name="Docs"s]` {
		t.Errorf("String: %s", got)
	}
}
