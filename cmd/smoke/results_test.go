package main

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
