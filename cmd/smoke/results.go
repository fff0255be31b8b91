package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/suites/e2e"
)

// specOutcome is how one smoke spec ended, as far as the incident systems are concerned.
type specOutcome string

const (
	specPassed specOutcome = "passed"
	specFailed specOutcome = "failed"
	specFlaky  specOutcome = "flaky" // failed, then passed on a retry
	// specInfrastructure is a spec failed by its browser crashing: nothing is known about the page, so the
	// check keeps its alert as it was and the run itself is reported as failed.
	specInfrastructure specOutcome = "infrastructure"
	// specNotRun is a selected spec that never finished: the run was interrupted or timed out.
	specNotRun specOutcome = "not-run"
)

// specResult is one smoke spec's result, as the spec process hands it to the runner.
type specResult struct {
	Check    string      `json:"check"`
	Spec     string      `json:"spec"` // Ginkgo's full text: containers and It
	Labels   []string    `json:"labels,omitempty"`
	Critical bool        `json:"critical"`
	Outcome  specOutcome `json:"outcome"`
	State    string      `json:"state"` // Ginkgo's own word: passed, failed, timedout, panicked…
	Attempts int         `json:"attempts"`
	// Step is the last By before the failure (of the first attempt, for a flaky spec); Cause is the failure
	// message in the harness's words.
	Step     string `json:"step,omitempty"`
	Cause    string `json:"cause,omitempty"`
	Location string `json:"location,omitempty"` // file:line of the failure
	// Screenshot and Artifacts are relative to the report directory.
	Screenshot     string        `json:"screenshot,omitempty"`
	Artifacts      string        `json:"artifacts,omitempty"`
	PageURL        string        `json:"page_url,omitempty"`
	Infrastructure string        `json:"infrastructure,omitempty"` // why the browser crashed
	RunTime        time.Duration `json:"run_time"`
}

// specRunResult is everything the spec process reports.
type specRunResult struct {
	Specs []specResult `json:"specs"`
	// Problems are failures outside any spec (the browser did not start, the target check aborted the suite,
	// the run timed out or was interrupted): the run could not do its job.
	Problems []string      `json:"problems,omitempty"`
	RunTime  time.Duration `json:"run_time"`
}

// resultsFromReport turns Ginkgo's report into the runner's results. Specs the filters did not select are
// left out: they are not part of this smoke run.
func resultsFromReport(r types.Report) specRunResult {
	out := specRunResult{Specs: []specResult{}, RunTime: r.RunTime}
	for _, reason := range r.SpecialSuiteFailureReasons {
		out.Problems = append(out.Problems, reason)
	}
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			if sr.State.Is(types.SpecStateFailureStates) {
				out.Problems = append(out.Problems, fmt.Sprintf("%s: %s", sr.LeafNodeType, harnessCause(sr.Failure.Message)))
			}
			continue
		}
		if sr.State.Is(types.SpecStateSkipped | types.SpecStatePending) {
			continue
		}
		res := specResult{
			Check:    checkName(sr.ContainerHierarchyTexts, sr.LeafNodeText),
			Spec:     sr.FullText(),
			Labels:   sr.Labels(),
			Critical: slices.Contains(sr.Labels(), e2e.Critical),
			State:    sr.State.String(),
			Attempts: max(sr.NumAttempts, 1),
			RunTime:  sr.RunTime,
		}
		for _, entry := range sr.ReportEntries {
			switch entry.Name {
			case e2e.EntryScreenshot:
				res.Screenshot = entry.StringRepresentation()
			case e2e.EntryArtifacts:
				res.Artifacts = entry.StringRepresentation()
			case e2e.EntryURL:
				res.PageURL = entry.StringRepresentation()
			case e2e.EntryInfrastructure:
				res.Infrastructure = entry.StringRepresentation()
			}
		}
		switch {
		case sr.State.Is(types.SpecStatePassed) && sr.NumAttempts > 1 && len(sr.AdditionalFailures) > 0:
			res.Outcome = specFlaky
			first := sr.AdditionalFailures[0].Failure
			res.Step = lastStepBefore(sr.SpecEvents, first)
			res.Cause = harnessCause(strings.TrimPrefix(first.Message, "Failure recorded during attempt 1:\n"))
			res.Location = first.Location.String()
		case sr.State.Is(types.SpecStatePassed):
			res.Outcome = specPassed
		case sr.State.Is(types.SpecStateInterrupted | types.SpecStateAborted):
			res.Outcome = specNotRun
			res.Cause = harnessCause(sr.Failure.Message)
			out.Problems = append(out.Problems, fmt.Sprintf("%q did not finish (%s): %s", sr.FullText(), sr.State, res.Cause))
		default:
			res.Outcome = specFailed
			if e2e.IsInfrastructureFailure(sr) {
				res.Outcome = specInfrastructure
			}
			res.Step = lastStepBefore(sr.SpecEvents, sr.Failure)
			res.Cause = harnessCause(sr.Failure.Message)
			res.Location = sr.Failure.Location.String()
		}
		out.Specs = append(out.Specs, res)
	}
	return out
}

