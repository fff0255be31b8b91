package editor

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

var _ = Describe("Editing an element's properties", func() {
	var editor *Editor

	BeforeEach(func(ctx SpecContext) {
		editor = OpenEditor(ctx, e2e.NewPage(ctx))
	})

	It("marks an input as required with the Required checkbox", func(ctx SpecContext) {
		By("adding an input")
		Expect(editor.ByTestID("palette-item-input").Click(ctx)).To(Succeed())
		Eventually(editor.SelectedLabel()).Should(e2e.HaveText("Input e3"))
		By("labelling it and checking Required")
		Expect(editor.Field("label").Fill(ctx, "Email")).To(Succeed())
		Expect(editor.ByLabel("Required").Check(ctx)).To(Succeed())

		Eventually(editor.ByLabel("Required")).Should(e2e.BeChecked())
		Eventually(editor.CanvasElement("e3")).Should(e2e.ContainText("Email *"))
	}, e2e.Timeout())

	It("colours a heading with a swatch of the shadow-DOM colour picker", func(ctx SpecContext) {
		editor.Select(ctx, "e1", "Text e1")
		By("clicking the red swatch inside the colour picker's shadow root")
		picker := editor.ByTestID("color-picker")
		Expect(picker.ByRole("button", harness.Name("Red")).Click(ctx)).To(Succeed())

		Eventually(picker.ByTestID("color-picker-value")).Should(e2e.HaveText("Current: Red"))
		Eventually(picker.ByTestID("color-swatch-red")).Should(e2e.HaveAttribute("aria-pressed", "true"))
		By("undoing it")
		Expect(editor.Undo().Click(ctx)).To(Succeed())
		Eventually(picker.ByTestID("color-picker-value")).Should(e2e.HaveText("Current: Default"))
	}, e2e.Timeout())

	It("reaches the CSS class field below the fold of the panel", func(ctx SpecContext) {
		editor.Select(ctx, "e2", "Button e2")
		By("scrolling down to Advanced and filling CSS class")
		Expect(editor.Field("css-class").Fill(ctx, "call-to-action")).To(Succeed())
		Eventually(editor.Field("css-class")).Should(e2e.HaveText("call-to-action"))
		Eventually(editor.SaveStatus()).Should(e2e.HaveText("Saved"))
	}, e2e.Timeout())

	It("keeps Undo disabled until there is something to undo", func(ctx SpecContext) {
		Eventually(editor.Undo()).Should(e2e.BeDisabled())
		editor.Select(ctx, "e2", "Button e2")
		Expect(editor.Field("text").Fill(ctx, "Start now")).To(Succeed())
		Eventually(editor.Undo()).Should(e2e.BeEnabled())
		Eventually(editor.CanvasElement("e2")).Should(e2e.HaveText("Start now"))
	}, e2e.Timeout())

	It("explains a toolbar button in a tooltip while it is hovered", func(ctx SpecContext) {
		By("hovering Preview")
		Expect(editor.ByTestID("preview-link").Hover(ctx)).To(Succeed())
		Eventually(editor.ByRole("tooltip")).Should(e2e.HaveText("Open the app with dynamic data filled in"))
	}, e2e.Timeout())
})

var _ = Describe("Signing in", func() {
	It("signs the user in and shows who is signed in", func(ctx SpecContext) {
		page := e2e.NewPage(ctx)
		Expect(page.Goto(ctx, e2e.URL("login"))).To(Succeed())
		By("entering a username and a password")
		Expect(page.ByLabel("Username").Fill(ctx, "ada")).To(Succeed())
		Expect(page.ByLabel("Password").Fill(ctx, "s3cret-test-password")).To(Succeed())
		Expect(page.ByRole("button", harness.Name("Sign in")).Click(ctx)).To(Succeed())

		By("arriving in the editor, signed in")
		WaitUntilBooted(page)
		Eventually(page.ByTestID("current-user")).Should(e2e.ContainText("ada"))
	}, e2e.Timeout())

	It("refuses a wrong password and says so", func(ctx SpecContext) {
		page := e2e.NewPage(ctx)
		Expect(page.Goto(ctx, e2e.URL("login"))).To(Succeed())
		Expect(page.ByLabel("Username").Fill(ctx, "ada")).To(Succeed())
		Expect(page.ByLabel("Password").Fill(ctx, "wrong")).To(Succeed())
		Expect(page.ByRole("button", harness.Name("Sign in")).Click(ctx)).To(Succeed())
		Eventually(page.ByRole("alert")).Should(e2e.HaveText("Invalid username or password."))
	}, e2e.Timeout())
})
