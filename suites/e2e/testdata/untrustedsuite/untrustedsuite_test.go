// Package untrustedsuite checks the glue's untrusted-event guard from the outside: run by suites/e2e's test,
// its first spec must fail for the script click it makes, the second pass because it declared why.
package untrustedsuite_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/e2e/testdata/suiteboot"
)

var _ = e2e.SetupSuite()

func TestUntrustedSuite(t *testing.T) { suiteboot.Run(t, "Untrusted events") }

const page = `<button onclick="this.textContent='clicked'">Go</button>`

var _ = Describe("Script-dispatched input", Ordered, ContinueOnFailure, func() {
	It("fails a spec that clicks from page script without saying why", func(ctx SpecContext) {
		p := e2e.NewPage(ctx)
		Expect(p.Goto(ctx, suiteboot.DataURL(page))).To(Succeed())
		_, err := p.Evaluate(ctx, `document.querySelector('button').click()`)
		Expect(err).NotTo(HaveOccurred())
		Eventually(p.ByRole("button")).Should(e2e.HaveText("clicked"))
	}, e2e.Timeout())

	It("passes a spec that declares why it clicks from page script", func(ctx SpecContext) {
		p := e2e.NewPage(ctx)
		e2e.AllowUntrustedEvents(p, "this spec checks the guard itself")
		Expect(p.Goto(ctx, suiteboot.DataURL(page))).To(Succeed())
		_, err := p.Evaluate(ctx, `document.querySelector('button').click()`)
		Expect(err).NotTo(HaveOccurred())
		Eventually(p.ByRole("button")).Should(e2e.HaveText("clicked"))
	}, e2e.Timeout())
})
