package harness

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ActionError is what every failed action returns: which action, on which locator, and why. The cause is one of
// the typed errors below; test it with errors.As.
type ActionError struct {
	Action  string // "click", "fill", ...
	Locator string // the locator as written, e.g. testid=insert-dynamic-data
	Err     error
}

func (e *ActionError) Error() string {
	if e.Locator == "" {
		return fmt.Sprintf("%s: %v", e.Action, e.Err)
	}
	return fmt.Sprintf("%s %s: %v", e.Action, e.Locator, e.Err)
}

func (e *ActionError) Unwrap() error { return e.Err }

// ErrNotActionable is the parent of every failed actionability check: errors.Is(err, ErrNotActionable) holds
// for *NotFoundError, *AmbiguousError, *NotVisibleError, *DisabledError, *NotEditableError,
// *OutsideViewportError, *NotStableError and *InterceptedError, also through an *ActionError or a
// *TimeoutError. It does not hold for what happened after the checks passed (*InputNotReceivedError,
// *NotFocusedError, *DropRejectedError) or for the browser itself (*CrashError).
var ErrNotActionable = errors.New("the element is not actionable")

// NotFoundError: no element matches the locator.
type NotFoundError struct {
	Locator string
}

func (e *NotFoundError) Error() string { return "no element matches the locator" }

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *NotFoundError) Unwrap() error { return ErrNotActionable }

// AmbiguousError: a strict locator matched more than one element.
type AmbiguousError struct {
	Locator    string
	Count      int
	Candidates []string // descriptions of the first matches
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the locator matches %d elements, it must match exactly one; narrow it down (Nth, WithText, a parent locator):", e.Count)
	for i, c := range e.Candidates {
		fmt.Fprintf(&b, "\n    %d) %s", i+1, c)
	}
	if e.Count > len(e.Candidates) {
		fmt.Fprintf(&b, "\n    … and %d more", e.Count-len(e.Candidates))
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *AmbiguousError) Unwrap() error { return ErrNotActionable }

// NotVisibleError: the element is not rendered (display: none, visibility: hidden, zero size, detached).
type NotVisibleError struct {
	Element string
	Reason  string
}

func (e *NotVisibleError) Error() string {
	return fmt.Sprintf("%s is not visible: %s", e.Element, e.Reason)
}

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *NotVisibleError) Unwrap() error { return ErrNotActionable }

// NotStableError: the element kept moving or resizing between animation frames.
type NotStableError struct {
	Element string
	Reason  string
}

func (e *NotStableError) Error() string {
	return fmt.Sprintf("%s is not stable: %s", e.Element, e.Reason)
}

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *NotStableError) Unwrap() error { return ErrNotActionable }

// DisabledError: native disabled, inside a disabled fieldset, or aria-disabled.
type DisabledError struct {
	Element string
	Reason  string
}

func (e *DisabledError) Error() string { return fmt.Sprintf("%s is disabled: %s", e.Element, e.Reason) }

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *DisabledError) Unwrap() error { return ErrNotActionable }

// NotEditableError: text cannot be entered into the element.
type NotEditableError struct {
	Element string
	Reason  string
}

func (e *NotEditableError) Error() string {
	return fmt.Sprintf("%s is not editable: %s", e.Element, e.Reason)
}

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *NotEditableError) Unwrap() error { return ErrNotActionable }

// OutsideViewportError: the element's click point could not be scrolled into the viewport.
type OutsideViewportError struct {
	Element string
	Reason  string
}

func (e *OutsideViewportError) Error() string {
	return fmt.Sprintf("%s cannot be brought into view: %s", e.Element, e.Reason)
}

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *OutsideViewportError) Unwrap() error { return ErrNotActionable }

// InterceptedError: a pointer event at the element's click point would reach another element, or the element
// does not take pointer events at all.
type InterceptedError struct {
	Element     string
	Interceptor string // description of the element under the point, empty for pointer-events: none
	Reason      string // e.g. `<div class="tooltip-layer"> intercepts pointer events`
}

func (e *InterceptedError) Error() string {
	return fmt.Sprintf("%s does not receive pointer events: %s", e.Element, e.Reason)
}

// Unwrap makes errors.Is(err, ErrNotActionable) hold.
func (e *InterceptedError) Unwrap() error { return ErrNotActionable }

// InputNotReceivedError: trusted input was dispatched, but the events did not all reach the element. This is the
// failure a JavaScript click can never show: the button vanished on mousedown, the press went to an overlay, the
// element moved under the pointer.
type InputNotReceivedError struct {
	Element  string
	Reached  []string // event types that did reach the element
	Problems []string // e.g. "pointerup went to <div class=panel>"
	Change   string   // what happened to the element meanwhile, e.g. "the target became hidden after pointerdown (it has display: none)"
}

func (e *InputNotReceivedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "input not received by %s: ", e.Element)
	if len(e.Reached) > 0 {
		fmt.Fprintf(&b, "%s reached it, but ", strings.Join(e.Reached, " and "))
	}
	b.WriteString(strings.Join(e.Problems, "; "))
	if e.Change != "" {
		fmt.Fprintf(&b, "; %s", e.Change)
	}
	return b.String()
}

