// Package orphansuite checks from the outside that spec processes end with the Ginkgo CLI: run by suites/e2e's
// test under the CLI in two processes, each of its specs opens a page in its process's browser, says so with
// a file in $ORPHANSUITE_STARTED, and then waits for ten minutes — so a spec process that is gone within
// seconds of the CLI's death did not finish by itself.
package orphansuite_test

import (
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/e2e/testdata/suiteboot"
)

var _ = e2e.SetupSuite()

func TestOrphanSuite(t *testing.T) { suiteboot.Run(t, "Orphan suite") }

var _ = Describe("A spec process whose Ginkgo CLI is killed", func() {
	for i := 1; i <= 2; i++ {
		It(fmt.Sprintf("holds a page open until it is stopped (%d)", i), func(ctx SpecContext) {
			dir := suiteboot.StartedDir("ORPHANSUITE_STARTED")
			p := e2e.NewPage(ctx)
			Expect(p.Goto(ctx, e2e.URL(""))).To(Succeed())
			suiteboot.SayStarted(dir)
			<-ctx.Done()
		}, SpecTimeout(10*time.Minute))
	}
})
