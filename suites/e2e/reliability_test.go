package e2e_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/reports/artifact"
	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/suiterun"
	"github.com/e2e-harness/e2e/suites/suiterun/proctest"
)

// build compiles the suite package pkg (an import path) into a directory of this test.
func build(t *testing.T, pkg string) string {
	t.Helper()
	bin, err := suiterun.Build(t.Context(), t.TempDir(), pkg)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// buildForCLI compiles the suite package pkg and the Ginkgo CLI for a run under the CLI, and returns a folder
// of this test for the run's files with the two binaries.
func buildForCLI(t *testing.T, pkg string) (tmp, suite, ginkgo string) {
	t.Helper()
	tmp = t.TempDir()
	suite = build(t, pkg)
	ginkgo, err := suiterun.BuildGinkgo(t.Context(), tmp)
	if err != nil {
		t.Fatal(err)
	}
	return tmp, suite, ginkgo
}

// runAlone runs a compiled suite by itself, in one process, with env added to this process's environment.
func runAlone(t *testing.T, suite, out string, env ...string) (string, error) {
	t.Helper()
	var log strings.Builder
	err := suiterun.Command{Suite: suite, Env: append(os.Environ(), env...), OutputDir: out, Output: &log}.Run(t.Context())
	return log.String(), err
}

// itSpecs reads the It specs of the report the suite wrote into out.
func itSpecs(t *testing.T, out string) types.SpecReports {
	t.Helper()
	r, err := suiterun.ReadReport(out)
	if err != nil {
		t.Fatal(err)
	}
	return r.SpecReports.WithLeafNodeType(types.NodeTypeIt)
}

// A killed browser, a hung page and a crashed renderer each fail their own spec only — the crashes marked as
// infrastructure failures, the hang as a timeout naming the action — and the suite runs to its end.
func TestSuiteSurvivesAKilledBrowserAHungPageAndACrashedRenderer(t *testing.T) {
	bin := build(t, "github.com/e2e-harness/e2e/suites/e2e/testdata/crashsuite")
	out := t.TempDir()
	profiles, err := os.MkdirTemp("", "rp")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profiles)
	output, err := runAlone(t, bin, out, "E2E_PROFILE_ROOT="+profiles, "BASE_URL=")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("the crash suite should fail (exit 1), got %v\n%s", err, output)
	}
	specs := itSpecs(t, out)
	want := []struct {
		text           string
		failed, infra  bool
		messageContain string
	}{
		{"fails the spec whose browser is killed", true, true, "the browser process exited"},
		{"runs the next spec in a new browser", false, false, ""},
		{"fails the spec whose page hangs, with a timeout naming the action", true, false, "click role=button: gave up after"},
		{"runs the spec after the hang", false, false, ""},
		{"fails the spec whose renderer crashes", true, true, "renderer process crashed"},
		{"finishes the suite", false, false, ""},
	}
	if len(specs) != len(want) {
		t.Fatalf("%d specs in the report, want %d", len(specs), len(want))
	}
	for i, w := range want {
		s := specs[i]
		if s.LeafNodeText != w.text {
			t.Fatalf("spec %d is %q, want %q", i, s.LeafNodeText, w.text)
		}
		if failed := s.State.Is(types.SpecStateFailureStates); failed != w.failed {
			t.Errorf("%q: failed=%v, want %v (%s)", w.text, failed, w.failed, s.Failure.Message)
		}
		if infra := e2e.IsInfrastructureFailure(s); infra != w.infra {
			t.Errorf("%q: infrastructure failure=%v, want %v", w.text, infra, w.infra)
		}
		if !strings.Contains(s.Failure.Message, w.messageContain) {
			t.Errorf("%q: failure %q does not say %q", w.text, s.Failure.Message, w.messageContain)
		}
	}
	assertNothingLeft(t, profiles)
}

