// Package crashsuite is a suite that breaks its browser on purpose, run by suites/e2e's reliability test: a
// killed browser, a hung page and a crashed renderer must each fail only their own spec, as an infrastructure
// failure or a timeout that names the action, and the specs after them must run and pass.
package crashsuite_test

import (
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/e2e/testdata/suiteboot"
)

var _ = e2e.SetupSuite()

func TestCrashSuite(t *testing.T) { suiteboot.Run(t, "Crash suite") }

// clickItsButton opens html in the spec's page and clicks its one button: it passes only when the spec's
// browser works, whatever the spec before it did to its own.
func clickItsButton(ctx SpecContext, html string) *harness.Page {
	GinkgoHelper()
	p := e2e.NewPage(ctx)
	Expect(p.Goto(ctx, suiteboot.DataURL(html))).To(Succeed())
	Expect(p.ByRole("button").Click(ctx)).To(Succeed())
	return p
}

var _ = Describe("A run that breaks its browser", Ordered, ContinueOnFailure, func() {
	It("fails the spec whose browser is killed", func(ctx SpecContext) {
		p := e2e.NewPage(ctx)
		Expect(p.Goto(ctx, suiteboot.DataURL(`<button disabled>Never enabled</button>`))).To(Succeed())
		pid := e2e.Browser(ctx).PID()
		time.AfterFunc(300*time.Millisecond, func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
		Expect(p.ByRole("button").Click(ctx, harness.Timeout(10*time.Second))).To(Succeed())
	}, e2e.Timeout())

	It("runs the next spec in a new browser", func(ctx SpecContext) {
		p := clickItsButton(ctx, `<button onclick="this.textContent='done'">Go</button>`)
		Eventually(p.ByRole("button")).Should(e2e.HaveText("done"))
	}, e2e.Timeout())

	It("fails the spec whose page hangs, with a timeout naming the action", func(ctx SpecContext) {
		p := e2e.NewPage(ctx)
		Expect(p.Goto(ctx, suiteboot.DataURL(`<button onclick="for(;;){}">Freeze</button>`))).To(Succeed())
		Expect(p.ByRole("button").Click(ctx, harness.Timeout(2*time.Second))).To(Succeed())
	}, e2e.Timeout())

	It("runs the spec after the hang", func(ctx SpecContext) {
		clickItsButton(ctx, `<button onclick="this.textContent='done'">Go</button>`)
	}, e2e.Timeout())

	It("fails the spec whose renderer crashes", func(ctx SpecContext) {
		p := e2e.NewPage(ctx)
		_ = p.Goto(ctx, "chrome://crash")
		Expect(p.ByRole("button").Click(ctx, harness.Timeout(2*time.Second))).To(Succeed())
	}, e2e.Timeout())

	It("finishes the suite", func(ctx SpecContext) {
		clickItsButton(ctx, `<button>Last</button>`)
	}, e2e.Timeout())
})
