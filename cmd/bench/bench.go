package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/suiterun"
)

type bench struct {
	rounds  int
	samples int
	out     string

	suite, ginkgo string // the compiled harness suite and the Ginkgo CLI
	target        string
}

// suiteRun is one timed run of one side.
type suiteRun struct {
	took  time.Duration
	rssMB float64 // peak resident memory of the harness's own process (0 for Playwright and for -p runs)
}

func (b *bench) run(ctx context.Context) error {
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	bin, err := os.MkdirTemp("", "bench-bin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	if b.suite, err = suiterun.Build(ctx, bin, "github.com/e2e-harness/e2e/bench/harness"); err != nil {
		return err
	}
	if b.ginkgo, err = suiterun.BuildGinkgo(ctx, bin); err != nil {
		return err
	}
	if _, err := os.Stat("bench/playwright/node_modules/@playwright/test"); err != nil {
		return errors.New("no Playwright Test in bench/playwright/node_modules: run npm ci there (make bench does it)")
	}
	srv, err := fixtures.Serve(ctx, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	b.target = srv.URL() + "/"

	fmt.Println("bench: measuring one click, a raw move/press/release and a spec's setup in one browser")
	micro, err := b.micro(ctx)
	if err != nil {
		return err
	}

	sides := []struct {
		name string
		run  func(context.Context, int, int) (suiteRun, error)
	}{{"harness", b.harnessSuite}, {"playwright", b.playwrightSuite}}
	times := map[string][]time.Duration{}
	var rss []float64
	for round := 1; round <= b.rounds; round++ {
		for _, workers := range []int{1, 2} {
			for _, side := range sides {
				r, err := side.run(ctx, workers, round)
				if err != nil {
					return err
				}
				key := fmt.Sprintf("%s/%d", side.name, workers)
				times[key] = append(times[key], r.took)
				if r.rssMB > 0 {
					rss = append(rss, r.rssMB)
				}
				fmt.Printf("bench: round %d %-10s workers=%d %6.2fs\n", round, side.name, workers, r.took.Seconds())
			}
		}
	}
	h1, p1 := median(times["harness/1"]), median(times["playwright/1"])
	h2, p2 := median(times["harness/2"]), median(times["playwright/2"])
	fmt.Printf("bench: suite_s with 2 workers harness=%.2f playwright=%.2f ratio=%.3f\n", h2.Seconds(), p2.Seconds(), h2.Seconds()/p2.Seconds())
	fmt.Printf("bench: harness speed-up from 1 to 2 processes=%.2fx (playwright %.2fx)\n", h1.Seconds()/h2.Seconds(), p1.Seconds()/p2.Seconds())
	fmt.Printf("bench: click_ms=%.1f raw_triple_ms=%.1f spec_setup_ms=%.1f harness_rss_mb=%.1f\n",
		ms(median(micro.click)), ms(median(micro.raw)), ms(median(micro.setup)), slices.Max(append(rss, micro.rssMB)))
	fmt.Printf("bench: suite_s harness=%.2f playwright=%.2f ratio=%.3f\n", h1.Seconds(), p1.Seconds(), h1.Seconds()/p1.Seconds())
	return nil
}

// harnessSuite runs the Ginkgo suite: the compiled binary itself with one process (so its peak memory is
// measurable), the Ginkgo CLI with -p for more.
func (b *bench) harnessSuite(ctx context.Context, workers, round int) (suiteRun, error) {
	out := filepath.Join(b.out, fmt.Sprintf("harness-%d-%d", workers, round))
	run := suiterun.Command{Suite: b.suite, Procs: workers, Env: append(os.Environ(), "BASE_URL="+b.target), OutputDir: out}
	if workers > 1 {
		run.Ginkgo = b.ginkgo
	}
	return timed("the harness suite", out+".log", workers == 1, func(log io.Writer) (running, error) {
		run.Output = log
		return run.Start(ctx)
	})
}

// playwrightSuite runs Playwright Test with the same Chromium and flags (bench/playwright/playwright.config.js).
func (b *bench) playwrightSuite(ctx context.Context, workers, round int) (suiteRun, error) {
	out := filepath.Join(b.out, fmt.Sprintf("playwright-%d-%d", workers, round))
	cmd := exec.CommandContext(ctx, "npx", "--no-install", "playwright", "test", "--output", out)
	cmd.Dir = "bench/playwright"
	bin, err := harness.FindChrome("")
	if err != nil {
		return suiteRun{}, err
	}
	// Playwright's browsers keep their temporary files under TMPDIR; this run's go where the bench removes them.
	tmp, err := os.MkdirTemp("", "pw")
	if err != nil {
		return suiteRun{}, err
	}
	defer os.RemoveAll(tmp)
	cmd.Env = append(os.Environ(), "BASE_URL="+b.target, fmt.Sprintf("WORKERS=%d", workers), "CHROME_BIN="+bin,
		"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1", "TMPDIR="+tmp)
	return timed("Playwright Test", out+".log", false, func(log io.Writer) (running, error) {
		cmd.Stdout, cmd.Stderr = log, log
		return startedCmd{cmd}, cmd.Start()
	})
}

// running is a started side: a suite run or Playwright Test.
type running interface {
	Pid() int
	Wait() error
}

type startedCmd struct{ *exec.Cmd }

func (c startedCmd) Pid() int { return c.Process.Pid }

// timed starts a side with its output going to logPath and times it to its end.
func timed(name, logPath string, measureRSS bool, start func(log io.Writer) (running, error)) (suiteRun, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return suiteRun{}, err
	}
	defer log.Close()
	started := time.Now()
	p, err := start(log)
	if err != nil {
		return suiteRun{}, err
	}
	// The harness process's own peak memory: VmHWM of that one process, read while it runs. (The rusage of a
	// finished child would report its largest descendant instead: Chromium's browser process.)
	var peakKB int
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if kb := vmHWM(p.Pid()); kb > peakKB {
				peakKB = kb
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	err = p.Wait()
	took := time.Since(started)
	close(stopSampling)
	<-sampled
	if err != nil {
		return suiteRun{}, fmt.Errorf("%s failed (%v); see %s", name, err, logPath)
	}
	r := suiteRun{took: took}
	if measureRSS {
		r.rssMB = float64(peakKB) / 1024
	}
	return r, nil
}

// vmHWM is a live process's peak resident set size in kB, 0 when it cannot be read (the process has ended).
func vmHWM(pid int) int {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb
		}
	}
	return 0
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
