package benchrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/bench/minimal"
	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/suiterun"
)

// Options are what one run of the bench measures. Run starts from the repository's root (bench/playwright is
// found from there).
type Options struct {
	Rounds  int             // rounds of each suite run, alternating the sides
	Samples int             // samples of each micro figure
	Out     string          // where the runs' logs go
	Scale   []int           // spec counts of the minimal scenario's scaling runs
	Parts   map[string]bool // which parts to run: micro, fixture, minimal, scale
	Sides   map[string]bool // which sides run the scenarios: harness, playwright
}

// Run runs the parts of the bench opts asks for and prints the figures to stdout.
func Run(ctx context.Context, opts Options) error {
	out, err := filepath.Abs(opts.Out) // the suites run in other working directories
	if err != nil {
		return err
	}
	b := &bench{rounds: opts.Rounds, samples: opts.Samples, out: out, scale: opts.Scale, parts: opts.Parts, sides: opts.Sides}
	return b.run(ctx)
}

type bench struct {
	rounds  int
	samples int
	out     string
	scale   []int           // spec counts of the minimal scenario's scaling runs
	parts   map[string]bool // which parts to run: micro, fixture, minimal, scale
	sides   map[string]bool // which sides run the scenarios: harness, playwright

	suite, ginkgo string // the compiled harness suite and the Ginkgo CLI
	fixtureURL    string // the fixture editor
	minimalURL    string // bench/minimal's page
}

// scenario is one of the two things both sides run.
type scenario struct {
	name    string // "fixture" or "minimal": BENCH_SCENARIO of the harness suite
	url     string // the base URL both sides get
	pwMatch string // the Playwright spec file's name
}

// suiteRun is one timed run of one side.
type suiteRun struct {
	took   time.Duration
	rssMB  float64            // peak resident memory of the harness's own process (0 for Playwright and for -p runs)
	cpu    map[string]float64 // CPU seconds by kind of process (one-process runs only)
	phases []specPhases       // the harness's per-spec phases
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
	b.fixtureURL = srv.URL() + "/"
	stopMinimal, err := serveMinimal(b)
	if err != nil {
		return err
	}
	defer stopMinimal()
	fmt.Printf("bench: load average before: %s\n", loadAverage())

	var micro *microFigures
	if b.parts["micro"] {
		fmt.Println("bench: measuring one click, a raw move/press/release and a spec's setup in one browser")
		if micro, err = b.micro(ctx); err != nil {
			return err
		}
	}

	fixture := scenario{name: "fixture", url: b.fixtureURL, pwMatch: "insert-dynamic-data.spec.js"}
	mini := scenario{name: "minimal", url: b.minimalURL, pwMatch: "minimal.spec.js"}
	type job struct {
		sc      scenario
		workers int
	}
	var jobs []job
	if b.parts["fixture"] {
		jobs = append(jobs, job{fixture, 1}, job{fixture, 2})
	} else if b.parts["trace"] {
		jobs = append(jobs, job{fixture, 1}) // the trace's cost is measured against the default run
	}
	if b.parts["minimal"] {
		jobs = append(jobs, job{mini, 1})
	}
	sides := []struct {
		name string
		run  func(context.Context, scenario, int, int, int) (suiteRun, error)
	}{{"harness", b.harnessSuite}, {"playwright", b.playwrightSuite}}
	runs := map[string][]suiteRun{}
	for round := 1; round <= b.rounds && len(jobs) > 0; round++ {
		for _, j := range jobs {
			for _, side := range sides {
				if !b.sides[side.name] {
					continue
				}
				r, err := side.run(ctx, j.sc, 20, j.workers, round)
				if err != nil {
					return err
				}
				key := fmt.Sprintf("%s/%s/%d", j.sc.name, side.name, j.workers)
				runs[key] = append(runs[key], r)
				fmt.Printf("bench: round %d %-8s %-10s workers=%d %6.2fs\n", round, j.sc.name, side.name, j.workers, r.took.Seconds())
			}
		}
		// What the trace costs a passing spec: the same harness run with traces off, in the same round.
		if b.parts["trace"] && b.sides["harness"] {
			r, err := b.harnessSuiteWith(ctx, fixture, 20, 1, round, "trace-off", "E2E_TRACE=off")
			if err != nil {
				return err
			}
			runs["fixture/harness-trace-off/1"] = append(runs["fixture/harness-trace-off/1"], r)
			fmt.Printf("bench: round %d %-8s %-10s workers=1 %6.2fs\n", round, "fixture", "harness, E2E_TRACE=off", r.took.Seconds())
		}
	}

	var scaled []scaleRun
	if b.parts["scale"] {
		for _, n := range b.scale {
			r, err := b.harnessSuite(ctx, mini, n, 1, 0)
			if err != nil {
				return err
			}
			scaled = append(scaled, scaleRun{specs: n, run: r})
			fmt.Printf("bench: scale minimal harness specs=%d %6.2fs\n", n, r.took.Seconds())
		}
	}

	fmt.Printf("bench: load average after: %s\n", loadAverage())
	b.summary(runs, micro, scaled)
	return nil
}

