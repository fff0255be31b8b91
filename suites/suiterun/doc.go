// Package suiterun runs one of this project's Ginkgo suites from a program or a test, the way Ginkgo's
// author recommends for that (onsi/ginkgo#1422): build the suite into a test binary once ([Build], and
// [BuildGinkgo] for the CLI at go.mod's version), run the binary — by itself, or under the Ginkgo CLI for
// parallel processes ([Run]) — and read the JSON report the glue wrote into the output directory
// ([ReadReport]). cmd/regressions, cmd/soak, cmd/bench and the tests that watch a whole suite from the outside
// use it.
//
// What it must not do: run specs in its own process (Ginkgo allows one RunSpecs per process, and parallel
// specs need the CLI), or leave a suite's processes behind: a run has a process group of its own, which is
// asked to stop when the run's context ends (SIGTERM to every process, so Ginkgo closes the browsers and writes
// its reports) and killed if it does not stop in time; the run's first process also gets SIGTERM when the
// program that started it dies.
package suiterun
