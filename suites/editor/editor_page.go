package editor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// Editor is the fixture editor as a user sees it: named regions and controls, found by the test ids of its DOM
// contract and by role.
type Editor struct {
	*harness.Page
	DocID string
}

// OpenEditor opens the editor on a new document of its own, so parallel specs never share data.
func OpenEditor(ctx context.Context, page *harness.Page) *Editor {
	GinkgoHelper()
	e := &Editor{Page: page, DocID: newDocID()}
	Expect(page.Goto(ctx, e2e.URL("?doc="+e.DocID))).To(Succeed())
	WaitUntilBooted(page)
	return e
}

// WaitUntilBooted waits for the editor in page to have booted: its modules run, its canvas frame loaded, its
// document and session fetched. Booting is part of loading the page, so it gets the page load's budget.
func WaitUntilBooted(page *harness.Page) {
	GinkgoHelper()
	Eventually(page.ByCSS("html")).WithTimeout(e2e.LoadTimeout()).Should(e2e.HaveAttribute("data-editor-state", "ready"))
}

func newDocID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "spec-" + hex.EncodeToString(b)
}

// Reopen loads the same document again, as a user coming back to it.
func (e *Editor) Reopen(ctx context.Context) {
	GinkgoHelper()
	Expect(e.Reload(ctx)).To(Succeed())
	WaitUntilBooted(e.Page)
}

// Canvas is the document inside the canvas iframe.
func (e *Editor) Canvas() *harness.Locator { return e.ByTestID("canvas").Frame() }

// CanvasElement is one element on the canvas, e.g. "e1".
func (e *Editor) CanvasElement(id string) *harness.Locator {
	return e.Canvas().ByTestID("canvas-element-" + id)
}

// CanvasElements are all elements on the canvas.
func (e *Editor) CanvasElements() *harness.Locator { return e.Canvas().ByCSS("[data-element-id]") }

// SelectedLabel says which element the property panel shows, e.g. "Button e2".
func (e *Editor) SelectedLabel() *harness.Locator { return e.ByTestID("selected-element-label") }

// Field is an expression field of the property panel, e.g. "text", "placeholder".
func (e *Editor) Field(name string) *harness.Locator { return e.ByTestID("field-" + name) }

// Chips are the expression chips inside a field.
func (e *Editor) Chips(field string) *harness.Locator {
	return e.Field(field).ByTestID("expression-chip")
}

// InsertButton is "Insert dynamic data", shown next to the focused field.
func (e *Editor) InsertButton() *harness.Locator { return e.ByTestID("insert-dynamic-data") }

// DataMenu is the dynamic data menu.
func (e *Editor) DataMenu() *harness.Locator { return e.ByTestID("dynamic-data-menu") }

// DataOption is an entry of the data menu, e.g. "current-user-email".
func (e *Editor) DataOption(key string) *harness.Locator {
	return e.ByTestID("dynamic-data-option-" + key)
}

// SaveStatus is the autosave indicator.
func (e *Editor) SaveStatus() *harness.Locator { return e.ByTestID("save-status") }

// Undo and Redo are the toolbar buttons.
func (e *Editor) Undo() *harness.Locator {
	return e.ByRole("button", harness.Name("Undo"), harness.Exact())
}
func (e *Editor) Redo() *harness.Locator {
	return e.ByRole("button", harness.Name("Redo"), harness.Exact())
}

// Select clicks an element on the canvas and waits until the property panel shows it.
func (e *Editor) Select(ctx context.Context, id, label string) {
	GinkgoHelper()
	Expect(e.CanvasElement(id).Click(ctx)).To(Succeed())
	Eventually(e.SelectedLabel()).Should(e2e.HaveText(label))
}

// InsertButtonPatience is how long a user waits for "Insert dynamic data" to settle before clicking it: people
// reach for the button as soon as it shows, so a button that is still hidden or sliding in after this long
// gets clicked where it is not yet. The clean editor's fade-in takes ~120 ms. It is counted in the page's own
// time over rendered frames (harness.Patience), so a loaded CI machine does not run out of it.
const InsertButtonPatience = 750 * time.Millisecond

// InsertDynamicData inserts a data source into the focused field through the button and the menu, the way a
// user does it with the mouse: path is the menu entries to click, e.g. "current-user", "current-user-email".
func (e *Editor) InsertDynamicData(ctx context.Context, path ...string) {
	GinkgoHelper()
	By("clicking Insert dynamic data as soon as it shows")
	Expect(e.InsertButton().Click(ctx, harness.Patience(InsertButtonPatience))).To(Succeed())
	Eventually(e.DataMenu()).Should(e2e.BeVisible())
	for _, key := range path {
		By("choosing " + key + " in the data menu")
		Expect(e.DataOption(key).Click(ctx)).To(Succeed())
	}
}
