// Command soak runs the full editor suite over and over — randomised, in parallel, with the cores loaded by
// stress-ng (SOAK_STRESS CPU workers, 2 by default) — and counts the runs that failed and the specs that failed
// in any of them. A merge gate that fails at random gets switched off; this is how we find out whether ours
// does before our users do.
//
// The last line is: soak: runs=<n> failed_runs=<k> flaky_specs=<comma-separated spec texts, or none>
//
// Exit codes: 0 no run failed; 1 some run failed; 2 the soak could not run.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/suites/suiterun"
)

func main() {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	runs := fs.Int("runs", envInt("SOAK_RUNS", 50), "how many runs of the suite (SOAK_RUNS)")
	procs := fs.Int("procs", runtime.NumCPU(), "parallel Ginkgo processes per run")
	load := fs.Int("load", envWorkers("SOAK_STRESS", defaultStress), "stress-ng CPU workers to run alongside, 0 for none (SOAK_STRESS)")
	out := fs.String("out", "out/soak", "where each run's reports go")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := soak(ctx, *runs, *procs, *load, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// defaultStress is one stress-ng CPU worker per core of this project's 2-core machines: both cores busy.
// SOAK_STRESS=8 oversubscribes them four times over, as a machine running several suites and builds at once.
const defaultStress = 2

// envWorkers reads a worker count that may be 0 (none); anything that is not a count gives the fallback.
func envWorkers(name string, fallback int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n >= 0 {
		return n
	}
	return fallback
}

func envInt(name string, fallback int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return fallback
}

func soak(ctx context.Context, runs, procs, load int, out string) (int, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	bin, err := os.MkdirTemp("", "soak-bin-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(bin)
	suite, err := suiterun.Build(ctx, bin, "github.com/e2e-harness/e2e/suites/editor")
	if err != nil {
		return 0, err
	}
	ginkgo, err := suiterun.BuildGinkgo(ctx, bin)
	if err != nil {
		return 0, err
	}
	if load > 0 {
		stopLoad, err := startLoad(load)
		if err != nil {
			return 0, err
		}
		defer stopLoad()
	}
	started := time.Now()
	failedRuns := 0
	failedSpecs := map[string]int{}
	for i := 1; i <= runs; i++ {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		seed := rand.Int64N(1 << 31)
		dir := filepath.Join(out, fmt.Sprintf("run-%02d", i))
		runStart := time.Now()
		failed, err := runOnce(ctx, suiterun.Command{Suite: suite, Ginkgo: ginkgo, Procs: procs,
			Flags: []string{"--randomize-all", fmt.Sprintf("--seed=%d", seed), "--timeout=10m"}}, dir)
		if err != nil {
			return 0, err
		}
		if ctx.Err() != nil {
			return 0, ctx.Err() // an interrupted run says nothing about flakiness
		}
		status := "passed"
		if len(failed) > 0 {
			failedRuns++
			status = fmt.Sprintf("FAILED %s (seed %d)", strings.Join(failed, "; "), seed)
			for _, f := range failed {
				failedSpecs[f]++
			}
		}
		fmt.Printf("soak: run %d/%d %s in %s\n", i, runs, status, time.Since(runStart).Round(100*time.Millisecond))
	}
	flaky := "none"
	if len(failedSpecs) > 0 {
		var names []string
		for name, n := range failedSpecs {
			names = append(names, fmt.Sprintf("%s (%d)", name, n))
		}
		sort.Strings(names)
		flaky = strings.Join(names, ", ")
	}
	fmt.Printf("soak: took %s\n", time.Since(started).Round(time.Second))
	fmt.Printf("soak: runs=%d failed_runs=%d flaky_specs=%s\n", runs, failedRuns, flaky)
	if failedRuns > 0 {
		return 1, nil
	}
	return 0, nil
}

// startLoad keeps workers CPU hogs busy until stopped; they are ended with their process group, also when the
// soak itself is interrupted.
func startLoad(workers int) (func(), error) {
	if _, err := exec.LookPath("stress-ng"); err != nil {
		return nil, fmt.Errorf("stress-ng is missing: apt-get install stress-ng (make soak installs it)")
	}
	cmd := exec.Command("stress-ng", "--cpu", fmt.Sprint(workers), "--quiet")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting stress-ng: %w", err)
	}
	fmt.Printf("soak: stress-ng is running %d CPU workers on %d cores\n", workers, runtime.NumCPU())
	return func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}, nil
}

// runOnce runs the suite once and returns the texts of the specs that failed. A run that produced no report
// at all counts as a failure of the whole run.
func runOnce(ctx context.Context, run suiterun.Command, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	log, err := os.Create(dir + ".log")
	if err != nil {
		return nil, err
	}
	defer log.Close()
	run.Env, run.OutputDir, run.Output = append(os.Environ(), "BASE_URL="), dir, log
	runErr := run.Run(ctx)
	report, err := suiterun.ReadReport(dir)
	if err != nil {
		return []string{fmt.Sprintf("the run produced no report (%v, %v; see %s.log)", runErr, err, dir)}, nil
	}
	var failed []string
	for _, s := range report.SpecReports.WithState(types.SpecStateFailureStates) {
		name := s.FullText()
		if name == "" {
			name = s.LeafNodeType.String()
		}
		failed = append(failed, name)
	}
	if runErr != nil && len(failed) == 0 {
		failed = append(failed, fmt.Sprintf("the run failed outside any spec (%v, see %s.log)", runErr, dir))
	}
	return failed, nil
}
