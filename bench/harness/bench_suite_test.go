// Package harnessbench is the harness side of make bench: the scenario bench/playwright times, written the way
// a spec is written here. It uses the same glue as the real suites (one browser per process, a prepared
// isolated session per spec), so what it measures is what the suites pay.
package harnessbench_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
)

var _ = e2e.SetupSuite()

func TestBench(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Bench: Insert dynamic data ×20")
}
