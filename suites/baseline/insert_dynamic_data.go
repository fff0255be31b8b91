package baseline

import (
	"crypto/rand"
	"encoding/hex"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// The same scenarios as suites/editor's Insert dynamic data specs, with the same assertions, driven by script.
var _ = Describe("Insert dynamic data, driven by script (baseline)", Label(e2e.Baseline), func() {
	var (
		page  *harness.Page
		d     scriptDriver
		field *harness.Locator
		chips *harness.Locator
	)

	BeforeEach(func(ctx SpecContext) {
		page, d = openEditor(ctx)
		field = page.ByTestID("field-text")
		chips = field.ByTestID("expression-chip")
	})

	insert := func(ctx SpecContext, path ...string) {
		d.click(ctx, "insert-dynamic-data")
		for _, key := range path {
			d.click(ctx, "dynamic-data-option-"+key)
		}
	}

	It("inserts Current User's email at the caret, in the middle of existing text", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Hello , welcome")
		d.caretBack(ctx, len(", welcome"))
		insert(ctx, "current-user", "current-user-email")
		Eventually(chips).Should(e2e.HaveCount(1))
		Eventually(field).Should(e2e.HaveText("Hello Current User › Email, welcome"))
	}, e2e.Timeout())

	It("lets the user keep typing right after the inserted chip", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Welcome, ")
		insert(ctx, "current-user", "current-user-name")
		d.typeText(ctx, "!")
		Eventually(field).Should(e2e.HaveText("Welcome, Current User › Name!"))
	}, e2e.Timeout())

	It("inserts with the keyboard alone", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Today is ")
		d.typeText(ctx, "{{")
		Eventually(page.ByTestID("dynamic-data-menu")).Should(e2e.BeVisible())
		d.key(ctx, "ArrowDown", false, false)
		d.key(ctx, "Enter", false, false)
		Eventually(field).Should(e2e.HaveText("Today is Current Date"))
	}, e2e.Timeout())

	It("closes the menu with Escape", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Hi ")
		d.click(ctx, "insert-dynamic-data")
		Eventually(page.ByTestID("dynamic-data-menu")).Should(e2e.BeVisible())
		d.key(ctx, "Escape", false, false)
		Eventually(page.ByTestID("dynamic-data-menu")).Should(e2e.BeHidden())
		d.typeText(ctx, "there")
		Eventually(field).Should(e2e.HaveText("Hi there"))
	}, e2e.Timeout())

	It("removes a chip with Backspace", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Page: ")
		insert(ctx, "current-page", "current-page-title")
		Eventually(chips).Should(e2e.HaveCount(1))
		d.key(ctx, "Backspace", false, false)
		Eventually(chips).Should(e2e.HaveCount(0))
	}, e2e.Timeout())

	It("undoes and redoes an insertion", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Signed in as ")
		insert(ctx, "current-user", "current-user-email")
		Eventually(chips).Should(e2e.HaveCount(1))
		d.click(ctx, "undo")
		Eventually(chips).Should(e2e.HaveCount(0))
		d.click(ctx, "redo")
		Eventually(chips).Should(e2e.HaveCount(1))
	}, e2e.Timeout())

	It("keeps the chip after a reload", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Contact: ")
		insert(ctx, "current-user", "current-user-email")
		Eventually(page.ByTestID("save-status")).Should(e2e.HaveText("Saved"))
		Expect(page.Reload(ctx)).To(Succeed())
		Eventually(page.ByCSS("html")).Should(e2e.HaveAttribute("data-editor-state", "ready"))
		d.tapCanvas(ctx, "canvas-element-e1")
		Eventually(chips).Should(e2e.HaveCount(1))
	}, e2e.Timeout())

	It("shows the user's real email in the preview", func(ctx SpecContext) {
		d.setText(ctx, "field-text", "Mail ")
		insert(ctx, "current-user", "current-user-email")
		Eventually(page.ByTestID("save-status")).Should(e2e.HaveText("Saved"))
		d.click(ctx, "preview-link")
		Eventually(page.ByTestID("preview-element-e1")).Should(e2e.HaveText("Mail ada@example.com"))
	}, e2e.Timeout())
})

// The critical canvas scenario, the way script-driven tests drag: a drop event with a hand-built DataTransfer,
// carrying the type as well as a plain-text fallback, as drag-and-drop helpers for such tests commonly do.
var _ = Describe("Adding a component by dragging, driven by script (baseline)", Label(e2e.Baseline), func() {
	It("adds a component dropped onto the canvas", func(ctx SpecContext) {
		page, d := openEditor(ctx)
		d.run(ctx, `const target = $canvas('canvas-element-e2'); const r = target.getBoundingClientRect();
			const data = new DataTransfer();
			data.setData('application/x-editor-element', %s);
			data.setData('text/plain', %s);
			const init = { bubbles: true, cancelable: true, composed: true, dataTransfer: data,
				clientX: r.left + 20, clientY: r.top + r.height - 2 };
			for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, init));`, "input", "input")
		Eventually(page.ByTestID("canvas").Frame().ByCSS("[data-element-id]")).Should(e2e.HaveCount(3))
	}, e2e.Timeout())
})
