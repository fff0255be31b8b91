// Package pausesuite is run by suites/e2e's PAUSE_ON_FAILURE test on a pseudo-terminal of its own: its one spec
// opens the fixture editor and fails at a click, so the spec process pauses with the page still open.
package pausesuite_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/e2e/testdata/suiteboot"
)

var _ = e2e.SetupSuite()

func TestPauseSuite(t *testing.T) { suiteboot.Run(t, "Pause suite") }

var _ = Describe("A failing spec under PAUSE_ON_FAILURE", func() {
	It("clicks a button the editor does not have", func(ctx SpecContext) {
		page := e2e.NewPage(ctx)
		Expect(page.Goto(ctx, e2e.URL(""))).To(Succeed())
		By("clicking the missing button")
		Expect(page.ByTestID("no-such-button").Click(ctx, harness.Timeout(300*time.Millisecond))).To(Succeed())
	}, e2e.Timeout())
})
