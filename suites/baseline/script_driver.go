package baseline

import (
	"context"
	"encoding/json"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// scriptDriver performs every user action from page script, as the old tests did. Nothing here moves a mouse
// or presses a key: that is the point of the comparison.
type scriptDriver struct{ page *harness.Page }

// driverJS finds an element by test id, in the page or in the canvas frame.
const driverJS = `
const $ = (id) => document.querySelector('[data-testid="' + id + '"]');
const $canvas = (id) => document.querySelector('[data-testid="canvas"]').contentDocument.querySelector('[data-testid="' + id + '"]');
`

func (d scriptDriver) run(ctx context.Context, script string, args ...any) {
	GinkgoHelper()
	encoded := make([]any, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		Expect(err).NotTo(HaveOccurred())
		encoded[i] = string(b)
	}
	_, err := d.page.Evaluate(ctx, "(() => {"+driverJS+fmt.Sprintf(script, encoded...)+"})()")
	Expect(err).NotTo(HaveOccurred())
}

// click calls the element's click() — the incident's tests did exactly this on the Insert button.
func (d scriptDriver) click(ctx context.Context, testID string) {
	GinkgoHelper()
	d.run(ctx, `$(%s).click()`, testID)
}

// tapCanvas dispatches a pointer sequence at a canvas element's centre, which is what such tests had to do for
// editors that select on pointerdown.
func (d scriptDriver) tapCanvas(ctx context.Context, testID string) {
	GinkgoHelper()
	d.run(ctx, `const el = $canvas(%s); const r = el.getBoundingClientRect();
		const init = { bubbles: true, cancelable: true, composed: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, button: 0 };
		for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']) {
			const E = type.startsWith('pointer') ? PointerEvent : MouseEvent;
			el.dispatchEvent(new E(type, init));
		}`, testID)
}

// setText focuses a field and replaces its text with an editing command, leaving the caret at the end.
func (d scriptDriver) setText(ctx context.Context, testID, text string) {
	GinkgoHelper()
	d.run(ctx, `const el = $(%s); el.focus();
		const range = document.createRange(); range.selectNodeContents(el);
		const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
		document.execCommand('insertText', false, %s);`, testID, text)
}

// typeText inserts text wherever the selection is.
func (d scriptDriver) typeText(ctx context.Context, text string) {
	GinkgoHelper()
	d.run(ctx, `document.execCommand('insertText', false, %s)`, text)
}

// caretBack moves the caret n characters to the left with the Selection API.
func (d scriptDriver) caretBack(ctx context.Context, n int) {
	GinkgoHelper()
	d.run(ctx, `for (let i = 0; i < %s; i++) getSelection().modify('move', 'backward', 'character')`, n)
}

// key dispatches a keydown (and keyup) event to the element that has the focus.
func (d scriptDriver) key(ctx context.Context, key string, ctrl, shift bool) {
	GinkgoHelper()
	d.run(ctx, `let el = document.activeElement;
		if (el && el.tagName === 'IFRAME') el = el.contentDocument.activeElement;
		const init = { key: %s, bubbles: true, cancelable: true, composed: true, ctrlKey: %s, shiftKey: %s };
		el.dispatchEvent(new KeyboardEvent('keydown', init));
		el.dispatchEvent(new KeyboardEvent('keyup', init));`, key, ctrl, shift)
}

// openEditor opens a fresh document and selects the heading, as the real specs' BeforeEach does.
func openEditor(ctx context.Context) (*harness.Page, scriptDriver) {
	GinkgoHelper()
	page := e2e.NewPage(ctx)
	e2e.AllowUntrustedEvents(page, "the baseline drives the editor from page script on purpose, as the incident's old tests did")
	Expect(page.Goto(ctx, e2e.URL("?doc=baseline-"+randomID()))).To(Succeed())
	Eventually(page.ByCSS("html")).Should(e2e.HaveAttribute("data-editor-state", "ready"))
	d := scriptDriver{page: page}
	d.tapCanvas(ctx, "canvas-element-e1")
	Eventually(page.ByTestID("selected-element-label")).Should(e2e.HaveText("Text e1"))
	return page, d
}
