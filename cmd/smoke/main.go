package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	// The very specs make e2e runs; those labelled smoke are this binary's checks.
	_ "github.com/e2e-harness/e2e/suites/editor"
)

func main() {
	// The runner starts this binary again to run the specs (see runner.RunSpecProcess).
	if raw, ok := os.LookupEnv(runner.SpecProcessEnv); ok {
		os.Exit(runner.RunSpecProcess(raw))
	}
	os.Exit(run(interruptible(), os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	getenv := func(name string) string { v, _ := lookup(name); return v }
	cfg, problems, helped := loadConfig(args, getenv, stdout)
	if helped {
		return runner.ExitPassed
	}
	return runner.Run(ctx, cfg, problems, runner.IO{Getenv: getenv, LookupEnv: lookup, Stdout: stdout, Stderr: stderr})
}

// interruptible returns a context cancelled by the first SIGINT or SIGTERM, with "interrupted by SIGTERM" (or
// SIGINT) as its cause: the run then stops its checks, still reports what it knows and exits 2; one that is
// still waiting for another run's state lock ends at once. A second signal ends the runner at once (whatever it was delivering
// is safe in the outbox). Signals within a second of the first count as the same one, because Ctrl-C in a
// terminal reaches every process of the group and a supervisor often adds its own.
func interruptible() context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		first := time.Now()
		name := "SIGINT"
		if sig == syscall.SIGTERM {
			name = "SIGTERM"
		}
		cancel(fmt.Errorf("interrupted by %s", name))
		for range sigs {
			if time.Since(first) > time.Second {
				fmt.Fprintln(os.Stderr, "smoke: interrupted again: exiting now; undelivered notifications stay in the outbox")
				os.Exit(runner.ExitCouldNotRun)
			}
		}
	}()
	return ctx
}
