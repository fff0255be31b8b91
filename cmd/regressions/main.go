// Command regressions measures the project's central claim: the editor suite catches the known regressions of
// the fixture editor, each for the right reason, while JavaScript-click tests of the same scenarios miss the
// pointer-level ones. It runs the editor suite and the baseline against the clean fixture and against every
// regression, prints the table and writes it as markdown and JSON.
//
// Exit codes: 0 the suite passed on the clean fixture and caught every regression for its listed reason;
// 1 it did not (the table says where); 2 the measurement could not run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/e2e-harness/e2e/suites/gallery"
)

func main() {
	fs := flag.NewFlagSet("regressions", flag.ContinueOnError)
	out := fs.String("out", "out/regressions", "where to write regressions.md, regressions.json and each run's reports")
	procs := fs.Int("procs", runtime.NumCPU(), "parallel Ginkgo processes per run")
	only := fs.String("only", "", "comma-separated regression names to run (default: all)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: regressions [flags]\n\n%s\n\nflags:\n", usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	abs, err := filepath.Abs(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "regressions:", err)
		os.Exit(2)
	}
	g := &gallery.Gallery{Out: abs, Procs: *procs, Only: splitList(*only)}
	table, err := g.Run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "regressions:", err)
		os.Exit(2)
	}
	fmt.Print(table.Markdown())
	if err := table.Write(abs); err != nil {
		fmt.Fprintln(os.Stderr, "regressions:", err)
		os.Exit(2)
	}
	fmt.Printf("\nregressions: table written to %s\n", filepath.Join(abs, "regressions.md"))
	if problems := table.Problems(); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "regressions:", p)
		}
		os.Exit(1)
	}
}

const usage = `Runs the critical specs of the editor suite (suites/editor, label critical) and the JavaScript-click
baseline (suites/baseline) against the
clean fixture editor and each known regression (fixtures/regressions), with short action and assertion
timeouts so that a caught regression fails fast, and reports for each regression whether the suite caught
it, at which spec and step, with which cause, and whether the baseline caught it.`

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
