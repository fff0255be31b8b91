package reports

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// Outcome is how a spec ended, as a person reading the report groups it.
type Outcome string

const (
	Failed  Outcome = "failed"  // failed, timed out, panicked, was interrupted or aborted
	Flaky   Outcome = "flaky"   // failed at least once, then passed on a retry
	Passed  Outcome = "passed"  // passed at the first attempt
	Skipped Outcome = "skipped" // skipped or pending
)

// OutcomeOf classifies a spec. A spec that needed more than one attempt to pass is flaky: it is reported as
// such so that a retry cannot hide a real problem.
func OutcomeOf(s types.SpecReport) Outcome {
	switch {
	case s.State.Is(types.SpecStateFailureStates):
		return Failed
	case s.State.Is(types.SpecStateSkipped | types.SpecStatePending):
		return Skipped
	case s.State == types.SpecStatePassed && s.NumAttempts > 1 && s.MaxMustPassRepeatedly == 0:
		return Flaky
	default:
		return Passed
	}
}

// Counts summarises a run.
type Counts struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Flaky   int `json:"flaky"`
	Skipped int `json:"skipped"`
}

// Total is the number of specs counted.
func (c Counts) Total() int { return c.Passed + c.Failed + c.Flaky + c.Skipped }

// Count counts the run's specs; suite-level nodes (BeforeSuite and the like) count only when they failed,
// since a failed one is why the specs did not run.
func Count(r types.Report) Counts {
	var c Counts
	for _, s := range reportedSpecs(r) {
		switch OutcomeOf(s) {
		case Failed:
			c.Failed++
		case Flaky:
			c.Flaky++
		case Skipped:
			c.Skipped++
		default:
			c.Passed++
		}
	}
	return c
}

func reportedSpecs(r types.Report) []types.SpecReport {
	var out []types.SpecReport
	for _, s := range r.SpecReports {
		if s.LeafNodeType == types.NodeTypeIt || s.State.Is(types.SpecStateFailureStates) {
			out = append(out, s)
		}
	}
	return out
}

// specName is the spec's full text, or for a suite-level node its type, so that no row is nameless.
func specName(s types.SpecReport) string {
	if t := s.FullText(); t != "" {
		return t
	}
	return "[" + s.LeafNodeType.String() + "]"
}

// FailingStep is the text of the last By step that started before the spec's failure, empty when the failure
// came before any step (or the spec did not fail).
func FailingStep(s types.SpecReport) string {
	if s.Failure.IsZero() {
		return ""
	}
	return stepBefore(s, s.Failure.TimelineLocation)
}

// stepBefore is the last By step that started before the point at.
func stepBefore(s types.SpecReport, at types.TimelineLocation) string {
	step := ""
	for _, e := range s.SpecEvents {
		if e.SpecEventType == types.SpecEventByStart && before(e.TimelineLocation, at) {
			step = e.Message
		}
	}
	return step
}

// before orders two points of a spec's timeline: by Ginkgo's order counter when both have one, else by time.
func before(a, b types.TimelineLocation) bool {
	if a.Order != 0 && b.Order != 0 {
		return a.Order < b.Order
	}
	return !a.Time.After(b.Time)
}

// Step is one By step of a spec, with how long it took.
type Step struct {
	Text     string
	Node     string // the node it ran in: It, BeforeEach, …
	Location types.CodeLocation
	Start    time.Duration // since the spec started
	Duration time.Duration
	Attempt  int // 1-based; retries of a flaky spec repeat their steps
	Failed   bool
}

