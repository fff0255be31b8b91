package harness_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"

	"github.com/e2e-harness/e2e/harness"
)

// Targets a click reaches without help from the test: the harness scrolls, waits and aims as a person would.
func TestClickReachesTheTarget(t *testing.T) {
	count := byTestID("count")
	byRole := func(name string) func(*harness.Page) *harness.Locator {
		return func(p *harness.Page) *harness.Locator { return p.ByRole("button", harness.Name(name)) }
	}
	runClicks(t, []clickCase{
		{"a button", "button.html", byRole("Go"), count, "1"},
		{"deep in a scrollable container", "scroll.html", byTestID("deep"), count, "1"},
		{"inside an iframe with a border", "frame.html",
			func(p *harness.Page) *harness.Locator {
				return p.ByTestID("canvas").Frame().ByRole("button", harness.Name("Inner button"))
			},
			inFrame("canvas", "count"), "1"},
		{"inside a shadow root", "shadow.html",
			func(p *harness.Page) *harness.Locator {
				return p.ByTestID("picker").ByRole("button", harness.Name("Blue"))
			},
			byTestID("chosen"), "Blue"},
		{"through a detach and reattach", "reattach.html", byTestID("go"), count, "1"},
		{"a one-pixel target", "tiny.html", byTestID("tiny"), count, "1"},
		{"a rotated button", "tiny.html", byRole("Rotated"), count, "1"},
	})
}

