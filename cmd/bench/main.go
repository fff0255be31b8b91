// Command bench measures the harness side by side with Playwright Test on the same machine, the same Chromium
// binary, the same flags and the same fixture editor, running the same scenario written idiomatically in each
// (bench/harness, bench/playwright): twenty isolated specs that open the editor, select the heading, focus its
// Text field, insert Current User › Email through the menu and see the chip.
//
// It alternates the two sides round by round, because this kind of machine is noisy, and reports medians. The
// last lines are the figures in a fixed form:
//
//	bench: click_ms=<median> raw_triple_ms=<median> spec_setup_ms=<median> harness_rss_mb=<peak>
//	bench: suite_s harness=<median> playwright=<median> ratio=<harness/playwright>
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

func main() {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	rounds := fs.Int("rounds", 5, "rounds of each suite run, alternating the sides")
	samples := fs.Int("samples", 40, "samples of each micro figure (click, raw triple, spec setup)")
	out := fs.String("out", "out/bench", "where the runs' logs go")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	abs, err := filepath.Abs(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	b := &bench{rounds: *rounds, samples: *samples, out: abs}
	if err := b.run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}