// Steps lists a spec's By steps in order. A step without a callback has no end event: it lasts until the next
// step or node boundary, which is how a person reads "the spec was doing X".
func Steps(s types.SpecReport) []Step {
	events := s.SpecEvents // Ginkgo records them in the order they happened
	// The step that was running when each failure happened, including failed attempts of a flaky spec.
	failures := []types.TimelineLocation{}
	if !s.Failure.IsZero() {
		failures = append(failures, s.Failure.TimelineLocation)
	}
	for _, af := range s.AdditionalFailures {
		failures = append(failures, af.Failure.TimelineLocation)
	}
	failing := map[int]bool{}
	for _, at := range failures {
		last := -1
		for i, e := range events {
			if e.SpecEventType == types.SpecEventByStart && before(e.TimelineLocation, at) {
				last = i
			}
		}
		failing[last] = true
	}
	var steps []Step
	attempt, node := 1, ""
	for i, e := range events {
		switch e.SpecEventType {
		case types.SpecEventSpecRetry, types.SpecEventSpecRepeat:
			attempt = e.Attempt + 1
		case types.SpecEventNodeStart:
			node = e.NodeType.String()
		case types.SpecEventByStart:
			st := Step{Text: e.Message, Node: node, Location: e.CodeLocation, Attempt: attempt, Failed: failing[i]}
			if !s.StartTime.IsZero() {
				st.Start = e.TimelineLocation.Time.Sub(s.StartTime)
			}
			st.Duration = stepDuration(events[i+1:], e, s)
			steps = append(steps, st)
		}
	}
	return steps
}

func stepDuration(after types.SpecEvents, start types.SpecEvent, s types.SpecReport) time.Duration {
	for _, e := range after {
		if e.SpecEventType == types.SpecEventByEnd && e.Message == start.Message && e.CodeLocation == start.CodeLocation {
			return e.Duration
		}
		if e.SpecEventType.Is(types.SpecEventByStart | types.SpecEventNodeEnd | types.SpecEventSpecRetry | types.SpecEventSpecRepeat) {
			return nonNegative(e.TimelineLocation.Time.Sub(start.TimelineLocation.Time))
		}
	}
	if !s.Failure.IsZero() && !s.Failure.TimelineLocation.Time.IsZero() && before(start.TimelineLocation, s.Failure.TimelineLocation) {
		return nonNegative(s.Failure.TimelineLocation.Time.Sub(start.TimelineLocation.Time))
	}
	if !s.EndTime.IsZero() {
		return nonNegative(s.EndTime.Sub(start.TimelineLocation.Time))
	}
	return 0
}

func nonNegative(d time.Duration) time.Duration { return max(d, 0) }

// entryString is the last value of the named report entry. Entries made in this process hold the raw Go
// value; entries that crossed from another Ginkgo process were decoded from JSON. Both are strings here.
func entryString(s types.SpecReport, name string) string {
	value := ""
	for _, e := range s.ReportEntries {
		if e.Name != name {
			continue
		}
		switch v := e.GetRawValue().(type) {
		case string:
			value = v
		case nil:
			value = e.Value.Representation
		default:
			value = fmt.Sprint(v)
		}
	}
	return value
}

func hasEntry(s types.SpecReport, name string) bool {
	for _, e := range s.ReportEntries {
		if e.Name == name {
			return true
		}
	}
	return false
}

// OneLineCause is why the spec failed, in one line: the first line of its failure message that says something
// (for a harness action, the error's own text), for places with room for one line (the console summary, a
// paused spec's prompt).
func OneLineCause(s types.SpecReport) string { return failureSummary(s) }

// failureSummary is the first line of the failure message, for one-line places (annotations' titles, the step
// summary's table).
func failureSummary(s types.SpecReport) string {
	msg := strings.TrimSpace(s.Failure.Message)
	if msg == "" {
		msg = strings.TrimSpace(s.Failure.ForwardedPanic)
	}
	if msg == "" {
		return s.State.String()
	}
	// Gomega wraps an error in two lines of its own ("Expected success, but got an error:" and the error's
	// type and address); the error's text is the cause.
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line == "Expected success, but got an error:" || gomegaTypeLine.MatchString(line) {
			continue
		}
		return line
	}
	first, _, _ := strings.Cut(msg, "\n")
	return first
}

// gomegaTypeLine is how Gomega introduces a value: "<*harness.ActionError | 0xc000123456>: ".
var gomegaTypeLine = regexp.MustCompile(`^<[^<>]+>:?$`)

// flakyNote says how a flaky spec got to passing.
func flakyNote(s types.SpecReport) string {
	return fmt.Sprintf("failed %d of %d attempts, then passed", s.NumAttempts-1, s.NumAttempts)
}
