// Command e2e-check checks a make e2e run before it starts and says how it ended after, so that a wrong
// variable, a missing browser or an unreachable target is one clear line instead of a page of failed specs,
// and a failed run ends with each failed spec's cause.
//
//	e2e-check                      before a run: the variables parse, the browser and the target are there
//	e2e-check after DIR STATUS     after a run that wrote its reports to DIR and Ginkgo exited with STATUS:
//	                               the failed specs with their causes, the report, and the run's exit code
//	e2e-check last-failed DIR      for make e2e-failed: prints the seed, the base URL (empty: the fixture) and a
//	                               focus expression for the specs that failed in DIR's last run, one a line
//
// Exit codes (suites/e2e, the README's "Exit codes"): 0 passed or ready; 1 a spec failed; 2 the run could not
// start; 3 a variable is malformed or the filters select no spec; 130 the run was interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/e2e-harness/e2e/reports"
	"github.com/e2e-harness/e2e/suites/e2e"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		return preflight(getenv, stderr)
	case args[0] == "after" && len(args) == 3:
		status, err := strconv.Atoi(args[2])
		if err != nil {
			fmt.Fprintf(stderr, "e2e-check after: status %q is not a number\n", args[2])
			return e2e.ExitCouldNotStart
		}
		return after(args[1], getenv(e2e.EnvRunID), status, stdout, stderr)
	case args[0] == "last-failed" && len(args) == 2:
		return lastFailed(args[1], getenv, stdout, stderr)
	}
	fmt.Fprintln(stderr, "usage: e2e-check | e2e-check after DIR STATUS | e2e-check last-failed DIR")
	return e2e.ExitCouldNotStart
}

func preflight(getenv func(string) string, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e2e.Preflight(ctx, getenv); err != nil {
		fmt.Fprintln(stderr, "e2e:", err)
		var bad *e2e.VariableError
		if errors.As(err, &bad) {
			return e2e.ExitBadVariable
		}
		return e2e.ExitCouldNotStart
	}
	for _, note := range e2e.PreflightNotes(getenv) {
		fmt.Fprintln(stderr, "e2e:", note)
	}
	return e2e.ExitPassed
}

func after(dir, runID string, status int, stdout, stderr io.Writer) int {
	out := e2e.OutcomeOfRun(dir, runID, status)
	if out.Summary != nil {
		out.Summary.WriteConsoleSummary(stdout, dir)
		if len(out.Summary.Failed) > 0 && out.Code == e2e.ExitSpecsFailed {
			fmt.Fprintln(stdout, "rerun only these: make e2e-failed")
		}
		fmt.Fprintln(stdout, "e2e report:", reports.ShortPath(dir+"/"+reports.FileHTMLReport))
	}
	if out.Line != "" {
		fmt.Fprintf(stderr, "e2e: exit %d: %s\n", out.Code, out.Line)
	}
	return out.Code
}

func lastFailed(dir string, getenv func(string) string, stdout, stderr io.Writer) int {
	r, err := e2e.LastFailed(dir, getenv)
	if errors.Is(err, e2e.ErrNothingToRerun) {
		fmt.Fprintln(stderr, "e2e:", err)
		return e2e.ExitPassed
	}
	if err != nil {
		fmt.Fprintln(stderr, "e2e:", err)
		var bad *e2e.VariableError
		if errors.As(err, &bad) {
			return e2e.ExitBadVariable
		}
		return e2e.ExitCouldNotStart
	}
	// The rerun is checked as a run of its own would be, against the target it will use.
	rerunEnv := func(name string) string {
		if name == e2e.EnvBaseURL {
			return r.BaseURL
		}
		return getenv(name)
	}
	if code := preflight(rerunEnv, stderr); code != e2e.ExitPassed {
		return code
	}
	fmt.Fprintf(stderr, "e2e: rerunning the %d specs that failed in the last run (seed %d, %s):\n", len(r.Specs), r.Seed, targetName(r.BaseURL))
	for _, s := range r.Specs {
		fmt.Fprintf(stderr, "  %s\n", s)
	}
	fmt.Fprintf(stdout, "%d\n%s\n%s\n", r.Seed, r.BaseURL, r.Focus)
	return e2e.ExitPassed
}

func targetName(baseURL string) string {
	if baseURL == "" {
		return "the embedded fixture editor"
	}
	return baseURL
}
