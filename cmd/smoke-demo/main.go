// Command smoke-demo shows the post-deploy smoke runner doing its job, end to end, on this machine: a healthy
// deploy (exit 0, no alert), the incident's bug (exit 1, one severity 1 alert in a real Prometheus
// Alertmanager) and the fix (the alert resolved). The demo itself is package demo; this main reads the flags
// and turns Ctrl-C into a clean stop. make smoke-demo runs it; it needs Chromium and prometheus-alertmanager
// (make installs both). It exits 1 if any expectation failed, 2 if it could not set itself up, 130 when
// interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/e2e-harness/e2e/cmd/smoke-demo/demo"
)

func main() {
	fs := flag.NewFlagSet("smoke-demo", flag.ContinueOnError)
	out := fs.String("out", filepath.Join("out", "smoke-demo"), "directory for the smoke binary, reports and state (emptied first)")
	smokeBin := fs.String("smoke", "", "a smoke binary to use instead of building cmd/smoke")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(demo.ExitCouldNotRun)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := demo.Run(ctx, demo.Options{Out: *out, SmokeBin: *smokeBin, Stdout: os.Stdout})
	stop()
	os.Exit(code)
}