// assertNothingLeft waits for the guards to finish — leakless ends a browser whose launching process died,
// and each profile janitor removes its profile once its browser is gone, then exits — and then requires no
// directory left in root. It waits for those processes to end rather than for a time, since on a loaded
// machine their clean-up merely takes longer; guardHang only bounds a guard that never ends.
func assertNothingLeft(t *testing.T, root string) {
	t.Helper()
	deadline := time.Now().Add(guardHang)
	for {
		browsers, janitors := processesUsing(root)
		if len(browsers) == 0 && len(janitors) == 0 {
			break
		}
		if time.Now().After(deadline) {
			left, _ := filepath.Glob(filepath.Join(root, "*"))
			t.Fatalf("left behind after %s: browser processes %v, profile janitors %v, profile directories %v", guardHang, browsers, janitors, left)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if left, _ := filepath.Glob(filepath.Join(root, "*")); len(left) > 0 {
		t.Fatalf("left behind: profile directories %v, with no browser or janitor running any more", left)
	}
}

// guardHang is how long the guards may take before they count as hung: far beyond the moment their work takes
// even on an overloaded machine.
const guardHang = 2 * time.Minute

// browsersUsing lists the live processes whose command line names a path under root, but for the janitors.
func browsersUsing(root string) []string {
	browsers, _ := processesUsing(root)
	return browsers
}

// processesUsing lists the live processes whose command line names a path under root: the browsers, and apart
// from them the profile janitors (one for each launched browser whose profile is guarded) and the rm they run.
func processesUsing(root string) (browsers, janitors []string) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmdline), root) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err == nil && strings.Contains(string(stat), ") Z ") {
			continue // a zombie is dead; its parent reaps it
		}
		// Chromium's helpers rewrite their command line into one space-separated string: keep its first word.
		argv0 := strings.SplitN(string(cmdline), "\x00", 2)[0]
		if words := strings.Fields(argv0); len(words) > 0 {
			argv0 = words[0]
		}
		p := e.Name() + ":" + argv0
		if strings.Contains(string(cmdline), "e2e-profile-janitor") || startedByJanitor(e.Name()) {
			janitors = append(janitors, p)
		} else {
			browsers = append(browsers, p)
		}
	}
	return browsers, janitors
}

// startedByJanitor tells whether process pid is one a profile janitor started (its rm).
func startedByJanitor(pid string) bool {
	n, err := strconv.Atoi(pid)
	if err != nil {
		return false
	}
	_, parent, ok := proctest.State(n)
	if !ok {
		return false
	}
	cmdline, ok := proctest.Cmdline(parent)
	return ok && strings.Contains(cmdline, "e2e-profile-janitor")
}

