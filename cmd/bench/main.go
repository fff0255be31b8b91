// Command bench measures the harness side by side with Playwright Test on the same machine, the same Chromium
// binary, the same flags and the same pages, running the same scenarios written idiomatically in each
// (bench/harness, bench/playwright):
//
//   - fixture: twenty isolated specs that open the fixture editor, select the heading, focus its Text field,
//     insert Current User › Email through the menu and see the chip;
//   - minimal: twenty isolated specs on bench/minimal's tiny page (no animations, nothing but the flow): click
//     the field, type three characters, click Insert, pick an entry, see one chip.
//
// It alternates the sides run by run, round by round, because this kind of machine is noisy, and reports
// medians: suite times and their ratio, the harness's per-phase medians of a spec, the CPU each kind of process
// used, and a scaling run of the minimal scenario with 20, 100 and 500 specs in one process, to show that a
// spec costs as much late in a long run as early, and the fixture scenario once more with E2E_TRACE=off, to show
// what keeping traces of failing specs costs the passing ones. The last lines are the figures in a fixed form:
//
//	bench: click_ms=<median> raw_triple_ms=<median> spec_setup_ms=<median> harness_rss_mb=<peak>
//	bench: suite_s minimal harness=<median> playwright=<median> ratio=<harness/playwright>
//	bench: suite_s harness=<median> playwright=<median> ratio=<harness/playwright>
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/e2e-harness/e2e/bench/benchrun"
)

func main() {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	rounds := fs.Int("rounds", 5, "rounds of each suite run, alternating the sides")
	samples := fs.Int("samples", 40, "samples of each micro figure (click, raw triple, spec setup)")
	out := fs.String("out", "out/bench", "where the runs' logs go")
	scale := fs.String("scale", "20,100,500", "spec counts of the minimal scenario's scaling runs (harness, one process)")
	only := fs.String("only", "micro,fixture,minimal,scale,trace", "the parts to run")
	sides := fs.String("sides", "harness,playwright", "the sides to run (a ratio needs both)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	parts := map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		switch p = strings.TrimSpace(p); p {
		case "micro", "fixture", "minimal", "scale", "trace":
			parts[p] = true
		case "":
		default:
			fmt.Fprintf(os.Stderr, "bench: -only: unknown part %q (want micro, fixture, minimal, scale, trace)\n", p)
			os.Exit(2)
		}
	}
	var counts []int
	for _, c := range strings.Split(*scale, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench: -scale: %q is not a positive spec count\n", c)
			os.Exit(2)
		}
		counts = append(counts, n)
	}
	if *rounds < 1 || *samples < 1 {
		fmt.Fprintln(os.Stderr, "bench: -rounds and -samples must be at least 1")
		os.Exit(2)
	}
	opts := benchrun.Options{Rounds: *rounds, Samples: *samples, Out: *out, Scale: counts, Parts: parts, Sides: map[string]bool{}}
	for _, s := range strings.Split(*sides, ",") {
		switch s = strings.TrimSpace(s); s {
		case "harness", "playwright":
			opts.Sides[s] = true
		default:
			fmt.Fprintf(os.Stderr, "bench: -sides: unknown side %q (want harness, playwright)\n", s)
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := benchrun.Run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}
