package harness

import (
	"errors"
	"time"
)

// Point is a position in CSS pixels.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Box is an element's border box in the top-level viewport's CSS pixels.
type Box struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// needs lists the checks an action waits for, in the order the engine runs them.
type needs struct {
	Visible  bool `json:"visible"`
	Enabled  bool `json:"enabled"`
	Editable bool `json:"editable"`
	Scroll   bool `json:"scroll"`
	Stable   bool `json:"stable"`
	Hit      bool `json:"hit"`
}

var (
	pointerNeeds = needs{Visible: true, Enabled: true, Scroll: true, Hit: true}
	hoverNeeds   = needs{Visible: true, Scroll: true, Hit: true}
	textNeeds    = needs{Visible: true, Enabled: true, Editable: true, Scroll: true, Hit: true}
)

type prepareArgs struct {
	Steps    []locatorStep `json:"steps"`
	Strict   bool          `json:"strict"`
	Needs    needs         `json:"needs"`
	Position *Point        `json:"position,omitempty"`
	Attempt  int           `json:"attempt"`
	SliceMs  int64         `json:"sliceMs"`
	Fresh    bool          `json:"fresh"`
	Patience *patienceArgs `json:"patience,omitempty"`
}

// inspection is the engine's answer to prepare and confirm.
type inspection struct {
	Status      status         `json:"status"`
	Check       Check          `json:"check"`
	Reason      string         `json:"reason"`
	Count       int            `json:"count"`
	Candidates  []string       `json:"candidates"`
	Element     string         `json:"element"`
	Checks      map[Check]bool `json:"checks"`
	Interceptor string         `json:"interceptor"`
	RetryAfter  bool           `json:"retryAfter"`
	Handle      int            `json:"handle"`
	Box         Box            `json:"box"`
	Point       Point          `json:"point"`
	Time        *float64       `json:"time"`
	Password    bool           `json:"password"`
	Measure     []int          `json:"measure"` // transformed frames the engine needs measured before it can aim
	// Patience used so far, and whether it ran out (see Patience).
	Patience      *patienceArgs `json:"patience"`
	OutOfPatience bool          `json:"outOfPatience"`
}

// target is an element that passed every check of prepare, ready for input.
type target struct {
	handle   int
	box      Box
	point    Point
	time     *float64
	element  string
	password bool // an <input type=password>: what is typed into it is a secret
	proof    *proof
}

// proof collects what the engine said about where an action's input went, for the action log.
type proof struct {
	pointed  bool // the mouse went to the target's point (a press, a hover)
	landings []Landing
}

// retryAction is returned by an action's perform step when a check failed after prepare (the element moved under
// the pointer, a hover effect covered it): no input was dispatched yet, so the whole action may start over.
type retryAction struct{ last inspection }

func (r *retryAction) Error() string { return r.last.Reason }

// retryDelays are the waits between attempts after a failed hit test or a movement, as Playwright spaces them:
// quick at first for a transition that is about to end, then slower for an overlay that stays.
var retryDelays = []time.Duration{0, 20 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond}

// checkError turns the engine's failing check into the typed error a spec can test for.
func checkError(l *Locator, r inspection) error {
	el := r.Element
	switch r.Check {
	case "":
		return nil
	case CheckAttached:
		if el != "" {
			return &NotVisibleError{Element: el, Reason: r.Reason}
		}
		return &NotFoundError{Locator: l.String()}
	case CheckUnique:
		return &AmbiguousError{Locator: l.String(), Count: r.Count, Candidates: r.Candidates}
	case CheckVisible:
		return &NotVisibleError{Element: el, Reason: r.Reason}
	case CheckEnabled:
		return &DisabledError{Element: el, Reason: r.Reason}
	case CheckEditable:
		return &NotEditableError{Element: el, Reason: r.Reason}
	case CheckStable:
		return &NotStableError{Element: el, Reason: r.Reason}
	case CheckInViewport:
		return &OutsideViewportError{Element: el, Reason: r.Reason}
	case CheckReceivesEvents:
		return &InterceptedError{Element: el, Interceptor: r.Interceptor, Reason: r.Reason}
	default:
		return errors.New(r.Reason)
	}
}

var checkOrder = []struct {
	name Check
	on   func(needs) bool
}{
	{CheckVisible, func(n needs) bool { return n.Visible }},
	{CheckEnabled, func(n needs) bool { return n.Enabled }},
	{CheckEditable, func(n needs) bool { return n.Editable }},
	{CheckInViewport, func(n needs) bool { return n.Scroll }},
	{CheckStable, func(n needs) bool { return n.Stable }},
	{CheckReceivesEvents, func(n needs) bool { return n.Hit }},
}

// checkStates lists each check the action needed with how it stood on the last look: passed, failed, or not
// reached because an earlier one failed.
func checkStates(need needs, last inspection) []CheckState {
	if last.Status == statusReady {
		out := []CheckState{{Name: CheckAttached, Passed: true, Reached: true}}
		for _, c := range checkOrder {
			if c.on(need) {
				out = append(out, CheckState{Name: c.name, Passed: true, Reached: true})
			}
		}
		return out
	}
	if last.Check == CheckAttached || last.Check == CheckUnique || last.Check == "" {
		return []CheckState{{Name: CheckAttached, Reached: true, Detail: last.Reason}}
	}
	out := []CheckState{{Name: CheckAttached, Passed: true, Reached: true}}
	failed := false
	for _, c := range checkOrder {
		if !c.on(need) {
			continue
		}
		switch {
		case failed:
			out = append(out, CheckState{Name: c.name})
		case c.name == last.Check:
			out = append(out, CheckState{Name: c.name, Reached: true, Detail: last.Reason})
			failed = true
		default:
			out = append(out, CheckState{Name: c.name, Passed: true, Reached: true})
		}
	}
	return out
}

// waitTracker adds up how long an action waited on each check.
type waitTracker struct {
	order []Check
	waits map[Check]*CheckWait
}

func (w *waitTracker) observe(r inspection, took time.Duration) {
	if r.Status != statusWait || r.Check == "" {
		return
	}
	if w.waits == nil {
		w.waits = map[Check]*CheckWait{}
	}
	cw, ok := w.waits[r.Check]
	if !ok {
		cw = &CheckWait{Check: r.Check}
		w.waits[r.Check] = cw
		w.order = append(w.order, r.Check)
	}
	cw.Waited += took
	cw.Last = r.Reason
}

func (w *waitTracker) list() []CheckWait {
	out := make([]CheckWait, 0, len(w.order))
	for _, name := range w.order {
		out = append(out, *w.waits[name])
	}
	return out
}
