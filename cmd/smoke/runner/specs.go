package runner

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/reports/incident"
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
	// specUntrusted is a spec failed by the browser refusing the target's TLS certificate (net::ERR_CERT_…):
	// the run's setup or the site's certificate is at fault, not the feature, so the run itself is reported
	// as failed (exit 2, smoke-runner) and the check keeps its alert as it was.
	specUntrusted specOutcome = "certificate"
)

// specResult is one smoke spec's result, as the spec process hands it to the runner.
type specResult struct {
	Check string `json:"check"`
	// Feature is the alert the check belongs to (a slug, part of the dedup key), FeatureName how people call
	// it: the spec's top-level container, unless a feature:<name> label says otherwise.
	Feature     string      `json:"feature"`
	FeatureName string      `json:"feature_name"`
	Title       string      `json:"title"` // the It's text
	Spec        string      `json:"spec"`  // Ginkgo's full text: containers and It
	Labels      []string    `json:"labels,omitempty"`
	Critical    bool        `json:"critical"`
	Outcome     specOutcome `json:"outcome"`
	State       string      `json:"state"` // Ginkgo's own word: passed, failed, timedout, panicked…
	Attempts    int         `json:"attempts"`
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
	out.Problems = append(out.Problems, r.SpecialSuiteFailureReasons...)
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
		feature, featureName := featureFor(sr.ContainerHierarchyTexts, sr.LeafNodeText, sr.Labels())
		res := specResult{
			Check:       checkName(sr.ContainerHierarchyTexts, sr.LeafNodeText),
			Feature:     feature,
			FeatureName: featureName,
			Title:       sr.LeafNodeText,
			Spec:        sr.FullText(),
			Labels:      sr.Labels(),
			Critical:    slices.Contains(sr.Labels(), e2e.Critical),
			State:       sr.State.String(),
			Attempts:    max(sr.NumAttempts, 1),
			RunTime:     sr.RunTime,
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
			res.Step = stepOf(sr, first)
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
			res.Step = stepOf(sr, sr.Failure)
			res.Cause = harnessCause(sr.Failure.Message)
			res.Location = sr.Failure.Location.String()
			if code := certificateError(sr.Failure.Message); code != "" {
				res.Outcome = specUntrusted
				problem := untrustedProblem(code)
				if !slices.Contains(out.Problems, problem) {
					out.Problems = append(out.Problems, problem)
				}
			}
		}
		out.Specs = append(out.Specs, res)
	}
	return out
}

// certificateCode finds Chromium's certificate errors in a failure message: net::ERR_CERT_AUTHORITY_INVALID,
// net::ERR_CERT_DATE_INVALID, net::ERR_CERT_COMMON_NAME_INVALID, …
var certificateCode = regexp.MustCompile(`net::ERR_CERT_[A-Z_]+`)

// certificateError returns the certificate error a failure message names, or "".
func certificateError(msg string) string { return certificateCode.FindString(msg) }

// untrustedProblem is the run's problem when the browser refuses the target's certificate.
func untrustedProblem(code string) string {
	return fmt.Sprintf("the browser does not trust the target's TLS certificate (%s): fix the certificate, or the trust "+
		"store of the machine the browser runs on (Chromium does not read SSL_CERT_FILE); for a test deployment "+
		"with a self-signed certificate use --insecure", code)
}

// stepOf names the step a failure happened in, as a person reading the spec would: the last By that started
// before it; without one, the It's own text, or for a failure in a setup node (BeforeEach…) "setting up" the
// container it belongs to, never a node type alone.
func stepOf(sr types.SpecReport, f types.Failure) string {
	step := ""
	for _, ev := range sr.SpecEvents {
		if ev.SpecEventType != types.SpecEventByStart || ev.TimelineLocation.Order > f.TimelineLocation.Order {
			continue
		}
		step = ev.Message
	}
	if step != "" {
		return step
	}
	container := ""
	if f.FailureNodeContext == types.FailureNodeInContainer && f.FailureNodeContainerIndex < len(sr.ContainerHierarchyTexts) {
		container = sr.ContainerHierarchyTexts[f.FailureNodeContainerIndex]
	}
	switch {
	case f.FailureNodeType.Is(types.NodeTypeBeforeEach | types.NodeTypeJustBeforeEach | types.NodeTypeBeforeAll):
		if container != "" {
			return fmt.Sprintf("setting up %q, before the check's first step", container)
		}
		return "setting up, before the check's first step"
	case f.FailureNodeType.Is(types.NodeTypeAfterEach | types.NodeTypeJustAfterEach | types.NodeTypeAfterAll |
		types.NodeTypeCleanupAfterEach | types.NodeTypeCleanupAfterAll):
		return fmt.Sprintf("cleaning up after %q", sr.LeafNodeText)
	}
	return sr.LeafNodeText
}