// summary prints the figures; the last lines keep a fixed form (see main.go).
func (b *bench) summary(runs map[string][]suiteRun, micro *microFigures, scaled []scaleRun) {
	took := func(key string) time.Duration {
		var d []time.Duration
		for _, r := range runs[key] {
			d = append(d, r.took)
		}
		return median(d)
	}
	for _, sc := range []string{"fixture", "minimal"} {
		if len(runs[sc+"/harness/1"]) == 0 {
			continue
		}
		fmt.Printf("bench: %s phases_ms %s\n", sc, phaseLine(runs[sc+"/harness/1"]))
		for _, side := range []string{"harness", "playwright"} {
			rs := runs[sc+"/"+side+"/1"]
			if len(rs) == 0 {
				continue
			}
			fmt.Printf("bench: %s cpu_s %-10s %s\n", sc, side, cpuLine(medianCPU(rs), took(sc+"/"+side+"/1")))
		}
	}
	for _, s := range scaled {
		fmt.Printf("bench: %s\n", s.line())
	}
	if len(runs["fixture/harness/2"]) > 0 && len(runs["fixture/playwright/2"]) > 0 {
		h1, p1 := took("fixture/harness/1"), took("fixture/playwright/1")
		h2, p2 := took("fixture/harness/2"), took("fixture/playwright/2")
		fmt.Printf("bench: suite_s with 2 workers harness=%.2f playwright=%.2f ratio=%.3f\n", h2.Seconds(), p2.Seconds(), h2.Seconds()/p2.Seconds())
		fmt.Printf("bench: harness speed-up from 1 to 2 processes=%.2fx (playwright %.2fx)\n", h1.Seconds()/h2.Seconds(), p1.Seconds()/p2.Seconds())
	}
	if micro != nil {
		var rss []float64
		for _, rs := range runs {
			for _, r := range rs {
				if r.rssMB > 0 {
					rss = append(rss, r.rssMB)
				}
			}
		}
		fmt.Printf("bench: click_ms=%.1f raw_triple_ms=%.1f spec_setup_ms=%.1f harness_rss_mb=%.1f\n",
			ms(median(micro.click)), ms(median(micro.raw)), ms(median(micro.setup)), slices.Max(append(rss, micro.rssMB)))
	}
	if len(runs["fixture/harness-trace-off/1"]) > 0 && len(runs["fixture/harness/1"]) > 0 {
		on, off := took("fixture/harness/1"), took("fixture/harness-trace-off/1")
		fmt.Printf("bench: trace_cost fixture harness E2E_TRACE=failing(default)=%.2fs off=%.2fs ratio=%.3f (20 passing specs)\n",
			on.Seconds(), off.Seconds(), on.Seconds()/off.Seconds())
	}
	if len(runs["minimal/harness/1"]) > 0 && len(runs["minimal/playwright/1"]) > 0 {
		h, p := took("minimal/harness/1"), took("minimal/playwright/1")
		fmt.Printf("bench: suite_s minimal harness=%.2f playwright=%.2f ratio=%.3f\n", h.Seconds(), p.Seconds(), h.Seconds()/p.Seconds())
	}
	if len(runs["fixture/harness/1"]) > 0 && len(runs["fixture/playwright/1"]) > 0 {
		h, p := took("fixture/harness/1"), took("fixture/playwright/1")
		fmt.Printf("bench: suite_s harness=%.2f playwright=%.2f ratio=%.3f\n", h.Seconds(), p.Seconds(), h.Seconds()/p.Seconds())
	}
}

