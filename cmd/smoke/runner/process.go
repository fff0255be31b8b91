package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

// Why the checks run in a process of their own (this same binary, started with specProcessEnv set):
//   - the incident systems' secrets are removed from its environment, so neither the specs, nor Chromium, nor
//     anything they write (reports, crash dumps) can contain them;
//   - a browser that takes the process down, or a run that has to be killed at its time limit, still leaves
//     the runner alive to report it and to deliver the alerts;
//   - Ginkgo allows one RunSpecs per process.

// specGrace is how long the spec process may take to close its browser and write its reports after being
// asked to stop, before it is killed. Ginkgo's own --timeout fires first, so this is a backstop.
const specGrace = 30 * time.Second

// runSpecs starts the spec process and returns its results. An error means there are no results at all.
func runSpecs(ctx context.Context, c Config, con *console, color, reportUnwritable bool) (specRunResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return specRunResult{}, fmt.Errorf("finding this program to run the checks: %w", err)
	}
	dir, err := os.MkdirTemp("", "smoke-results-")
	if err != nil {
		return specRunResult{}, fmt.Errorf("creating a directory for the results: %w", err)
	}
	defer os.RemoveAll(dir)
	resultsPath := filepath.Join(dir, "results.json")
	if reportUnwritable {
		// The checks still run, and what they find is still alerted; their reports go where they can be
		// written, and away with this directory.
		c.ReportDir = filepath.Join(dir, "report")
	}
	run, err := json.Marshal(specRunFor(c, resultsPath, color))
	if err != nil {
		return specRunResult{}, fmt.Errorf("encoding the spec run: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, c.RunTimeout+specGrace)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(specEnviron(os.Environ()), SpecProcessEnv+"="+string(run))
	stdout, stderr := con.lineWriter(con.out), con.lineWriter(con.err)
	defer stdout.Close()
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = specProcAttr()
	// SIGTERM lets Ginkgo run its cleanups (closing the browser) and write the reports of what did run.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = specGrace

	waitErr := cmd.Run()
	data, err := os.ReadFile(resultsPath)
	if err != nil {
		why := "it ended"
		switch {
		case errors.Is(context.Cause(ctx), context.DeadlineExceeded):
			why = fmt.Sprintf("it was stopped at the time limit (--run-timeout %s)", c.RunTimeout)
		case ctx.Err() != nil:
			why = "it was stopped (" + context.Cause(ctx).Error() + ")"
		case waitErr != nil:
			why = "it ended with " + waitErr.Error()
		}
		return specRunResult{}, fmt.Errorf("running the checks: %s before writing any results", why)
	}
	var res specRunResult
	if err := json.Unmarshal(data, &res); err != nil {
		return specRunResult{}, fmt.Errorf("reading the check results: %w", err)
	}
	return res, nil
}

// specEnviron is the runner's environment minus everything that configures an incident system and the
// runner's own settings: the spec process needs none of it.
func specEnviron(environ []string) []string {
	drop := map[string]bool{}
	for _, v := range incident.EnvVars() {
		drop[v.Name] = true
		drop[v.Name+incident.FileSuffix] = true
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if drop[name] || strings.HasPrefix(name, "SMOKE_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
