package e2e

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/e2e-harness/e2e/reports"
)

// Exit codes of a run as make e2e reports it: cmd/e2e-check exits with them before the suite starts and after
// it ends, and make prints the one the run ended with as its last line ("make: *** [Makefile:…: e2e] Error 1";
// make's own status is 2 for every failure). The README's "Exit codes" section lists them.
const (
	ExitPassed        = 0   // every selected spec passed
	ExitSpecsFailed   = 1   // a spec failed: a finding about the page (or the browser crashed under it)
	ExitCouldNotStart = 2   // no browser, no display for HEADED=1, the target does not answer, the suite did not build or its setup failed
	ExitBadVariable   = 3   // a variable's value is malformed, or the filters select no spec
	ExitInterrupted   = 130 // stopped by Ctrl-C, SIGTERM or the run's --timeout
)

// VariableError is a variable whose value cannot be used: the person must fix what they typed.
type VariableError struct{ Err error }

func (e *VariableError) Error() string { return e.Err.Error() }
func (e *VariableError) Unwrap() error { return e.Err }

// RunOutcome is how a run ended: its exit code and, unless it passed, one line saying why.
type RunOutcome struct {
	Code    int
	Line    string
	Summary *reports.RunSummary // the run's run.json; nil when the suite wrote none
}

// OutcomeOfRun reads the run.json the run with this id wrote into outDir and says how the run ended; status is
// what the Ginkgo CLI exited with. A run.json left by another run (another id) does not count: the run then
// wrote none, so it did not get as far as its specs.
func OutcomeOfRun(outDir, runID string, status int) RunOutcome {
	sum, err := reports.ReadRunSummary(outDir)
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return RunOutcome{Code: ExitCouldNotStart, Line: err.Error()}
	case err != nil || (runID != "" && sum.RunID != runID):
		if status == 0 {
			return RunOutcome{Code: ExitCouldNotStart, Line: "the suite ran but wrote no " + reports.FileRunSummary + " to " + outDir}
		}
		return RunOutcome{Code: ExitCouldNotStart, Line: "the suite did not get to its specs (it did not build, or Ginkgo stopped before them): see the output above"}
	}
	out := RunOutcome{Summary: sum}
	switch {
	case sum.NotStarted != nil:
		out.Code, out.Line = ExitCouldNotStart, "the run could not start: "+sum.NotStarted.Cause
	case sum.Interrupted:
		out.Code, out.Line = ExitInterrupted, fmt.Sprintf("the run was interrupted: %d specs failed, %d passed before it stopped", sum.Counts.Failed, sum.Counts.Passed)
	case sum.Selected == 0:
		out.Code, out.Line = ExitBadVariable, noSpecSelected(sum)
	case len(sum.Failed) > 0:
		out.Code = ExitSpecsFailed
		noun := "specs"
		if len(sum.Failed) == 1 {
			noun = "spec"
		}
		out.Line = fmt.Sprintf("%d %s failed", len(sum.Failed), noun)
	case status != 0:
		out.Code, out.Line = ExitSpecsFailed, fmt.Sprintf("Ginkgo reported a failure (exit status %d) that is not a spec's: see the output above", status)
	}
	return out
}

// noSpecSelected says which filters selected nothing, and what the suite has to select from.
func noSpecSelected(sum *reports.RunSummary) string {
	if sum.Specs == 0 {
		return "the suite has no specs"
	}
	what := "the run's filters select"
	if sum.Filters.Any() {
		what = sum.Filters.String() + " selects"
	}
	labels := "it has no labels"
	if len(sum.Labels) > 0 {
		labels = "its labels are " + strings.Join(sum.Labels, ", ")
	}
	return fmt.Sprintf("%s none of the suite's %d specs (%s); check LABEL_FILTER, FOCUS and GINKGO_FLAGS", what, sum.Specs, labels)
}
