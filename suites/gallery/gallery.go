package gallery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/suites/suiterun"
)

// expectedReasons says, for each known regression, how the suite must report it: the reason a user would give
// for being stuck. A change that makes a regression fail for another reason (or pass) fails the gallery, so a
// regression cannot quietly become harmless.
var expectedReasons = map[string]reason{
	"blur-hides-button":                      reasonNotReceived,
	"tooltip-layer-covers-button":            reasonIntercepted,
	"toolbar-pointer-events-none":            reasonIntercepted,
	"outside-click-closes-menu-on-mousedown": reasonNotReceived,
	"menu-clipped-offscreen":                 reasonOutOfView,
	"button-zero-size":                       reasonOutOfView,
	"button-late-animation":                  reasonMoving,
	"chip-inserted-at-end":                   reasonWrongResult,
	"focus-lost-after-insert":                reasonFocusLost,
	"handler-bound-twice":                    reasonWrongResult,
	"menu-keyboard-broken":                   reasonWrongResult,
	"autosave-silently-fails":                reasonWrongResult,
	"canvas-click-wrong-offset":              reasonWrongResult,
	"drop-reads-wrong-type":                  reasonWrongResult,
}

// reason is a class of failure, told from the failure message the harness and the matchers write.
type reason string

const (
	reasonNotReceived reason = "input not received"
	reasonIntercepted reason = "pointer intercepted"
	reasonOutOfView   reason = "not visible or out of view"
	reasonMoving      reason = "still moving"
	reasonFocusLost   reason = "keyboard focus lost"
	reasonWrongResult reason = "wrong result"
	reasonOther       reason = "other"
)

// signs are what each class of failure's message says, in the order they are tried: a text it contains, or one
// it starts with (Gomega's own failures).
var signs = []struct {
	reason             reason
	contains, startsAs []string
}{
	{reasonNotReceived, []string{"input not received"}, nil},
	{reasonIntercepted, []string{"does not receive pointer events"}, nil},
	{reasonOutOfView, []string{"is not visible", "cannot be brought into view"}, nil},
	{reasonMoving, []string{"is not stable"}, nil},
	{reasonFocusLost, []string{"does not have the keyboard focus"}, nil},
	{reasonWrongResult, nil, []string{"Timed out after", "Expected"}},
}

func classify(message string) reason {
	for _, sign := range signs {
		if slices.ContainsFunc(sign.contains, func(s string) bool { return strings.Contains(message, s) }) ||
			slices.ContainsFunc(sign.startsAs, func(s string) bool { return strings.HasPrefix(message, s) }) {
			return sign.reason
		}
	}
	return reasonOther
}

// Gallery is one measurement: where its reports go, how many Ginkgo processes each run gets, and which
// regressions to run (all when Only is empty).
type Gallery struct {
	Out   string
	Procs int
	Only  []string

	// The compiled suites and the Ginkgo CLI.
	editor, baseline, ginkgo string
	server                   *fixtures.Server
}

// Short timeouts: a caught regression should fail in seconds, not wait out the defaults.
var runEnv = []string{"E2E_ACTION_TIMEOUT=2s", "E2E_ASSERT_TIMEOUT=2s", "E2E_FILMSTRIP=0"}

// Run builds the suites, serves the fixture and measures the clean editor and every regression.
func (g *Gallery) Run(ctx context.Context) (*Table, error) {
	if err := os.MkdirAll(g.Out, 0o755); err != nil {
		return nil, err
	}
	bin, err := os.MkdirTemp("", "regressions-bin-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(bin)
	if err := g.build(ctx, bin); err != nil {
		return nil, err
	}
	g.server, err = fixtures.Serve(ctx, "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer g.server.Close()

	started := time.Now()
	table := &Table{}
	clean, err := g.measure(ctx, "clean", g.server.URL()+"/")
	if err != nil {
		return nil, err
	}
	table.Clean = clean
	for _, r := range fixtures.Regressions() {
		if len(g.Only) > 0 && !slices.Contains(g.Only, r.Name) {
			continue
		}
		m, err := g.measure(ctx, r.Name, g.server.RegressionURL(r.Name))
		if err != nil {
			return nil, err
		}
		table.Rows = append(table.Rows, newRow(r, m))
	}
	table.Took = time.Since(started).Round(time.Second)
	return table, nil
}

// build compiles both suites and the Ginkgo CLI into dir once, so each run only executes them.
func (g *Gallery) build(ctx context.Context, dir string) (err error) {
	if g.editor, err = suiterun.Build(ctx, dir, "github.com/e2e-harness/e2e/suites/editor"); err != nil {
		return err
	}
	if g.baseline, err = suiterun.Build(ctx, dir, "github.com/e2e-harness/e2e/suites/baseline"); err != nil {
		return err
	}
	g.ginkgo, err = suiterun.BuildGinkgo(ctx, dir)
	return err
}

// measurement is what the suite and the baseline did against one target.
type measurement struct {
	Suite    []types.SpecReport
	Baseline []types.SpecReport
}

func (g *Gallery) measure(ctx context.Context, name, target string) (measurement, error) {
	fmt.Fprintf(os.Stderr, "regressions: %s (%s)\n", name, target)
	suite, err := g.runSuite(ctx, g.editor, target, filepath.Join(g.Out, name, "suite"), "--label-filter=critical")
	if err != nil {
		return measurement{}, err
	}
	baseline, err := g.runSuite(ctx, g.baseline, target, filepath.Join(g.Out, name, "baseline"))
	if err != nil {
		return measurement{}, err
	}
	return measurement{Suite: suite, Baseline: baseline}, nil
}

// runSuite runs one compiled suite against target and returns the specs that ran. A run whose specs fail is a
// result; a run that produced no report is an error.
func (g *Gallery) runSuite(ctx context.Context, suite, target, out string, flags ...string) ([]types.SpecReport, error) {
	if err := os.RemoveAll(out); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	log, err := os.Create(out + ".log")
	if err != nil {
		return nil, err
	}
	defer log.Close()
	runErr := suiterun.Command{
		Suite: suite, Ginkgo: g.ginkgo, Procs: g.Procs, Flags: append([]string{"--seed=1", "--timeout=10m"}, flags...),
		Env: append(append(os.Environ(), runEnv...), "BASE_URL="+target), OutputDir: out, Output: log,
	}.Run(ctx)
	report, err := suiterun.ReadReport(out)
	if err != nil {
		return nil, fmt.Errorf("running %s against %s produced no report (%v, %v); see %s.log", filepath.Base(suite), target, runErr, err, out)
	}
	// Specs the label filter left out are reported as skipped: they did not run.
	return report.SpecReports.WithLeafNodeType(types.NodeTypeIt).WithState(types.SpecStatePassed | types.SpecStateFailureStates), nil
}