// NotFocusedError: keys were to go to an element that does not have the keyboard focus.
type NotFocusedError struct {
	Element string
	Focused string // what has the focus instead
}

func (e *NotFocusedError) Error() string {
	return fmt.Sprintf("%s does not have the keyboard focus (%s has it), so a person's keystrokes would not reach it", e.Element, e.Focused)
}

// CheckState is one actionability check as it stood when an action gave up.
type CheckState struct {
	Name    Check
	Passed  bool
	Reached bool // false for checks after the failing one: they were not looked at
	Detail  string
}

// TimeoutError: the action's checks did not all pass before its deadline. Last is the typed error for the check
// that was failing at the end, so errors.As finds, say, an *InterceptedError through a timeout.
type TimeoutError struct {
	After    time.Duration
	Attempts int
	During   string // what the action was doing when time ran out, when past its checks ("dispatching the input")
	Checks   []CheckState
	Last     error
}

func (e *TimeoutError) Error() string {
	var b strings.Builder
	attempts := "attempts"
	if e.Attempts == 1 {
		attempts = "attempt"
	}
	fmt.Fprintf(&b, "gave up after %s (%d %s)", e.After.Round(time.Millisecond), e.Attempts, attempts)
	if e.During != "" {
		fmt.Fprintf(&b, " while %s", e.During)
	}
	if e.Last != nil {
		fmt.Fprintf(&b, ": %v", e.Last)
	}
	if len(e.Checks) > 0 {
		b.WriteString("\n    checks:")
		for _, c := range e.Checks {
			mark := "✓"
			switch {
			case !c.Reached:
				mark = "(not reached)"
			case !c.Passed:
				mark = "✗"
			}
			fmt.Fprintf(&b, " %s %s", c.Name, mark)
		}
	}
	return b.String()
}

// Unwrap lets errors.Is(err, context.DeadlineExceeded) and errors.As(err, &someCheckError) both work.
func (e *TimeoutError) Unwrap() []error {
	if e.Last == nil {
		return []error{context.DeadlineExceeded}
	}
	return []error{e.Last, context.DeadlineExceeded}
}

// NavigationError: a page could not be loaded. Phase says how far the navigation got.
type NavigationError struct {
	URL    string
	Phase  string // "sending the navigation", "waiting for the load event", "checking the response", "reloading"
	Reason string // net::ERR_CONNECTION_REFUSED, HTTP 500, "no answer within 15s", …
	Hint   string
	Err    error // the underlying error, when there is one (a deadline, a crash)
}

func (e *NavigationError) Error() string {
	msg := fmt.Sprintf("loading %s failed", e.URL)
	if e.Phase != "" {
		msg += " while " + e.Phase
	}
	msg += ": " + e.Reason
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

func (e *NavigationError) Unwrap() error { return e.Err }

// EvaluationError: Page.Evaluate did not return a value: the script threw, or the page did not answer in time.
type EvaluationError struct {
	Expression string // the start of the script
	Exception  string // what it threw, when it threw
	Err        error  // why it did not answer otherwise (a deadline, a crash)
}

func (e *EvaluationError) Error() string {
	if e.Exception != "" {
		return fmt.Sprintf("evaluating %s: it threw %s", e.Expression, e.Exception)
	}
	return fmt.Sprintf("evaluating %s: %v", e.Expression, describeWait(e.Err))
}

func (e *EvaluationError) Unwrap() error { return e.Err }

// ReadError: a read of the page (Text, Count, State, Attribute, URL, …) did not come back.
type ReadError struct {
	What string // "reading testid=count", "reading the page's URL"
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("%s: %v", e.What, describeWait(e.Err)) }

func (e *ReadError) Unwrap() error { return e.Err }

// describeWait words a deadline as what it means for a read: the page did not answer.
func describeWait(err error) string {
	if errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "answer") {
		return "the page did not answer in time (its main thread may be busy): " + err.Error()
	}
	return err.Error()
}

// shortScript is the start of a script, for errors.
func shortScript(src string) string {
	src = strings.Join(strings.Fields(src), " ")
	if len(src) > 60 {
		src = src[:57] + "..."
	}
	return strconv.Quote(src)
}

// ErrBrowserCrashed marks infrastructure failures: the browser process or the page's renderer died. A spec that
// fails with it did not find a bug in the page; reports and the smoke runner tell the two apart with errors.Is.
var ErrBrowserCrashed = errors.New("the browser crashed")

// CrashError says which part crashed and what the harness was doing at the time.
type CrashError struct {
	What   string // "the browser process exited", "the page's renderer crashed"
	During string // the action or call under way
}

func (e *CrashError) Error() string {
	if e.During == "" {
		return e.What
	}
	return fmt.Sprintf("%s while %s", e.What, e.During)
}

func (e *CrashError) Unwrap() error { return ErrBrowserCrashed }

// IsInfrastructureFailure reports whether err is about the browser rather than the page under test.
func IsInfrastructureFailure(err error) bool { return errors.Is(err, ErrBrowserCrashed) }

// GomegaString makes Gomega print an action's failure as its message, not as a dump of its fields.
func (e *ActionError) GomegaString() string { return e.Error() }

// FormattedGomegaError makes Gomega's Succeed() report a failed action with its message alone.
func (e *ActionError) FormattedGomegaError() string { return e.Error() }
