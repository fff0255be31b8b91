// Package misplaced plants, for cmd/smoke's placement test, one smoke spec where the runner can see it (this
// file) and one where it cannot (checkout_test.go).
package misplaced

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/e2e-harness/e2e/suites/e2e"
)

var _ = Describe("Checkout", Label(e2e.Smoke), func() {
	It("shows the cart", func() {})
})
