package misplaced

import . "github.com/onsi/ginkgo/v2"

// The trap: a smoke spec next to the suite's bootstrap, in a file only go test compiles.
var _ = Describe("Checkout flow", func() {
	It("reaches the checkout page", Label("smoke"), func() {})
})
