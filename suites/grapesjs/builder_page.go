package grapesjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// Builder is the GrapesJS page builder as a user sees it: the block manager on the left, the canvas in the
// middle, the style and layer managers on the right.
//
// The host page is ours and its regions have test ids. Inside them GrapesJS renders its own markup, which has
// neither test ids nor roles; there the locators use GrapesJS's documented styling classes (gjs-block,
// gjs-frame, gjs-sm-property__<property>, gjs-layer-name), and nowhere else.
type Builder struct {
	*harness.Page
}

// OpenBuilder opens a fresh builder (nothing is stored between specs) and waits until GrapesJS has rendered its
// canvas.
func OpenBuilder(ctx context.Context, page *harness.Page) *Builder {
	GinkgoHelper()
	acceptCanvasForwarding(page)
	Expect(page.Goto(ctx, e2e.URL(BuilderPath))).To(Succeed())
	// Booting GrapesJS is part of loading the page, so it gets the page load's budget, not an assertion's.
	Eventually(page.ByCSS("html")).WithContext(ctx).WithTimeout(e2e.LoadTimeout()).Should(e2e.HaveAttribute("data-builder-state", "ready"))
	return &Builder{Page: page}
}

// Block is an entry of the block manager, by its label ("Text", "Image", "2 Columns"). The label inside it
// ignores the pointer, so the block itself is what a person grabs.
func (b *Builder) Block(label string) *harness.Locator {
	return b.ByTestID("block-manager").ByCSS(".gjs-block").WithText(label, harness.Exact())
}

// Canvas is the document inside GrapesJS's canvas iframe.
func (b *Builder) Canvas() *harness.Locator {
	return b.ByTestID("editor").ByCSS("iframe.gjs-frame").Frame()
}

// OnCanvas is the element on the canvas whose text is exactly text.
func (b *Builder) OnCanvas(text string) *harness.Locator {
	return b.Canvas().ByText(text, harness.Exact())
}

// Toolbar is the selected component's toolbar. GrapesJS draws it over the canvas, outside the iframe.
// GrapesJS keeps a second, hidden one for the component under the pointer.
func (b *Builder) Toolbar() *harness.Locator {
	return b.ByTestID("editor").ByCSS(".gjs-toolbar").Visible()
}

// ToolbarButton is an icon of the toolbar by its name: "Select parent", "Move", "Clone", "Delete".
func (b *Builder) ToolbarButton(name string) *harness.Locator {
	return b.Toolbar().ByRole("img", harness.Name(name), harness.Exact())
}

// StyleField is the text input of a style manager property, by the CSS property it sets ("width", "color").
func (b *Builder) StyleField(property string) *harness.Locator {
	return b.ByTestID("style-manager").ByCSS(".gjs-sm-property__" + property + " input[type=text]")
}

// Layer is a row of the layer manager, by the component's name ("Title", "Footer", "2 Columns").
func (b *Builder) Layer(name string) *harness.Locator {
	return b.ByTestID("layer-manager").ByCSS(".gjs-layer-name").WithText(name, harness.Exact())
}

// LayerNames are the names of the layers the layer manager shows, top to bottom.
func (b *Builder) LayerNames(ctx context.Context) ([]string, error) {
	return b.ByTestID("layer-manager").ByCSS(".gjs-layer-name").Visible().AllTexts(ctx)
}

// ExportedHTML is the page as GrapesJS exports it (editor.getHtml()): what publishing the page would store.
// It is read from the editor, not produced by it: no user action goes through a script.
func (b *Builder) ExportedHTML(ctx context.Context) (string, error) {
	return b.readString(ctx, `editor.getHtml()`)
}

// ExportedCSS is the page's style sheet as GrapesJS exports it (editor.getCss()).
func (b *Builder) ExportedCSS(ctx context.Context) (string, error) {
	return b.readString(ctx, `editor.getCss()`)
}

// Selected is the name of the component GrapesJS has selected, "" when none is.
func (b *Builder) Selected(ctx context.Context) (string, error) {
	return b.readString(ctx, `(editor.getSelected() && editor.getSelected().getName()) || ''`)
}

