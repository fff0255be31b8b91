package reports

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/ginkgo/v2/types"
)

func TestASpecThatPassedOnARetryIsFlakyNotPassed(t *testing.T) {
	flaky := newSpec("saves", 10).step("typing", time.Second).fail("not saved", 12).retryAndPass().step("typing", time.Second).done()
	if got := OutcomeOf(flaky); got != Flaky {
		t.Errorf("a spec that passed on attempt 2 of 2 is %s, want flaky", got)
	}

	repeated := newSpec("saves", 10).done()
	repeated.NumAttempts, repeated.MaxMustPassRepeatedly = 3, 3
	if got := OutcomeOf(repeated); got != Passed {
		t.Errorf("a spec that had to pass 3 times and did is %s, want passed", got)
	}

	failedTwice := newSpec("saves", 10).fail("not saved", 12).done()
	failedTwice.NumAttempts, failedTwice.MaxFlakeAttempts = 2, 2
	if got := OutcomeOf(failedTwice); got != Failed {
		t.Errorf("a spec that failed every attempt is %s, want failed", got)
	}

	for state, want := range map[types.SpecState]Outcome{
		types.SpecStateSkipped: Skipped, types.SpecStatePending: Skipped, types.SpecStateTimedout: Failed,
		types.SpecStatePanicked: Failed, types.SpecStateInterrupted: Failed, types.SpecStateAborted: Failed,
	} {
		s := newSpec("x", 1).done()
		s.State = state
		if got := OutcomeOf(s); got != want {
			t.Errorf("state %s is %s, want %s", state, got, want)
		}
	}
}

func TestCountLeavesOutSuiteNodesUnlessTheyFailed(t *testing.T) {
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed}
	brokenSetup := types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "no browser"}}
	flaky := newSpec("b", 2).fail("x", 3).retryAndPass().done()
	skipped := newSpec("c", 3).done()
	skipped.State = types.SpecStateSkipped
	got := Count(report(setup, brokenSetup, newSpec("a", 1).done(), flaky, skipped, newSpec("d", 4).fail("y", 5).done()))
	want := Counts{Passed: 1, Failed: 2, Flaky: 1, Skipped: 1}
	if got != want {
		t.Errorf("Count = %+v, want %+v", got, want)
	}
}

func TestTheFailingStepIsTheLastByBeforeTheFailure(t *testing.T) {
	s := newSpec("inserts the email", 20).node(types.NodeTypeBeforeEach).step("opening the editor", 300*time.Millisecond).
		node(types.NodeTypeIt).step("focusing the field", 100*time.Millisecond).step("clicking Insert dynamic data", 2*time.Second).
		fail("the button vanished on mousedown", 31).done()
	if got := FailingStep(s); got != "clicking Insert dynamic data" {
		t.Errorf("FailingStep = %q", got)
	}
	if got := FailingStep(newSpec("passes", 1).step("a", time.Second).done()); got != "" {
		t.Errorf("a passing spec has failing step %q", got)
	}
	if got := FailingStep(newSpec("fails at once", 1).fail("boom", 2).done()); got != "" {
		t.Errorf("a spec that failed before any step has failing step %q", got)
	}
}

func TestStepsCarryTheirNodeDurationAndTheFailure(t *testing.T) {
	s := newSpec("inserts the email", 20).node(types.NodeTypeBeforeEach).step("opening the editor", 300*time.Millisecond).
		node(types.NodeTypeIt).step("clicking Insert dynamic data", 2*time.Second).fail("vanished", 31).done()
	got := Steps(s)
	want := []Step{
		{Text: "opening the editor", Node: "BeforeEach", Start: 0, Duration: 300 * time.Millisecond, Attempt: 1},
		{Text: "clicking Insert dynamic data", Node: "It", Start: 300 * time.Millisecond, Duration: 2 * time.Second, Attempt: 1, Failed: true},
	}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Location" }, cmp.Ignore())); diff != "" {
		t.Errorf("Steps (-want +got):\n%s", diff)
	}
}

func TestStepsOfAFlakySpecMarkTheStepOfTheFailedAttempt(t *testing.T) {
	s := newSpec("saves", 10).step("typing", time.Second).step("waiting for Saved", time.Second).fail("not saved", 12).
		retryAndPass().step("typing", time.Second).step("waiting for Saved", time.Second).done()
	var failed []string
	for _, st := range Steps(s) {
		if st.Failed {
			failed = append(failed, st.Text+" #"+string(rune('0'+st.Attempt)))
		}
	}
	if diff := cmp.Diff([]string{"waiting for Saved #1"}, failed); diff != "" {
		t.Errorf("failed steps (-want +got):\n%s", diff)
	}
}

func TestTheCauseSummarySkipsGomegasWrapping(t *testing.T) {
	s := newSpec("x", 1).fail("Expected success, but got an error:\n    <*harness.ActionError | 0xc000123>: \n    click testid=insert: the button vanished\n    more", 2).done()
	if got := failureSummary(s); got != "click testid=insert: the button vanished" {
		t.Errorf("failureSummary = %q", got)
	}
	s = newSpec("x", 1).fail("Timed out after 5.000s.\nExpected\n    <string>: a\nto equal\n    <string>: b", 2).done()
	if got := failureSummary(s); got != "Timed out after 5.000s." {
		t.Errorf("failureSummary = %q", got)
	}
}
