package grapesjs_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/grapesjs"
)

// gestureTimeout bounds the actions made of many input events, typing a text and dragging, which are each one
// action for the harness: on a loaded machine their events add up past the default five seconds while every
// one of them still lands. Single clicks keep the default.
const gestureTimeout = 15 * time.Second

// The texts of the builder page's starting content (builder.html).
const (
	titleText  = "Welcome to the builder"
	introText  = "Drag blocks from the left onto the page."
	footerText = "Made with GrapesJS"
)

var _ = Describe("GrapesJS page builder", Label(e2e.ThirdParty), func() {
	var builder *grapesjs.Builder

	BeforeEach(func(ctx SpecContext) {
		builder = grapesjs.OpenBuilder(ctx, e2e.NewPage(ctx))
	})

	It("drops a 2 Columns block from the block manager between two paragraphs of the canvas", func(ctx SpecContext) {
		By("dragging the 2 Columns block onto the lower half of the intro paragraph, inside the canvas iframe")
		// The intro paragraph is 40 px high (builder.html): 30 px down is its lower half, where GrapesJS places
		// a drop after the paragraph.
		Expect(builder.Block("2 Columns").DragTo(ctx, builder.OnCanvas(introText), harness.DropAt(20, 30),
			harness.Timeout(gestureTimeout))).To(Succeed())

		By("seeing the section between the intro and the footer in the exported HTML")
		Eventually(builder.ExportedHTML).WithContext(ctx).Should(MatchRegexp(
			`(?s)>` + introText + `</p>\s*<section [^>]*class="row".*Left column.*Right column.*</section>\s*<p [^>]*class="footer"`))
		By("seeing its columns on the canvas and its layer in the layer manager")
		Eventually(builder.OnCanvas("Left column")).WithContext(ctx).Should(e2e.BeVisible())
		Eventually(builder.OnCanvas("Right column")).WithContext(ctx).Should(e2e.BeVisible())
		Eventually(builder.LayerNames).WithContext(ctx).Should(Equal([]string{"Title", "Intro", "2 Columns", "Footer"}))
	}, e2e.Timeout())

	It("drops an Image block at the end of the page", func(ctx SpecContext) {
		By("dragging the Image block onto the empty canvas below the footer")
		// GrapesJS gives the page's body the whole height of the canvas: 400 px down is below the footer.
		Expect(builder.Block("Image").DragTo(ctx, builder.Canvas().ByCSS("body"), harness.DropAt(200, 400),
			harness.Timeout(gestureTimeout))).To(Succeed())

		By("seeing the image last in the exported HTML and on the canvas")
		Eventually(builder.ExportedHTML).WithContext(ctx).Should(MatchRegexp(
			`(?s)>` + footerText + `</p>\s*<img [^>]*alt="A placeholder image"[^>]*/?>\s*</body>`))
		Eventually(builder.Canvas().ByRole("img", harness.Name("A placeholder image"))).WithContext(ctx).Should(e2e.BeVisible())
	}, e2e.Timeout())

	It("selects a paragraph by clicking it on the canvas and deletes it with the toolbar's Delete icon", func(ctx SpecContext) {
		By("clicking the footer on the canvas")
		builder.Select(ctx, footerText, "Footer")

		By("pressing Delete in the component toolbar")
		builder.PressToolbarButton(ctx, "Delete")

		By("seeing the footer gone from the exported HTML, the canvas and the layer manager")
		Eventually(builder.ExportedHTML).WithContext(ctx).ShouldNot(ContainSubstring(footerText))
		Eventually(builder.OnCanvas(footerText)).WithContext(ctx).Should(e2e.HaveCount(0))
		Eventually(builder.LayerNames).WithContext(ctx).Should(Equal([]string{"Title", "Intro"}))
		Expect(builder.ExportedHTML(ctx)).To(ContainSubstring(introText), "only the selected paragraph goes")
	}, e2e.Timeout())

	It("edits the heading in place with the rich text editor inside the canvas", func(ctx SpecContext) {
		heading := builder.OnCanvas(titleText)
		By("double-clicking the heading to start editing it")
		Expect(heading.DoubleClick(ctx)).To(Succeed())
		Eventually(heading).WithContext(ctx).Should(e2e.BeFocused())

		By("selecting its text and typing over it")
		Expect(heading.Press(ctx, "Control+A")).To(Succeed())
		Expect(heading.Type(ctx, "Hello, harness", harness.KeepCaret(), harness.Timeout(gestureTimeout))).To(Succeed())
		Eventually(builder.Canvas().ByCSS("h1")).WithContext(ctx).Should(e2e.HaveText("Hello, harness"))

		By("clicking another component to finish editing, and seeing the new heading in the exported HTML")
		builder.Select(ctx, introText, "Intro")
		Eventually(builder.ExportedHTML).WithContext(ctx).Should(ContainSubstring(">Hello, harness</h1>"))
		Expect(builder.ExportedHTML(ctx)).NotTo(ContainSubstring(titleText))
	}, e2e.Timeout())

	It("deletes a paragraph with the Delete key, takes it back with Control+Z and redoes with Control+Shift+Z", func(ctx SpecContext) {
		// The keys go to the canvas iframe, which has the focus after the click: GrapesJS's shortcuts listen on
		// the editor's document and get them through its forwarding copies (see acceptCanvasForwarding).
		By("clicking the footer on the canvas and pressing Delete")
		builder.Select(ctx, footerText, "Footer")
		Expect(builder.Keyboard().Press(ctx, "Delete")).To(Succeed())
		Eventually(builder.ExportedHTML).WithContext(ctx).ShouldNot(ContainSubstring(footerText))

		By("pressing Control+Z")
		Expect(builder.Keyboard().Press(ctx, "Control+Z")).To(Succeed())
		Eventually(builder.ExportedHTML).WithContext(ctx).Should(MatchRegexp(
			`>` + introText + `</p>\s*<p [^>]*class="footer"[^>]*>` + footerText + `</p>`))
		Eventually(builder.OnCanvas(footerText)).WithContext(ctx).Should(e2e.BeVisible())
		Eventually(builder.LayerNames).WithContext(ctx).Should(Equal([]string{"Title", "Intro", "Footer"}))

		By("pressing Control+Shift+Z")
		Expect(builder.Keyboard().Press(ctx, "Control+Shift+Z")).To(Succeed())
		Eventually(builder.ExportedHTML).WithContext(ctx).ShouldNot(ContainSubstring(footerText))
		Eventually(builder.OnCanvas(footerText)).WithContext(ctx).Should(e2e.HaveCount(0))
	}, e2e.Timeout())

	It("sets the footer's width in the style manager after picking it in the layer manager", func(ctx SpecContext) {
		By("clicking the Footer layer")
		Expect(builder.Layer("Footer").Click(ctx)).To(Succeed())
		Eventually(builder.Selected).WithContext(ctx).Should(Equal("Footer"))

		By("typing 320 into the Width field and pressing Enter")
		width := builder.StyleField("width")
		Expect(width.Fill(ctx, "320")).To(Succeed())
		Expect(width.Press(ctx, "Enter")).To(Succeed())

		By("seeing the width in the exported CSS and on the canvas")
		Eventually(builder.ExportedCSS).WithContext(ctx).Should(MatchRegexp(`\.footer\{[^}]*\bwidth:320px;`))
		Eventually(builder.SelectedWidth).WithContext(ctx).Should(BeNumerically("==", 320))
		Expect(width).To(e2e.HaveValue("320"))
	}, e2e.Timeout())
})