// The incident: the field's blur handler hides the button, and blur fires on the real mousedown. The click must
// fail at once with the cause, not pass and not time out.
func TestClickOnButtonHiddenByBlurOnMousedownFailsWithInputNotReceived(t *testing.T) {
	p, ctx := openWithContext(t, "incident.html")
	if err := p.ByLabel("Text").Click(ctx); err != nil {
		t.Fatal(err)
	}
	// A long deadline: the failure must come from the proof, at once, not from running out of time.
	deadline, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := p.ByTestID("insert").Click(deadline, harness.Timeout(30*time.Second))
	wantErrorAs[*harness.InputNotReceivedError](t, err)
	if deadline.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the click waited for its deadline instead of failing at once: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{`data-testid="insert"`, "pointerdown reached it", "click went to", "became hidden after pointerdown", "display: none"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
	if got := text(t, p.ByTestID("inserted")); got != "" {
		t.Errorf("nothing may be inserted, got %q", got)
	}
}

// The same page driven by rod's own Element.Click: it returns nil although the click never arrived. This is
// the behaviour the harness exists to replace.
func TestRodElementClickReportsSuccessOnTheIncidentPage(t *testing.T) {
	bin, profile := chromeAndScratch(t, "rodcmp")
	l := launcher.New().Bin(bin).Headless(true).Set("no-sandbox").Set("disable-gpu").Leakless(true).UserDataDir(profile)
	u, err := l.Launch()
	if err != nil {
		t.Fatal(err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		l.Cleanup()
	})
	page, err := b.Page(protoTarget(pages.URL + "/incident.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := page.WaitLoad(); err != nil {
		t.Fatal(err)
	}
	field, err := page.Element("#field")
	if err != nil {
		t.Fatal(err)
	}
	if err := field.Click("left", 1); err != nil {
		t.Fatal(err)
	}
	button, err := page.Element("#insert")
	if err != nil {
		t.Fatal(err)
	}
	if err := button.Click("left", 1); err != nil {
		t.Fatalf("rod's Click failed (%v); the comparison assumes it reports success", err)
	}
	inserted, err := page.Element("[data-testid=inserted]")
	if err != nil {
		t.Fatal(err)
	}
	if got := inserted.MustText(); got != "" {
		t.Fatalf("rod's click inserted %q; the incident page no longer reproduces the bug", got)
	}
}

func TestClickOnCoveredButtonNamesTheInterceptor(t *testing.T) {
	p := open(t, "overlay.html")
	err := p.ByTestID("go").Click(short(t))
	ie := wantErrorAs[*harness.InterceptedError](t, err)
	if !strings.Contains(ie.Interceptor, `class="tooltip-layer"`) || !strings.Contains(err.Error(), "intercepts pointer events") {
		t.Errorf("the error does not name the tooltip layer:\n%v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a timed-out action should also match context.DeadlineExceeded: %v", err)
	}
	if got := text(t, p.ByTestID("count")); got != "0" {
		t.Errorf("the covered button was clicked: count %s", got)
	}
}

func TestClickOnButtonWithInheritedPointerEventsNoneSaysWhereItComesFrom(t *testing.T) {
	p := open(t, "pointer_events.html")
	err := p.ByTestID("go").Click(short(t))
	wantErrorAs[*harness.InterceptedError](t, err)
	if !strings.Contains(err.Error(), `inherits pointer-events: none from <div class="field-toolbar">`) {
		t.Errorf("the error does not name the toolbar rule:\n%v", err)
	}
}

func TestClickWaitsForAnAnimationToEnd(t *testing.T) {
	p := open(t, "animation.html")
	if err := p.ByTestID("go").Click(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1")
	box, err := p.Evaluate(context.Background(), `document.getElementById('go').getBoundingClientRect().left`)
	if err != nil {
		t.Fatal(err)
	}
	if string(box) != "620" {
		t.Errorf("the click landed before the animation ended (button at x=%s)", box)
	}
}

func TestClickOnDisabledButtonsSaysWhy(t *testing.T) {
	p := open(t, "disabled.html")
	for _, tc := range []struct{ id, reason string }{
		{"native", "it has the disabled attribute"},
		{"aria", `it has aria-disabled="true"`},
		{"aria-parent", `its ancestor <div aria-disabled="true">`},
		{"fieldset", "it is inside a disabled fieldset <fieldset disabled>"},
	} {
		err := p.ByTestID(tc.id).Click(short(t))
		var de *harness.DisabledError
		if !errors.As(err, &de) {
			t.Errorf("%s: want *DisabledError, got %v", tc.id, err)
			continue
		}
		if !strings.Contains(de.Reason, tc.reason) {
			t.Errorf("%s: reason %q does not say %q", tc.id, de.Reason, tc.reason)
		}
	}
	if got := text(t, p.ByTestID("count")); got != "0" {
		t.Errorf("a disabled button was clicked: count %s", got)
	}
}

func TestClickWaitsForAButtonToBeEnabled(t *testing.T) {
	p := open(t, "disabled.html")
	if _, err := p.Evaluate(context.Background(), `enableLater()`); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("later").Click(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1")
}

func TestClickReachesAButtonThatScrollsUnderAStickyHeader(t *testing.T) {
	p, ctx := openWithContext(t, "scroll.html")
	// Scroll past the button, so that scrolling it into view from below puts it right under the header.
	if _, err := p.Evaluate(ctx, `window.scrollTo(0, document.body.scrollHeight)`); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("bottom").Click(ctx); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1")
}

func TestAmbiguousLocatorListsTheCandidates(t *testing.T) {
	p := open(t, "form.html")
	err := p.ByTestID("save").Click(short(t))
	ae := wantErrorAs[*harness.AmbiguousError](t, err)
	if ae.Count != 2 || len(ae.Candidates) != 2 || !strings.Contains(err.Error(), "Save again") {
		t.Errorf("the error does not list both buttons:\n%v", err)
	}
}

func TestMissingElementTimesOutWithNotFound(t *testing.T) {
	p := open(t, "button.html")
	err := p.ByTestID("nowhere").Click(short(t))
	var nf *harness.NotFoundError
	var te *harness.TimeoutError
	if !errors.As(err, &nf) || !errors.As(err, &te) {
		t.Fatalf("want a timeout whose last state is *NotFoundError, got %v", err)
	}
	if !strings.Contains(err.Error(), "click testid=nowhere") {
		t.Errorf("the error does not name the action and locator: %v", err)
	}
}

func TestDoubleAndRightClick(t *testing.T) {
	p, ctx := openWithContext(t, "button.html")
	if _, err := p.Evaluate(ctx, `document.getElementById('go').addEventListener('dblclick', () => document.title = 'double');
		document.getElementById('go').addEventListener('contextmenu', (e) => { e.preventDefault(); document.body.dataset.menu = 'open'; })`); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("go").DoubleClick(ctx); err != nil {
		t.Fatal(err)
	}
	if title, _ := p.Title(ctx); title != "double" {
		t.Errorf("dblclick did not arrive: title %q", title)
	}
	if err := p.ByTestID("go").RightClick(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := p.ByCSS("body").Attribute(ctx, "data-menu"); v != "open" {
		t.Errorf("contextmenu did not arrive")
	}
}

func TestHoverRevealsASubmenu(t *testing.T) {
	p, ctx := openWithContext(t, "hover.html")
	if err := p.ByTestID("menu").Hover(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("sub-item").Click(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestClickOnAControlThatActsOnPressNeedsActsOnPress(t *testing.T) {
	p := open(t, "press_toolbar.html")
	err := p.ByTestID("delete").Click(context.Background())
	var inr *harness.InputNotReceivedError
	if !errors.As(err, &inr) || !strings.Contains(err.Error(), "removed from the document after pointerdown") {
		t.Fatalf("a plain Click must say the button went away after pointerdown, got %v", err)
	}
	p = open(t, "press_toolbar.html")
	if err := p.ByTestID("delete").Click(context.Background(), harness.ActsOnPress()); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("log"), "deleted")
}
