// Package harnessbench is the harness side of make bench: the scenarios bench/playwright times, written the way
// a spec is written here. It uses the same glue as the real suites (one browser per process, a prepared
// isolated session per spec), so what it measures is what the suites pay.
//
// BENCH_SCENARIO picks the scenario (fixture: the fixture editor's Insert flow, the default; minimal: the tiny
// page of bench/minimal), BENCH_SPECS how many isolated specs it has (20 by default), and BENCH_PHASES, when
// set, is a file that receives one JSON line per spec with the time of each of its phases.
package harnessbench_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
)

var _ = e2e.SetupSuite()

// scenario and specCount are read when the spec tree is built, before any flag parsing, so they come from the
// environment only.
var (
	scenario  = envOr("BENCH_SCENARIO", "fixture")
	specCount = envInt("BENCH_SPECS", 20)
)

func TestBench(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, fmt.Sprintf("Bench: %s ×%d", scenario, specCount))
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		panic(fmt.Sprintf("%s=%q: want a positive whole number", name, v))
	}
	return n
}