// serveMinimal serves bench/minimal's page on loopback.
func serveMinimal(b *bench) (stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: minimal.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.minimalURL = "http://" + ln.Addr().String() + "/"
	return func() { _ = srv.Close() }, nil
}

// harnessSuite runs the Ginkgo suite: the compiled binary itself with one process (so its peak memory and its
// CPU by process are measurable), the Ginkgo CLI with -p for more.
func (b *bench) harnessSuite(ctx context.Context, sc scenario, specs, workers, round int) (suiteRun, error) {
	return b.harnessSuiteWith(ctx, sc, specs, workers, round, "")
}

// harnessSuiteWith is harnessSuite with variables of its own (variant names its logs).
func (b *bench) harnessSuiteWith(ctx context.Context, sc scenario, specs, workers, round int, variant string, extraEnv ...string) (suiteRun, error) {
	name := fmt.Sprintf("harness-%s-%d-%d-%d", sc.name, specs, workers, round)
	if variant != "" {
		name += "-" + variant
	}
	out := filepath.Join(b.out, name)
	phases := out + ".phases.jsonl"
	_ = os.Remove(phases)
	env := append(os.Environ(), "BASE_URL="+sc.url, "BENCH_SCENARIO="+sc.name, fmt.Sprintf("BENCH_SPECS=%d", specs), "BENCH_PHASES="+phases)
	env = append(env, extraEnv...)
	run := suiterun.Command{Suite: b.suite, Procs: workers, Env: env, OutputDir: out}
	if workers > 1 {
		run.Ginkgo = b.ginkgo
	}
	r, err := timed("the harness suite", out+".log", workers == 1, func(log io.Writer) (running, error) {
		run.Output = log
		return run.Start(ctx)
	})
	if err != nil {
		return r, err
	}
	r.phases, err = readPhases(phases)
	return r, err
}

// playwrightSuite runs Playwright Test with the same Chromium and flags (bench/playwright/playwright.config.js).
func (b *bench) playwrightSuite(ctx context.Context, sc scenario, specs, workers, round int) (suiteRun, error) {
	out := filepath.Join(b.out, fmt.Sprintf("playwright-%s-%d-%d-%d", sc.name, specs, workers, round))
	cmd := exec.CommandContext(ctx, "npx", "--no-install", "playwright", "test", sc.pwMatch, "--output", out)
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
	cmd.Env = append(os.Environ(), "BASE_URL="+sc.url, fmt.Sprintf("WORKERS=%d", workers), "CHROME_BIN="+bin,
		fmt.Sprintf("BENCH_SPECS=%d", specs), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1", "TMPDIR="+tmp)
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

// timed starts a side with its output going to logPath and times it to its end. oneProcess says the side
// runs its specs in the process it starts: its peak memory is then the harness's, and its CPU is sampled.
func timed(name, logPath string, oneProcess bool, start func(log io.Writer) (running, error)) (suiteRun, error) {
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
	cpu := startCPUSampler(p.Pid())
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
	used := cpu.finish()
	if err != nil {
		return suiteRun{}, fmt.Errorf("%s failed (%v); see %s", name, err, logPath)
	}
	r := suiteRun{took: took, cpu: used}
	if oneProcess {
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

// medianCPU is the median CPU of each kind over a side's runs.
func medianCPU(rs []suiteRun) map[string]float64 {
	out := map[string]float64{}
	for _, k := range append(slices.Clone(cpuKinds), "renderer_processes") {
		var v []float64
		for _, r := range rs {
			v = append(v, r.cpu[k])
		}
		out[k] = medianFloat(v)
	}
	return out
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
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

func medianFloat(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
