package e2e_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/suites/e2e"
)

// moduleRoot is the repository root, where go test and the Ginkgo CLI are run from.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// build compiles a test binary (or a command) once for this test run.
func build(t *testing.T, out string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{args[0], "-o", out}, args[1:]...)...)
	cmd.Dir = moduleRoot(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return out
}

func readReport(t *testing.T, dir string) []types.SpecReport {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var reports []types.Report
	if err := json.Unmarshal(body, &reports); err != nil {
		t.Fatal(err)
	}
	var specs []types.SpecReport
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType == types.NodeTypeIt {
				specs = append(specs, s)
			}
		}
	}
	return specs
}

// A killed browser, a hung page and a crashed renderer each fail their own spec only — the crashes marked as
// infrastructure failures, the hang as a timeout naming the action — and the suite runs to its end.
func TestSuiteSurvivesAKilledBrowserAHungPageAndACrashedRenderer(t *testing.T) {
	bin := build(t, filepath.Join(t.TempDir(), "crashsuite.test"), "test", "-c", "./suites/e2e/testdata/crashsuite")
	out := t.TempDir()
	profiles, err := os.MkdirTemp("", "rp")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profiles)
	cmd := exec.Command(bin, "-ginkgo.no-color")
	cmd.Env = append(os.Environ(), "E2E_OUTPUT_DIR="+out, "E2E_PROFILE_ROOT="+profiles, "BASE_URL=")
	output, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("the crash suite should fail (exit 1), got %v\n%s", err, output)
	}
	specs := readReport(t, out)
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

// assertNothingLeft waits a little for guards to finish (leakless and the profile janitor react to the
// death of the process they watch) and then requires no browser process using a profile under root and no
// directory left in root.
func assertNothingLeft(t *testing.T, root string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		procs := browsersUsing(root)
		left, _ := filepath.Glob(filepath.Join(root, "*"))
		if len(procs) == 0 && len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind: browser processes %v, profile directories %v", procs, left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// browsersUsing lists the live processes whose command line names a path under root.
func browsersUsing(root string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmdline), root) || strings.Contains(string(cmdline), "e2e-profile-janitor") {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err == nil && strings.Contains(string(stat), ") Z ") {
			continue // a zombie is dead; its parent reaps it
		}
		out = append(out, fmt.Sprintf("%s:%s", e.Name(), strings.SplitN(string(cmdline), "\x00", 2)[0]))
	}
	return out
}

// make e2e's processes end every browser they started and remove every profile, whether the run finishes,
// is interrupted (Ctrl-C sends SIGINT to the whole process group), is cancelled (SIGTERM to the Ginkgo CLI,
// as CI does), or is killed outright (SIGKILL to every process of the run).
func TestNothingIsLeftBehind(t *testing.T) {
	tmp := t.TempDir()
	suite := build(t, filepath.Join(tmp, "editor.test"), "test", "-c", "./suites/editor")
	ginkgo := build(t, filepath.Join(tmp, "ginkgo"), "build", "github.com/onsi/ginkgo/v2/ginkgo")
	for _, tc := range []struct {
		name   string
		signal func(cmd *exec.Cmd) error // nil: let the run finish
	}{
		{"finished", nil},
		{"SIGINT to the process group", func(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }},
		{"SIGTERM to the Ginkgo CLI", func(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGTERM) }},
		{"SIGKILL to every process", func(cmd *exec.Cmd) error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			profiles, err := os.MkdirTemp("", "lp")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(profiles)
			args := []string{"--no-color", "-p", "--procs=2", "--timeout=5m", suite}
			if tc.signal == nil {
				args = []string{"--no-color", "-p", "--procs=2", "--focus=selects the element", suite}
			}
			cmd := exec.Command(ginkgo, args...)
			cmd.Env = append(os.Environ(), "E2E_PROFILE_ROOT="+profiles, "E2E_OUTPUT_DIR="+filepath.Join(tmp, "out"), "BASE_URL=")
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var log strings.Builder
			cmd.Stdout, cmd.Stderr = &log, &log
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			if tc.signal != nil {
				// Wait until both processes have browsers running, then break in.
				deadline := time.Now().Add(60 * time.Second)
				for len(browsersUsing(profiles)) < 2 {
					if time.Now().After(deadline) {
						_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
						t.Fatalf("no browsers started within a minute:\n%s", log.String())
					}
					time.Sleep(50 * time.Millisecond)
				}
				time.Sleep(time.Second) // into the specs
				if err := tc.signal(cmd); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case err := <-done:
				if tc.signal == nil && err != nil {
					t.Fatalf("the run failed: %v\n%s", err, log.String())
				}
			case <-time.After(2 * time.Minute):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				t.Fatalf("the run did not end:\n%s", log.String())
			}
			assertNothingLeft(t, profiles)
		})
	}
}

// E2E_SHARD splits the suite across machines: run for real, every spec of the editor suite runs in exactly
// one of three shards, and the shards together run all of it.
func TestShardsPartitionTheSuite(t *testing.T) {
	tmp := t.TempDir()
	suite := build(t, filepath.Join(tmp, "editor.test"), "test", "-c", "./suites/editor")
	ranIn := map[string][]string{}
	var all []string
	for i := 1; i <= 3; i++ {
		shard := fmt.Sprintf("%d/3", i)
		out := filepath.Join(tmp, "shard", fmt.Sprint(i))
		cmd := exec.Command(suite, "-ginkgo.no-color")
		cmd.Env = append(os.Environ(), "E2E_SHARD="+shard, "E2E_OUTPUT_DIR="+out, "BASE_URL=")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("shard %s failed: %v\n%s", shard, err, b)
		}
		specs := readReport(t, out)
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
	bin := build(t, filepath.Join(t.TempDir(), "untrusted.test"), "test", "-c", "./suites/e2e/testdata/untrustedsuite")
	out := t.TempDir()
	cmd := exec.Command(bin, "-ginkgo.no-color")
	cmd.Env = append(os.Environ(), "E2E_OUTPUT_DIR="+out, "BASE_URL=")
	if b, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("the suite should fail for its undeclared script click:\n%s", b)
	}
	specs := readReport(t, out)
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
		found = found || (e.Name == "untrusted events allowed" && strings.Contains(e.StringRepresentation(), "checks the guard itself"))
	}
	if !found {
		t.Errorf("the declared reason is not in the spec's report")
	}
}
