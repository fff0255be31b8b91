// Package stopsuite is a small suite for suiterun's tests: a spec for each of two labels, and specs that wait
// until the run is stopped (each first leaves a file in $STOPSUITE_STARTED, so the test knows they are running).
package stopsuite_test

import (
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/e2e/testdata/suiteboot"
)

var _ = e2e.SetupSuite()

func TestStopSuite(t *testing.T) { suiteboot.Run(t, "Stop suite") }

var _ = Describe("A suite run from a program", func() {
	It("runs the spec the label filter picks", Label(e2e.Smoke), func() {})
	It("leaves out the others", Label(e2e.Critical), func() {})

	for i := 1; i <= 2; i++ {
		It(fmt.Sprintf("waits until the run is stopped (%d)", i), Label(e2e.Slow), func(ctx SpecContext) {
			suiteboot.SayStarted(suiteboot.StartedDir("STOPSUITE_STARTED"))
			<-ctx.Done()
		}, SpecTimeout(10*time.Minute))
	}
})
