package harnessbench_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
)

// The minimal scenario (bench/minimal's page): open the page, click the field, type three characters, click
// Insert, pick an entry, see one chip.
var _ = Describe("Minimal page", func() {
	if scenario != "minimal" {
		return
	}
	for i := 1; i <= specCount; i++ {
		It(fmt.Sprintf("inserts a chip after typed text (%d)", i), func(ctx SpecContext) {
			ph := startPhases()
			page := e2e.NewPage(ctx)
			ph.mark(phaseNewPage)
			Expect(page.Goto(ctx, e2e.URL(fmt.Sprintf("?spec=%d", i)))).To(Succeed())
			ph.mark(phaseGoto)
			field := page.ByTestID("field")
			Expect(field.Click(ctx)).To(Succeed())
			ph.mark(phaseFirstClick)
			Expect(field.Type(ctx, "abc")).To(Succeed())
			Expect(page.ByTestID("insert").Click(ctx)).To(Succeed())
			Expect(page.ByTestID("option-user").Click(ctx)).To(Succeed())
			Eventually(field.ByTestID("chip")).Should(e2e.HaveCount(1))
			Eventually(field).Should(e2e.ContainText("abc"))
			ph.mark(phaseRest)
		}, e2e.Timeout())
	}
})