// lastStepBefore finds the step a failure happened in: the last By that started before it. Without one, the
// kind of node that failed (BeforeEach, It…) is the best description there is.
func lastStepBefore(events types.SpecEvents, f types.Failure) string {
	step := ""
	for _, ev := range events {
		if ev.SpecEventType != types.SpecEventByStart || ev.TimelineLocation.Order > f.TimelineLocation.Order {
			continue
		}
		step = ev.Message
	}
	if step == "" && f.FailureNodeType != types.NodeTypeInvalid {
		step = "in " + f.FailureNodeType.String()
	}
	return step
}

var (
	// Gomega prints an error's dynamic type and address before its message: noise in an alert.
	gomegaTypeLine = regexp.MustCompile(`^<[^>|]+ \| 0x[0-9a-f]+>:?\s*`)
	gomegaPreamble = regexp.MustCompile(`^(Expected success, but got an error:|Unexpected error:)\s*`)
)

// harnessCause reduces a failure message to the harness's own words. Gomega's Succeed matcher wraps an error
// as "Expected success, but got an error: <*harness.ActionError | 0x…>: <message> <message again>"; what a
// person needs is the message, once.
func harnessCause(msg string) string {
	msg = strings.TrimSpace(msg)
	rest := gomegaPreamble.ReplaceAllString(msg, "")
	if rest == msg {
		return msg
	}
	var lines []string
	for _, l := range strings.Split(rest, "\n") {
		l = strings.TrimSpace(gomegaTypeLine.ReplaceAllString(strings.TrimSpace(l), ""))
		if l == "" || (len(lines) > 0 && lines[len(lines)-1] == l) {
			continue
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// maxCheckName keeps a check name readable in an alert title and well inside every API's key limit (PagerDuty
// allows 255 characters for the whole dedup key).
const maxCheckName = 100

// Reserved check names: the runner's own verdicts, which no spec may take.
const (
	checkDeployLive = "deploy-live"  // the target serves --expect-version
	checkRunner     = "smoke-runner" // the smoke run itself could do its job
	checkDelivery   = "smoke-delivery"
)

// checkName derives a spec's check name from its text: each container's and the It's text as a lower-case
// slug, joined by ".", e.g. "insert-dynamic-data.inserts-current-user-s-email-at-the-caret-…". It is stable as
// long as the text is; renaming a spec (or its Describe) makes a new check with a new dedup key, and the old
// alert, if open, must then be resolved by hand. A name that would exceed 100 characters is cut and given a
// hash of the full text, so two long specs never share one.
func checkName(containers []string, leaf string) string {
	var parts []string
	for _, t := range append(slices.Clone(containers), leaf) {
		if s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(t), "-"), "-"); s != "" {
			parts = append(parts, s)
		}
	}
	name := strings.Join(parts, ".")
	name = shortName(name, maxCheckName)
	switch name {
	case "":
		name = "unnamed-spec"
	case checkDeployLive, checkRunner, checkDelivery:
		name += "-spec"
	}
	return name
}
