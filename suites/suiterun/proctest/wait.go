package proctest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/suites/suiterun"
)

// WaitForStarted waits until n specs of run have said they started, each with a file in dir (the suites'
// waiting specs do), and fails the test if the run ends first or two minutes pass. log is the run's output so
// far, for the failure message.
func WaitForStarted(t testing.TB, run *suiterun.Process, dir string, n int, log func() string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if started, _ := filepath.Glob(filepath.Join(dir, "*")); len(started) == n {
			return
		}
		select {
		case <-run.Done():
			t.Fatalf("the run ended before its %d specs started: %v\n%s", n, run.Wait(), log())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d specs did not start within two minutes:\n%s", n, log())
		}
	}
}
