package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/suites/e2e"
)

func TestCheckNamesAreStableSlugs(t *testing.T) {
	for _, tc := range []struct {
		containers []string
		leaf, want string
	}{
		{[]string{"Insert dynamic data"}, "inserts Current User's email at the caret", "insert-dynamic-data.inserts-current-user-s-email-at-the-caret"},
		{[]string{"Editor", "Canvas"}, "drops a Button", "editor.canvas.drops-a-button"},
		{nil, "smoke-runner", "smoke-runner-spec"},
	} {
		if got := checkName(tc.containers, tc.leaf); got != tc.want {
			t.Errorf("checkName(%q, %q) = %q, want %q", tc.containers, tc.leaf, got, tc.want)
		}
	}
	long := strings.Repeat("very long words ", 20)
	a, b := checkName([]string{"X"}, long+"one"), checkName([]string{"X"}, long+"two")
	if len(a) > maxCheckName || a == b || a != checkName([]string{"X"}, long+"one") {
		t.Errorf("long names must be short, distinct and stable: %q %q", a, b)
	}
}

func TestHarnessCauseDropsGomegaNoise(t *testing.T) {
	msg := "Expected success, but got an error:\n    <*harness.ActionError | 0xc000123456>: \n    click testid=x: input not received\n    click testid=x: input not received"
	if got := harnessCause(msg); got != "click testid=x: input not received" {
		t.Errorf("harnessCause = %q", got)
	}
	if got := harnessCause("Timed out after 5s: chip count 0, want 1"); got != "Timed out after 5s: chip count 0, want 1" {
		t.Errorf("a plain message was changed: %q", got)
	}
}

// Ginkgo's report becomes check results: the failing step is the last By before the failure, a retried pass
// is flaky with the first attempt's cause, a browser crash is not a finding, and unselected specs are left out.
func TestResultsFromGinkgoReport(t *testing.T) {
	by := func(order int, msg string) types.SpecEvent {
		return types.SpecEvent{SpecEventType: types.SpecEventByStart, Message: msg, TimelineLocation: types.TimelineLocation{Order: order}}
	}
	failure := func(order int, msg string) types.Failure {
		return types.Failure{Message: msg, TimelineLocation: types.TimelineLocation{Order: order}, FailureNodeType: types.NodeTypeIt}
	}
	spec := func(text string, state types.SpecState, labels ...string) types.SpecReport {
		return types.SpecReport{ContainerHierarchyTexts: []string{"Feature"}, LeafNodeType: types.NodeTypeIt,
			LeafNodeText: text, LeafNodeLabels: labels, State: state, NumAttempts: 1}
	}
	failed := spec("fails", types.SpecStateFailed, e2e.Critical, e2e.Smoke)
	failed.SpecEvents = types.SpecEvents{by(1, "opening"), by(3, "clicking"), by(9, "after")}
	failed.Failure = failure(5, "Expected success, but got an error:\n<*x | 0x1>: boom")
	failed.ReportEntries = types.ReportEntries{{Name: e2e.EntryScreenshot, Value: types.WrapEntryValue("specs/x/screenshot.png")}}

	flaky := spec("flakes", types.SpecStatePassed, e2e.Smoke)
	flaky.NumAttempts = 2
	flaky.SpecEvents = types.SpecEvents{by(1, "first try"), by(7, "second try")}
	flaky.AdditionalFailures = []types.AdditionalFailure{{State: types.SpecStateFailed, Failure: failure(4, "Failure recorded during attempt 1:\nslow")}}

	crashed := spec("crashes", types.SpecStateFailed, e2e.Smoke)
	crashed.Failure = failure(2, "connection lost")
	crashed.ReportEntries = types.ReportEntries{{Name: e2e.EntryInfrastructure, Value: types.WrapEntryValue("browser crashed")}}

	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, Failure: failure(1, "starting the browser: no")}

	res := resultsFromReport(types.Report{RunTime: time.Second, SpecReports: types.SpecReports{
		failed, flaky, crashed, spec("not selected", types.SpecStateSkipped, e2e.Smoke), setup,
	}})
	if len(res.Specs) != 3 {
		t.Fatalf("specs %+v", res.Specs)
	}
	f := res.Specs[0]
	if f.Outcome != specFailed || !f.Critical || f.Step != "clicking" || f.Cause != "boom" || f.Screenshot != "specs/x/screenshot.png" || f.Check != "feature.fails" {
		t.Errorf("failed spec: %+v", f)
	}
	if fl := res.Specs[1]; fl.Outcome != specFlaky || fl.Step != "first try" || fl.Cause != "slow" || fl.Critical {
		t.Errorf("flaky spec: %+v", fl)
	}
	if c := res.Specs[2]; c.Outcome != specInfrastructure || c.Infrastructure != "browser crashed" {
		t.Errorf("crashed spec: %+v", c)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "starting the browser: no") {
		t.Errorf("problems: %q", res.Problems)
	}
}

