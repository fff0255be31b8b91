package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// runSmoke runs the smoke runner as a pipeline would, with the state directory shared by all three deploys,
// and streams its output indented. It returns the runner's exit code, or -1 when it did not run to an end.
func (d *demo) runSmoke(ctx context.Context, n int, target string) int {
	if ctx.Err() != nil {
		return -1
	}
	args := []string{
		"--target", target, "--env", demoEnv, "--expect-version", demoVersion, "--focus", demoFocus,
		"--report-dir", filepath.Join(d.Out, fmt.Sprintf("deploy-%d", n)), "--state-dir", filepath.Join(d.Out, "state"),
		"--report-url", fmt.Sprintf("%sdeploy-%d/", d.reports, n),
	}
	d.say("$ ALERTMANAGER_URL=%s smoke %s", d.am.URL, shellQuote(args))
	cmd := exec.CommandContext(ctx, d.SmokeBin, args...)
	cmd.Env = append(os.Environ(), "ALERTMANAGER_URL="+d.am.URL)
	// Stopping the demo interrupts the runner, so it stops its browser and keeps its alerts in the outbox
	// (after a Ctrl-C in a terminal it has the signal already; the runner counts both as one).
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 45 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			d.say("  │ %s", sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	})
	err := cmd.Run()
	pw.Close()
	wg.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	d.say("smoke-demo: running smoke: %v", err)
	return -1
}

func shellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " '\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
