// Package failingsuite is a deliberately failing Ginkgo suite that uses the real glue, for the reports
// package's tests: one spec passes, one passes only on its second attempt, and one signs in with a known secret
// and then fails on a page whose title, console, exceptions, dialogs, requests and URL carry markup. The tests
// compile it and run it in a subprocess (packages under testdata are left out of ./...) and read what it wrote.
package failingsuite_test

import (
	"net/url"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/e2e/testdata/suiteboot"
)

// Markup is the page-derived text the report must show as text and never run.
const Markup = `</script><img src=x onerror=window.__xss=1>`

// EnvPassword carries the secret the spec types, so the test that runs this suite knows what to look for.
const EnvPassword = "FAILINGSUITE_PASSWORD"

var _ = e2e.SetupSuite()

func TestFailingSuite(t *testing.T) { suiteboot.Run(t, "Failing suite") }

var _ = Describe("A deliberately failing run", func() {
	It("opens the editor", func(ctx SpecContext) {
		page := e2e.NewPage(ctx)
		By("opening the editor")
		Expect(page.Goto(ctx, e2e.URL(""))).To(Succeed())
		Eventually(page.ByTestID("property-panel")).WithTimeout(e2e.LoadTimeout()).Should(e2e.BeVisible())
	}, e2e.Timeout())

	attempts := 0
	It("passes on its second attempt", FlakeAttempts(2), func(ctx SpecContext) {
		attempts++
		page := e2e.NewPage(ctx)
		By("opening the editor")
		Expect(page.Goto(ctx, e2e.URL(""))).To(Succeed())
		By("failing the first time only")
		Expect(attempts).To(BeNumerically(">", 1), "the first attempt fails on purpose")
	}, e2e.Timeout())

	It("signs in, then meets a page full of markup", func(ctx SpecContext) {
		password := os.Getenv(EnvPassword)
		if password == "" {
			Skip(EnvPassword + " is not set: this suite is run by the reports package's tests")
		}
		page := e2e.NewPage(ctx)

		By("signing in with the test account")
		Expect(page.Goto(ctx, e2e.URL("login"))).To(Succeed())
		Expect(page.ByTestID("login-username").Fill(ctx, "reporter")).To(Succeed())
		Expect(page.ByTestID("login-password").Fill(ctx, password)).To(Succeed())
		Expect(page.ByTestID("login-submit").Click(ctx)).To(Succeed())
		Eventually(func() (string, error) { return page.URL(ctx) }).WithContext(ctx).WithTimeout(e2e.LoadTimeout()).ShouldNot(ContainSubstring("/login"))

		By("opening a document whose address carries markup")
		Expect(page.Goto(ctx, e2e.URL("?doc=markup&q="+url.QueryEscape(Markup)))).To(Succeed())
		_, err := page.Evaluate(ctx, `(() => {
			const markup = `+"`"+Markup+"`"+`;
			document.title = markup;
			console.error("console says " + markup);
			setTimeout(() => { throw new Error("uncaught " + markup); }, 0);
			setTimeout(() => alert("dialog " + markup), 10);
			fetch("api/documents/" + encodeURIComponent(markup)).catch(() => {});
			return true;
		})()`)
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() (string, error) { return page.Title(ctx) }).WithContext(ctx).Should(Equal(Markup))

		By("pressing the button named " + Markup)
		Expect(page.ByRole("button", harness.Name(Markup)).Click(ctx, harness.Timeout(1500*time.Millisecond))).To(Succeed())
	}, e2e.Timeout())
})