// Gomega wraps an error as a Go value: its type and address, its message, then its fields as a struct dump.
// None of that reaches an alert, whatever form of Gomega's message it comes in.
func TestHarnessCauseDropsGoValueDumps(t *testing.T) {
	dump := "<*harness.NavigationError | 0xc0004a2f00>: \n    loading https://x/?doc=1 failed while checking the response: the server answered HTTP 500\n    {\n        URL: \"https://x/?doc=1\",\n        Phase: \"checking the response\",\n        Reason: \"the server answered HTTP 500\",\n        Hint: \"\",\n        Err: nil,\n    }"
	want := "loading https://x/?doc=1 failed while checking the response: the server answered HTTP 500"
	for _, msg := range []string{
		"Expected success, but got an error:\n    " + dump,
		"Unexpected error:\n    " + dump + "\n    occurred",
		"Timed out after 5.001s.\nThe function passed to Eventually returned the following error:\n    " + dump,
	} {
		got := harnessCause(msg)
		if !strings.Contains(got, want) || strings.Contains(got, "0xc") || strings.Contains(got, "Phase:") || strings.Contains(got, "{") {
			t.Errorf("harnessCause(%q) = %q", msg, got)
		}
	}
}

// A step is what a person reading the spec recognises: the last By, else the It's text, else the container
// being set up, never a bare node type such as "in BeforeEach".
func TestStepNamesWhatAPersonRecognises(t *testing.T) {
	spec := types.SpecReport{ContainerHierarchyTexts: []string{"Insert dynamic data"}, LeafNodeText: "inserts the email"}
	setup := types.Failure{FailureNodeType: types.NodeTypeBeforeEach, FailureNodeContext: types.FailureNodeInContainer,
		FailureNodeContainerIndex: 0, TimelineLocation: types.TimelineLocation{Order: 3}}
	if got := stepOf(spec, setup); got != `setting up "Insert dynamic data", before the check's first step` {
		t.Errorf("setup failure step = %q", got)
	}
	inIt := types.Failure{FailureNodeType: types.NodeTypeIt, TimelineLocation: types.TimelineLocation{Order: 3}}
	if got := stepOf(spec, inIt); got != "inserts the email" {
		t.Errorf("It failure without a By: step = %q", got)
	}
	spec.SpecEvents = types.SpecEvents{{SpecEventType: types.SpecEventByStart, Message: "opening the menu", TimelineLocation: types.TimelineLocation{Order: 2}}}
	if got := stepOf(spec, inIt); got != "opening the menu" {
		t.Errorf("step after a By = %q", got)
	}
}

// The browser refusing the target's certificate inside a check is the run's problem, once, not the check's
// failure; the check is left as it was.
func TestCertificateErrorInACheckIsTheRunnersProblem(t *testing.T) {
	spec := types.SpecReport{ContainerHierarchyTexts: []string{"Insert dynamic data"}, LeafNodeType: types.NodeTypeIt, LeafNodeText: "inserts",
		LeafNodeLabels: []string{e2e.Critical, e2e.Smoke}, State: types.SpecStateFailed, NumAttempts: 1,
		Failure: types.Failure{FailureNodeType: types.NodeTypeBeforeEach, Message: "Expected success, but got an error:\n    <*harness.NavigationError | 0xc01>: \n    loading https://x/ failed while sending the navigation: net::ERR_CERT_DATE_INVALID\n    {URL: \"https://x/\"}"}}
	other := spec
	other.LeafNodeText = "keeps typing"
	res := resultsFromReport(types.Report{SpecReports: types.SpecReports{spec, other}})
	if len(res.Specs) != 2 || res.Specs[0].Outcome != specUntrusted || res.Specs[1].Outcome != specUntrusted {
		t.Fatalf("specs %+v", res.Specs)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "the browser does not trust the target's TLS certificate (net::ERR_CERT_DATE_INVALID)") {
		t.Errorf("problems %q, want the certificate once", res.Problems)
	}

	var out, errs strings.Builder
	r := &runner{cfg: valid(), con: newConsole(&out, &errs, nil), summary: map[string]string{}, specs: &res}
	r.cfg.ReportDir = t.TempDir()
	for _, p := range res.Problems {
		r.fail("%s", p)
	}
	r.checks = r.checkResults()
	code, reason := r.exitCode()
	if code != ExitCouldNotRun || !strings.HasPrefix(reason, "the smoke run could not do its job: the browser does not trust") {
		t.Errorf("exit %d: %s", code, reason)
	}
	for _, cr := range r.checks {
		if cr.Feature == "insert-dynamic-data" && cr.Outcome != "skipped" {
			t.Errorf("check %s has outcome %s, want it left as it was", cr.Check, cr.Outcome)
		}
		if cr.Check == CheckRunner && cr.Outcome != "failed" {
			t.Errorf("the runner's own check %s, want failed", cr.Outcome)
		}
	}
	if !strings.Contains(errs.String(), "smoke: the browser does not trust the target's TLS certificate (net::ERR_CERT_DATE_INVALID)") {
		t.Errorf("stderr:\n%s", errs.String())
	}
}

// The feature is the top-level container, unless a feature: label names another.
func TestFeatureIsTheTopContainerUnlessLabelled(t *testing.T) {
	if slug, name := featureFor([]string{"Insert dynamic data", "menu"}, "closes", nil); slug != "insert-dynamic-data" || name != "Insert dynamic data" {
		t.Errorf("container feature = %q %q", slug, name)
	}
	if slug, name := featureFor([]string{"Editor"}, "autosaves", []string{e2e.Smoke, e2e.FeatureLabel("Autosave")}); slug != "autosave" || name != "Autosave" {
		t.Errorf("labelled feature = %q %q", slug, name)
	}
	if slug, _ := featureFor(nil, "Deploy", nil); slug != "deploy-feature" {
		t.Errorf("a spec named like the runner's own feature gets %q", slug)
	}
}
