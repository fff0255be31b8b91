package harnessbench_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
)

var _ = Describe("Insert dynamic data", func() {
	if scenario != "fixture" {
		return
	}
	for i := 1; i <= specCount; i++ {
		It(fmt.Sprintf("inserts Current User's email into the heading (%d)", i), func(ctx SpecContext) {
			ph := startPhases()
			page := e2e.NewPage(ctx)
			ph.mark(phaseNewPage)
			Expect(page.Goto(ctx, e2e.URL(fmt.Sprintf("?doc=h-%d-%d", time.Now().UnixNano(), i)))).To(Succeed())
			ph.mark(phaseGoto)
			Eventually(page.ByCSS("html")).Should(e2e.HaveAttribute("data-editor-state", "ready"))
			Expect(page.ByTestID("canvas").Frame().ByTestID("canvas-element-e1").Click(ctx)).To(Succeed())
			ph.mark(phaseFirstClick)
			Eventually(page.ByTestID("selected-element-label")).Should(e2e.HaveText("Text e1"))
			Expect(page.ByTestID("field-text").Click(ctx)).To(Succeed())
			Expect(page.ByTestID("insert-dynamic-data").Click(ctx)).To(Succeed())
			Expect(page.ByTestID("dynamic-data-option-current-user").Click(ctx)).To(Succeed())
			Expect(page.ByTestID("dynamic-data-option-current-user-email").Click(ctx)).To(Succeed())
			Eventually(page.ByTestID("field-text").ByTestID("expression-chip")).Should(e2e.HaveCount(1))
			Eventually(page.ByTestID("field-text")).Should(e2e.ContainText("Current User › Email"))
			ph.mark(phaseRest)
		}, e2e.Timeout())
	}
})