// SelectedWidth is the rendered width in CSS pixels of the selected component on the canvas.
func (b *Builder) SelectedWidth(ctx context.Context) (float64, error) {
	raw, err := b.Evaluate(ctx, `editor.getSelected() ? editor.getSelected().getEl().getBoundingClientRect().width : -1`)
	if err != nil {
		return 0, err
	}
	var w float64
	return w, json.Unmarshal(raw, &w)
}

func (b *Builder) readString(ctx context.Context, expression string) (string, error) {
	raw, err := b.Evaluate(ctx, expression)
	if err != nil {
		return "", err
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("reading %s: %w", expression, err)
	}
	return s, nil
}

// Select clicks a component on the canvas and waits until GrapesJS has selected it and shows its toolbar.
func (b *Builder) Select(ctx context.Context, text, name string) {
	GinkgoHelper()
	Expect(b.OnCanvas(text).Click(ctx)).To(Succeed())
	Eventually(b.Selected).WithContext(ctx).Should(Equal(name))
	Eventually(b.Toolbar()).WithContext(ctx).Should(e2e.BeVisible())
}

// PressToolbarButton presses an icon of the component toolbar.
//
// GrapesJS runs a toolbar command on mousedown, not on click (ToolbarButtonView's events are
// {mousedown: handleClick}): Delete removes the component at once, the toolbar disappears with it, and the
// pointerup and click of the same press land on the canvas below. The harness's Click rightly reports that as
// *harness.InputNotReceivedError, since it cannot tell a control that acts on press from one that a blur hid
// before it could act. Here, and only here, that exact outcome counts as the press a person makes: the press
// reached the icon, and the icon went away after it. Anything else, a press that landed elsewhere included,
// still fails.
func (b *Builder) PressToolbarButton(ctx context.Context, name string) {
	GinkgoHelper()
	err := b.ToolbarButton(name).Click(ctx)
	var notReceived *harness.InputNotReceivedError
	if errors.As(err, &notReceived) && pressReachedThenVanished(notReceived) {
		return
	}
	Expect(err).NotTo(HaveOccurred())
}

func pressReachedThenVanished(e *harness.InputNotReceivedError) bool {
	vanished := strings.Contains(e.Change, "became hidden after pointerdown") ||
		strings.Contains(e.Change, "removed from the document after pointerdown")
	return slices.Equal(e.Reached, []string{"pointerdown"}) && vanished
}

// The input events GrapesJS re-dispatches from its canvas to the <iframe> element (FrameView._onRootMount):
// its keymaps (Control+Z, Delete) listen on the editor's own document, which never sees events inside the
// iframe, so GrapesJS copies each one with new KeyboardEvent/MouseEvent/PointerEvent and dispatches the copy.
// Those copies are untrusted by construction. These are the forwarded types that the harness's guard watches.
var canvasForwardedTypes = []string{"keydown", "keyup", "keypress", "mousedown", "mouseup", "pointerdown", "pointerup"}

const canvasForwardingReason = "GrapesJS re-dispatches every key, mouse and pointer event of its canvas iframe " +
	"on the <iframe> element (a script-made copy, so its keyboard shortcuts see input inside the canvas); " +
	"each untrusted event was checked to be such a copy"

// acceptCanvasForwarding lets GrapesJS's own copies of canvas input through the untrusted-event guard, and
// nothing else: when the spec ends, before the glue checks the session, every untrusted event must be one of
// those copies, or the spec fails naming the others. Registered after e2e.NewPage's cleanup, so it runs first.
func acceptCanvasForwarding(page *harness.Page) {
	DeferCleanup(func() {
		events := page.Session().UntrustedEvents()
		if len(events) == 0 {
			return
		}
		var other []string
		for _, ev := range events {
			if !isCanvasForward(ev) {
				other = append(other, ev.String())
			}
		}
		if len(other) > 0 {
			Fail(fmt.Sprintf("untrusted input that GrapesJS's canvas forwarding does not explain reached the page:\n    %s",
				strings.Join(other, "\n    ")))
		}
		e2e.AllowUntrustedEvents(page, canvasForwardingReason)
	})
}

func isCanvasForward(ev harness.UntrustedEvent) bool {
	return slices.Contains(canvasForwardedTypes, ev.Type) &&
		strings.HasPrefix(ev.Target, "<iframe ") && strings.Contains(ev.Target, `class="gjs-frame"`)
}