// make e2e's processes end every browser they started and remove every profile, whether the run finishes,
// is interrupted (Ctrl-C sends SIGINT to the whole process group), is cancelled (SIGTERM to the Ginkgo CLI,
// as CI does), or is killed outright (SIGKILL to every process of the run).
func TestNothingIsLeftBehind(t *testing.T) {
	tmp, suite, ginkgo := buildForCLI(t, "github.com/e2e-harness/e2e/suites/editor")
	// A run is the leader of its own process group, as make e2e's Ginkgo CLI is in the terminal's.
	for _, tc := range []struct {
		name   string
		signal func(pid int) error // nil: let the run finish
	}{
		{"finished", nil},
		{"SIGINT to the process group", func(pid int) error { return syscall.Kill(-pid, syscall.SIGINT) }},
		{"SIGTERM to the Ginkgo CLI", func(pid int) error { return syscall.Kill(pid, syscall.SIGTERM) }},
		{"SIGKILL to every process", func(pid int) error { return syscall.Kill(-pid, syscall.SIGKILL) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			profiles, err := os.MkdirTemp("", "lp")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(profiles)
			flags := []string{"--timeout=5m"}
			if tc.signal == nil {
				flags = []string{"--focus=selects the element"}
			}
			logFile, err := os.Create(filepath.Join(t.TempDir(), "run.log"))
			if err != nil {
				t.Fatal(err)
			}
			defer logFile.Close()
			log := func() string { b, _ := os.ReadFile(logFile.Name()); return string(b) }
			run, err := suiterun.Command{Suite: suite, Ginkgo: ginkgo, Procs: 2, Flags: flags,
				Env: append(os.Environ(), "E2E_PROFILE_ROOT="+profiles, "BASE_URL="), OutputDir: filepath.Join(tmp, "out"), Output: logFile,
			}.Start(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if tc.signal != nil {
				// Break in once both processes have launched and guarded their browsers and the specs are under
				// way (the CLI prints a • for each spec that passed).
				deadline := time.Now().Add(2 * time.Minute)
				for {
					_, janitors := processesUsing(profiles)
					if len(janitors) >= 2 && strings.Contains(log(), "•") {
						break
					}
					if time.Now().After(deadline) {
						_ = syscall.Kill(-run.Pid(), syscall.SIGKILL)
						t.Fatalf("the browsers did not start, or no spec passed, within two minutes:\n%s", log())
					}
					time.Sleep(50 * time.Millisecond)
				}
				if err := tc.signal(run.Pid()); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case <-run.Done():
				if err := run.Wait(); tc.signal == nil && err != nil {
					t.Fatalf("the run failed: %v\n%s", err, log())
				}
			case <-time.After(2 * time.Minute):
				_ = syscall.Kill(-run.Pid(), syscall.SIGKILL)
				t.Fatalf("the run did not end:\n%s", log())
			}
			assertNothingLeft(t, profiles)
		})
	}
}

// orphanLimit is how soon after the Ginkgo CLI dies its spec processes and their browsers must be gone: the
// requirement itself, not a measurement of this machine.
const orphanLimit = 2 * time.Second

// The Ginkgo CLI killed outright (SIGKILL: an OOM kill, a CI agent that lost its runner) takes its spec
// processes and their browsers with it within orphanLimit. Each spec of the orphan suite holds a page open
// for ten minutes, so a spec process that is gone in time did not end by itself.
func TestKillingTheGinkgoCLIEndsItsSpecProcessesAndBrowsers(t *testing.T) {
	tmp, suite, ginkgo := buildForCLI(t, "github.com/e2e-harness/e2e/suites/e2e/testdata/orphansuite")
	profiles, err := os.MkdirTemp("", "op")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profiles)
	started := t.TempDir()
	logFile, err := os.Create(filepath.Join(tmp, "run.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	log := func() string { b, _ := os.ReadFile(logFile.Name()); return string(b) }
	run, err := suiterun.Command{Suite: suite, Ginkgo: ginkgo, Procs: 2,
		Env:       append(os.Environ(), "E2E_PROFILE_ROOT="+profiles, "BASE_URL=", "ORPHANSUITE_STARTED="+started),
		OutputDir: filepath.Join(tmp, "out"), Output: logFile}.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// The test's own safety net, whatever happens: the spec processes are in the CLI's process group.
	defer killLeftovers(run.Pid(), profiles)

	// Both specs have their page open, each in its own process's browser.
	proctest.WaitForStarted(t, run, started, 2, log)
	specProcs := proctest.Children(run.Pid())
	if len(specProcs) != 2 {
		t.Fatalf("the CLI (pid %d) has child processes %v, want its two spec processes", run.Pid(), specProcs)
	}
	for _, pid := range specProcs {
		if owned, _ := filepath.Glob(filepath.Join(profiles, fmt.Sprintf("p%d-*", pid))); len(owned) != 1 {
			t.Fatalf("spec process %d has browser profiles %v, want one", pid, owned)
		}
	}
	if browsers, janitors := processesUsing(profiles); len(browsers) == 0 || len(janitors) != 2 {
		t.Fatalf("before the kill: browser processes %v and profile janitors %v, want two guarded browsers", browsers, janitors)
	}

	if err := syscall.Kill(run.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	<-run.Done()
	for {
		specsLeft, browsersLeft := proctest.Running(specProcs), browsersUsing(profiles)
		if len(specsLeft) == 0 && len(browsersLeft) == 0 {
			break
		}
		if time.Since(killed) > orphanLimit {
			t.Fatalf("%s after the Ginkgo CLI was killed, still running: spec processes %v, browser processes %v\n%s",
				orphanLimit, specsLeft, browsersLeft, log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	assertNothingLeft(t, profiles)
}

// killLeftovers ends what a failed run left: the run's process group and any browser using a profile under
// root.
func killLeftovers(group int, root string) {
	_ = syscall.Kill(-group, syscall.SIGKILL)
	for _, p := range browsersUsing(root) {
		if pid, err := strconv.Atoi(strings.SplitN(p, ":", 2)[0]); err == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// E2E_SHARD splits the suite across machines: run for real, every spec of the editor suite runs in exactly
// one of three shards, and the shards together run all of it.
func TestShardsPartitionTheSuite(t *testing.T) {
	tmp := t.TempDir()
	suite := build(t, "github.com/e2e-harness/e2e/suites/editor")
	ranIn := map[string][]string{}
	var all []string
	for i := 1; i <= 3; i++ {
		shard := fmt.Sprintf("%d/3", i)
		out := filepath.Join(tmp, "shard", fmt.Sprint(i))
		if log, err := runAlone(t, suite, out, "E2E_SHARD="+shard, "BASE_URL="); err != nil {
			t.Fatalf("shard %s failed: %v\n%s", shard, err, log)
		}
		specs := itSpecs(t, out)
		if i == 1 {
			for _, s := range specs {
				all = append(all, s.FullText())
			}
		}
		for _, s := range specs {
			switch {
			case s.State == types.SpecStatePassed:
				ranIn[s.FullText()] = append(ranIn[s.FullText()], shard)
			case s.State == types.SpecStateSkipped && strings.Contains(s.Failure.Message, "in another shard"):
			default:
				t.Errorf("shard %s: %q ended %s: %s", shard, s.FullText(), s.State, s.Failure.Message)
			}
		}
	}
	if len(all) < 15 {
		t.Fatalf("the suite reported %d specs", len(all))
	}
	for _, spec := range all {
		if got := ranIn[spec]; len(got) != 1 {
			t.Errorf("%q ran in shards %v, want exactly one", spec, got)
		}
	}
	if len(ranIn) != len(all) {
		t.Errorf("%d specs ran across the shards, the suite has %d", len(ranIn), len(all))
	}
}

// A spec that lets script-made input reach the page fails, naming the event and its target, unless it declared
// why; the declared reason is in its report.
func TestUntrustedInputFailsTheSpecUnlessDeclared(t *testing.T) {
	bin := build(t, "github.com/e2e-harness/e2e/suites/e2e/testdata/untrustedsuite")
	out := t.TempDir()
	if log, err := runAlone(t, bin, out, "BASE_URL="); err == nil {
		t.Fatalf("the suite should fail for its undeclared script click:\n%s", log)
	}
	specs := itSpecs(t, out)
	if len(specs) != 2 {
		t.Fatalf("%d specs in the report", len(specs))
	}
	undeclared, declared := specs[0], specs[1]
	if !undeclared.State.Is(types.SpecStateFailureStates) || !strings.Contains(undeclared.Failure.Message, "untrusted click on <button>Go</button>") {
		t.Errorf("the undeclared spec: %s: %s", undeclared.State, undeclared.Failure.Message)
	}
	if declared.State != types.SpecStatePassed {
		t.Errorf("the declared spec: %s: %s", declared.State, declared.Failure.Message)
	}
	found := false
	for _, e := range declared.ReportEntries {
		found = found || (e.Name == artifact.EntryUntrustedAllowed && strings.Contains(e.StringRepresentation(), "checks the guard itself"))
	}
	if !found {
		t.Errorf("the declared reason is not in the spec's report")
	}
}