var (
	// Gomega prints an error's dynamic type and address before its message, anywhere in a failure: noise in
	// an alert.
	gomegaTypeToken = regexp.MustCompile(`<[^<>|\n]+ \| 0x[0-9a-f]+>:?[ \t]*`)
	gomegaPreamble  = regexp.MustCompile(`^(Expected success, but got an error:|Unexpected error:)\s*`)
)

// harnessCause reduces a failure message to the harness's own words. Gomega's Succeed matcher wraps an error
// as "Expected success, but got an error: <*harness.NavigationError | 0x…>: <message> {URL: …, Phase: …}"
// (the error's fields dumped as a Go value), Eventually as "…returned the following error: <*T | 0x…>: …";
// what a person needs is the message, once, without a type, an address or a struct dump.
func harnessCause(msg string) string {
	msg = strings.TrimSpace(gomegaPreamble.ReplaceAllString(strings.TrimSpace(msg), ""))
	var lines []string
	depth := 0 // inside a dumped Go value: {…} spanning lines
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(gomegaTypeToken.ReplaceAllString(l, ""))
		switch {
		case depth > 0:
			depth += strings.Count(l, "{") - strings.Count(l, "}")
			continue
		case l == "{" || (strings.HasPrefix(l, "{") && strings.Count(l, "{") > strings.Count(l, "}")):
			depth = strings.Count(l, "{") - strings.Count(l, "}")
			continue
		case strings.HasPrefix(l, "{") && strings.HasSuffix(l, "}") && strings.Contains(l, ": "):
			continue // a one-line dump
		case l == "" || l == "occurred" || slices.Contains(lines, l):
			continue // "occurred" ends Gomega's "Unexpected error:" form
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// featureFor is the feature a spec's check belongs to, as a slug and in people's words: a feature:<name>
// label, else the top-level container (Describe("Insert dynamic data")), else the spec itself.
func featureFor(containers []string, leaf string, labels []string) (slug, name string) {
	name = leaf
	if len(containers) > 0 {
		name = containers[0]
	}
	if labelled, ok := e2e.FeatureFromLabels(labels); ok {
		name = labelled
	}
	slug = shortName(strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-"), maxCheckName)
	switch slug {
	case "":
		slug = "unnamed-feature"
	case CheckDeployLive, CheckDeployFailed, CheckRunner, FeatureDeploy, incident.CheckDelivery:
		slug += "-feature"
	}
	return slug, name
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// maxCheckName keeps a check name readable in an alert title and well inside every API's key limit (PagerDuty
// allows 255 characters for the whole dedup key).
const maxCheckName = 100

// Reserved check names: the runner's own verdicts, which no spec may take (the third is
// incident.CheckDelivery: alerts could not all be delivered).
const (
	CheckDeployLive   = "deploy-live"   // the target serves --expect-version (feature "deploy")
	CheckDeployFailed = "deploy-failed" // the pipeline reported a failed deploy (--deploy-failed; feature "deploy")
	CheckRunner       = "smoke-runner"  // the smoke run itself could do its job (a feature of its own)
)

// FeatureDeploy is the runner's feature for the deploy itself: its checks are deploy-failed and deploy-live, so
// a failed deploy and a deploy that is not live are one incident, smoke/<env>/deploy.
const FeatureDeploy = "deploy"

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
	case CheckDeployLive, CheckDeployFailed, CheckRunner, FeatureDeploy, incident.CheckDelivery:
		name += "-spec"
	}
	return name
}

// shortName cuts name to limit characters, keeping it unique with a hash of the whole.
func shortName(name string, limit int) string {
	if len(name) <= limit {
		return name
	}
	sum := sha1.Sum([]byte(name))
	return strings.TrimRight(name[:limit-9], "-.") + "-" + hex.EncodeToString(sum[:4])
}
