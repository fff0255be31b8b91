package editor

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// The feature whose silent breakage started this project: an editor's "Insert dynamic data" button.
var _ = Describe("Insert dynamic data", Label(e2e.Critical, e2e.Smoke), func() {
	var editor *Editor

	BeforeEach(func(ctx SpecContext) {
		editor = OpenEditor(ctx, e2e.NewPage(ctx))
		By("selecting the heading on the canvas")
		editor.Select(ctx, "e1", "Text e1")
	})

	It("inserts Current User's email at the caret, in the middle of existing text", func(ctx SpecContext) {
		text := editor.Field("text")
		By("writing a greeting with a gap for the email in the Text field")
		Expect(text.Fill(ctx, "Hello , welcome")).To(Succeed())
		By("moving the caret back into the gap")
		for range len(", welcome") {
			Expect(text.Press(ctx, "ArrowLeft")).To(Succeed())
		}

		editor.InsertDynamicData(ctx, "current-user", "current-user-email")

		By("seeing the chip between the two words, and the caret still in the field")
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(1))
		Eventually(text).Should(e2e.HaveText("Hello Current User › Email, welcome"))
		Eventually(editor.DataMenu()).Should(e2e.BeHidden())
		Eventually(text).Should(e2e.BeFocused())
		By("seeing the chip on the canvas too")
		Eventually(editor.CanvasElement("e1")).Should(e2e.HaveText("Hello Current User › Email, welcome"))
	}, e2e.Timeout())

	It("lets the user keep typing right after the inserted chip", func(ctx SpecContext) {
		text := editor.Field("text")
		By("writing the start of a sentence")
		Expect(text.Fill(ctx, "Welcome, ")).To(Succeed())

		editor.InsertDynamicData(ctx, "current-user", "current-user-name")

		By("typing on without clicking the field again")
		Expect(text.Type(ctx, "!", harness.KeepCaret())).To(Succeed())
		Eventually(text).Should(e2e.HaveText("Welcome, Current User › Name!"))
	}, e2e.Timeout())

	It("inserts with the keyboard alone: {{ opens the menu, arrows choose, Enter inserts", func(ctx SpecContext) {
		text := editor.Field("text")
		Expect(text.Fill(ctx, "Today is ")).To(Succeed())
		By("resting the mouse away from where the menu opens, as a keyboard user's mouse does")
		Expect(editor.ByTestID("palette").Hover(ctx)).To(Succeed())
		By("typing {{")
		Expect(text.Type(ctx, "{{", harness.KeepCaret())).To(Succeed())
		Eventually(editor.DataMenu()).Should(e2e.BeVisible())
		By("moving down to Current Date and pressing Enter")
		Eventually(editor.DataOption("current-user")).Should(e2e.BeFocused())
		Expect(editor.DataMenu().Press(ctx, "ArrowDown")).To(Succeed())
		Eventually(editor.DataOption("current-date")).Should(e2e.BeFocused())
		Expect(editor.DataMenu().Press(ctx, "Enter")).To(Succeed())

		Eventually(text).Should(e2e.HaveText("Today is Current Date"))
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(1))
		Eventually(text).Should(e2e.BeFocused())
	}, e2e.Timeout())

	It("closes the menu with Escape and gives the caret back to the field", func(ctx SpecContext) {
		text := editor.Field("text")
		Expect(text.Fill(ctx, "Hi ")).To(Succeed())
		By("opening the menu and pressing Escape")
		Expect(editor.InsertButton().Click(ctx)).To(Succeed())
		Eventually(editor.DataMenu()).Should(e2e.BeVisible())
		Expect(editor.DataMenu().Press(ctx, "Escape")).To(Succeed())

		Eventually(editor.DataMenu()).Should(e2e.BeHidden())
		Eventually(text).Should(e2e.BeFocused())
		By("typing goes on where the caret was")
		Expect(text.Type(ctx, "there", harness.KeepCaret())).To(Succeed())
		Eventually(text).Should(e2e.HaveText("Hi there"))
		Expect(editor.Chips("text").Count(ctx)).To(Equal(0))
	}, e2e.Timeout())

	It("removes a whole chip with one Backspace", func(ctx SpecContext) {
		text := editor.Field("text")
		Expect(text.Fill(ctx, "Page: ")).To(Succeed())
		editor.InsertDynamicData(ctx, "current-page", "current-page-title")
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(1))

		By("pressing Backspace right after the chip")
		Expect(text.Press(ctx, "Backspace")).To(Succeed())
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(0))
		Eventually(text).Should(e2e.HaveText("Page:"))
	}, e2e.Timeout())

	It("undoes and redoes an insertion with the toolbar and with the keyboard", func(ctx SpecContext) {
		text := editor.Field("text")
		Expect(text.Fill(ctx, "Signed in as ")).To(Succeed())
		editor.InsertDynamicData(ctx, "current-user", "current-user-email")
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(1))

		By("clicking Undo, then Redo")
		Expect(editor.Undo().Click(ctx)).To(Succeed())
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(0))
		Expect(editor.Redo().Click(ctx)).To(Succeed())
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(1))

		By("pressing Control+Z, then Control+Shift+Z")
		Expect(editor.Keyboard().Press(ctx, "Control+Z")).To(Succeed())
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(0))
		Expect(editor.Keyboard().Press(ctx, "Control+Shift+Z")).To(Succeed())
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(1))
	}, e2e.Timeout())

	It("keeps the chip after a reload, because autosave stored it", func(ctx SpecContext) {
		text := editor.Field("text")
		Expect(text.Fill(ctx, "Contact: ")).To(Succeed())
		editor.InsertDynamicData(ctx, "current-user", "current-user-email")
		By("waiting for autosave")
		Eventually(editor.SaveStatus()).Should(e2e.HaveText("Saved"))

		By("reloading the editor")
		editor.Reopen(ctx)
		editor.Select(ctx, "e1", "Text e1")
		Eventually(editor.Chips("text")).Should(e2e.HaveCount(1))
		Eventually(editor.Field("text")).Should(e2e.HaveText("Contact: Current User › Email"))
	}, e2e.Timeout())

	It("shows the user's real email in the preview", func(ctx SpecContext) {
		text := editor.Field("text")
		Expect(text.Fill(ctx, "Mail ")).To(Succeed())
		editor.InsertDynamicData(ctx, "current-user", "current-user-email")
		Eventually(editor.SaveStatus()).Should(e2e.HaveText("Saved"))

		By("opening the preview")
		Expect(editor.ByTestID("preview-link").Click(ctx)).To(Succeed())
		Eventually(editor.ByTestID("preview-element-e1")).Should(e2e.HaveText("Mail ada@example.com"))
	}, e2e.Timeout())
})
