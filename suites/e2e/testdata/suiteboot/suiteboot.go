// Package suiteboot is what the suites kept under testdata for other packages' tests have in common: how one
// runs its specs, and how a spec that waits to be stopped tells the test running it that it has started.
package suiteboot

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Run runs the suite's specs with Gomega failing through Ginkgo: the whole of each suite's Test function.
func Run(t *testing.T, description string) {
	RegisterFailHandler(Fail)
	RunSpecs(t, description)
}

// DataURL is a page made of html alone, for a spec that needs no server.
func DataURL(html string) string { return "data:text/html," + url.PathEscape(html) }

// StartedDir is the folder the environment variable env names, where a spec that waits to be stopped says it
// has started. Without env the spec is skipped: it only means something under the test that runs its suite.
func StartedDir(env string) string {
	dir := os.Getenv(env)
	if dir == "" {
		Skip(env + " is not set: this spec is run by the test that starts its suite")
	}
	return dir
}

// SayStarted leaves a file named after the spec's parallel process in dir (from StartedDir), so the test that
// runs the suite knows the spec is running.
func SayStarted(dir string) {
	Expect(os.WriteFile(filepath.Join(dir, fmt.Sprint(GinkgoParallelProcess())), nil, 0o644)).To(Succeed())
}
