package editor

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

var _ = Describe("Building a page on the canvas", func() {
	var editor *Editor

	BeforeEach(func(ctx SpecContext) {
		editor = OpenEditor(ctx, e2e.NewPage(ctx))
		Eventually(editor.CanvasElements()).Should(e2e.HaveCount(2))
	})

	It("adds a component from the palette with a click, after the selected one", func(ctx SpecContext) {
		editor.Select(ctx, "e1", "Text e1")
		By("clicking Button in the palette")
		Expect(editor.ByTestID("palette-item-button").Click(ctx)).To(Succeed())

		By("seeing the new button selected, between the heading and the old button")
		Eventually(editor.SelectedLabel()).Should(e2e.HaveText("Button e3"))
		Eventually(editor.CanvasElements()).Should(e2e.HaveCount(3))
		Expect(editor.CanvasElements().Nth(1)).To(e2e.HaveAttribute("data-element-id", "e3"))
	}, e2e.Timeout())

	It("adds a component by dragging it from the palette into the canvas frame", Label(e2e.Critical), func(ctx SpecContext) {
		By("dragging Input onto the lower half of the button on the canvas")
		Expect(editor.ByTestID("palette-item-input").DragTo(ctx, editor.CanvasElement("e2"), harness.DropAt(20, 30))).To(Succeed())

		By("seeing the input on the canvas after the button")
		Eventually(editor.CanvasElements()).Should(e2e.HaveCount(3))
		Eventually(editor.CanvasElements().Last()).Should(e2e.HaveAttribute("data-element-id", "e3"))
		Eventually(editor.SelectedLabel()).Should(e2e.HaveText("Input e3"))
	}, e2e.Timeout())

	It("selects the element that was clicked inside the canvas", Label(e2e.Critical), func(ctx SpecContext) {
		By("clicking the button on the canvas")
		Expect(editor.CanvasElement("e2").Click(ctx)).To(Succeed())
		Eventually(editor.SelectedLabel()).Should(e2e.HaveText("Button e2"))
		Eventually(editor.Field("text")).Should(e2e.HaveText("Get started"))
		By("clicking the heading")
		Expect(editor.CanvasElement("e1").Click(ctx)).To(Succeed())
		Eventually(editor.SelectedLabel()).Should(e2e.HaveText("Text e1"))
		Eventually(editor.Field("text")).Should(e2e.HaveText("Welcome to your app"))
	}, e2e.Timeout())

	It("edits a text in place after a double click", func(ctx SpecContext) {
		By("double-clicking the heading")
		Expect(editor.CanvasElement("e1").DoubleClick(ctx)).To(Succeed())
		By("replacing its words and pressing Enter")
		heading := editor.CanvasElement("e1")
		inPlace := heading.ByRole("textbox")
		Eventually(inPlace).Should(e2e.BeFocused())
		Expect(inPlace.Press(ctx, "Control+A")).To(Succeed())
		Expect(inPlace.Type(ctx, "Hello there", harness.KeepCaret())).To(Succeed())
		Expect(inPlace.Press(ctx, "Enter")).To(Succeed())

		Eventually(heading).Should(e2e.HaveText("Hello there"))
		Eventually(editor.Field("text")).Should(e2e.HaveText("Hello there"))
	}, e2e.Timeout())

	It("deletes an element from its right-click menu", func(ctx SpecContext) {
		By("right-clicking the button on the canvas")
		Expect(editor.CanvasElement("e2").RightClick(ctx)).To(Succeed())
		menu := editor.ByTestID("context-menu")
		Eventually(menu).Should(e2e.BeVisible())
		By("choosing Delete")
		Expect(menu.ByRole("menuitem", harness.Name("Delete")).Click(ctx)).To(Succeed())

		Eventually(editor.CanvasElements()).Should(e2e.HaveCount(1))
		Eventually(editor.CanvasElement("e2")).Should(e2e.BeHidden())
		Eventually(menu).Should(e2e.BeHidden())
	}, e2e.Timeout())

	It("reorders elements by dragging a layer's handle", func(ctx SpecContext) {
		By("dragging the button's handle above the heading in the Layers panel")
		Expect(editor.ByTestID("layer-handle-e2").DragTo(ctx, editor.ByTestID("layer-e1"), harness.DropAt(10, 2))).To(Succeed())

		By("seeing the button first on the canvas")
		Eventually(editor.CanvasElements().First()).Should(e2e.HaveAttribute("data-element-id", "e2"))
		Eventually(editor.CanvasElements().Last()).Should(e2e.HaveAttribute("data-element-id", "e1"))
	}, e2e.Timeout())
})
