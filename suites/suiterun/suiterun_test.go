package suiterun_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/suites/suiterun"
	"github.com/e2e-harness/e2e/suites/suiterun/proctest"
)

const stopSuite = "github.com/e2e-harness/e2e/suites/suiterun/testdata/stopsuite"

var (
	buildOnce     sync.Once
	suite, ginkgo string
	buildErr      error
	binDir        string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries builds the stop suite and the Ginkgo CLI once per test binary.
func binaries(t *testing.T) (string, string) {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "suiterun-test-"); buildErr != nil {
			return
		}
		ctx := context.Background()
		if suite, buildErr = suiterun.Build(ctx, binDir, stopSuite); buildErr != nil {
			return
		}
		ginkgo, buildErr = suiterun.BuildGinkgo(ctx, binDir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return suite, ginkgo
}

// The same Command, with Ginkgo's flags as the CLI spells them, runs the suite by itself and under the CLI in
// two processes; both runs honour the flags and leave a report ReadReport reads.
func TestFlagsReachTheSuiteAloneAndUnderTheCLI(t *testing.T) {
	suite, ginkgo := binaries(t)
	for _, tc := range []struct {
		name   string
		ginkgo string
		procs  int
	}{{"by itself", "", 1}, {"under the CLI in two processes", ginkgo, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			var log strings.Builder
			err := suiterun.Command{Suite: suite, Ginkgo: tc.ginkgo, Procs: tc.procs, Flags: []string{"--label-filter=smoke"},
				Env: append(os.Environ(), "BASE_URL="), OutputDir: out, Output: &log}.Run(t.Context())
			if err != nil {
				t.Fatalf("the run failed: %v\n%s", err, log.String())
			}
			r, err := suiterun.ReadReport(out)
			if err != nil {
				t.Fatal(err)
			}
			ran := map[string]types.SpecState{}
			for _, s := range r.SpecReports.WithLeafNodeType(types.NodeTypeIt) {
				ran[s.LeafNodeText] = s.State
			}
			if len(ran) != 4 || ran["runs the spec the label filter picks"] != types.SpecStatePassed ||
				ran["leaves out the others"] != types.SpecStateSkipped || ran["waits until the run is stopped (1)"] != types.SpecStateSkipped {
				t.Errorf("with --label-filter=smoke the specs ended %v, want only the smoke spec run", ran)
			}
			if tc.procs > 1 && !strings.Contains(log.String(), "Running in parallel across 2 processes") {
				t.Errorf("the run was not parallel:\n%s", log.String())
			}
		})
	}
}

func TestAParallelRunNeedsTheCLI(t *testing.T) {
	err := suiterun.Command{Suite: "editor.test", Procs: 2}.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "needs the Ginkgo CLI") {
		t.Errorf("running in two processes without the CLI: %v", err)
	}
}

func TestReadReportSaysWhenThereIsNone(t *testing.T) {
	if _, err := suiterun.ReadReport(t.TempDir()); err == nil {
		t.Error("reading the report of a folder without one succeeded")
	}
}

// When the context of a run ends while its specs are running, the run is stopped the way Ginkgo wants (its
// reports are written, with the specs interrupted) and no process of its group is left: not the CLI, not a
// spec process. (The browsers are not in the group; the harness's guards end them with their spec process, and
// suites/e2e's TestNothingIsLeftBehind checks that.)
func TestEndingTheContextStopsTheWholeRun(t *testing.T) {
	suite, ginkgo := binaries(t)
	out, started := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logFile, err := os.Create(filepath.Join(t.TempDir(), "run.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	log := func() string { b, _ := os.ReadFile(logFile.Name()); return string(b) }
	run, err := suiterun.Command{Suite: suite, Ginkgo: ginkgo, Procs: 2, Flags: []string{"--label-filter=slow"},
		Env: append(os.Environ(), "BASE_URL=", "STOPSUITE_STARTED="+started), OutputDir: out, Output: logFile}.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	group := run.Pid()
	defer killGroup(group)

	proctest.WaitForStarted(t, run, started, 2, log)
	t.Logf("the run's group: %v", processesIn(group))
	if left := processesIn(group); len(left) < 3 {
		t.Fatalf("the run's group holds %v; want the CLI and its two spec processes at least", left)
	}

	cancel()
	err = run.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Errorf("a stopped run ended with %v, want an exit error", err)
	}
	r, err := suiterun.ReadReport(out)
	if err != nil {
		t.Fatalf("the stopped run wrote no report: %v\n%s", err, log())
	}
	if n := r.SpecReports.WithLeafNodeType(types.NodeTypeIt).CountWithState(types.SpecStateInterrupted); n == 0 {
		t.Errorf("no spec of the stopped run is reported interrupted:\n%s", log())
	}
	// The group's last processes may take a moment to be reaped by their parents.
	for deadline := time.Now().Add(30 * time.Second); len(processesIn(group)) > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("left behind in the run's group: %v", processesIn(group))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
