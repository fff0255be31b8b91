package harness

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ActionOption configures one action.
type ActionOption func(*actionConfig)

type actionConfig struct {
	timeout     time.Duration
	position    *Point
	modifiers   []string
	secret      bool
	keepCaret   bool
	actsOnPress bool
	steps       int
	dropAt      *Point
}

// Timeout overrides the action timeout (E2E_ACTION_TIMEOUT, 5 s by default) for one action.
func Timeout(d time.Duration) ActionOption { return func(c *actionConfig) { c.timeout = d } }

// AtPosition acts at this offset from the element's top-left corner instead of its centre.
func AtPosition(x, y float64) ActionOption {
	return func(c *actionConfig) { c.position = &Point{X: x, Y: y} }
}

// WithModifiers holds modifier keys (Shift, Control, Alt, Meta) during a click.
func WithModifiers(keys ...string) ActionOption {
	return func(c *actionConfig) { c.modifiers = append(c.modifiers, keys...) }
}

// Secret masks the typed text in the action log and reports (passwords, tokens).
func Secret() ActionOption { return func(c *actionConfig) { c.secret = true } }

// ActsOnPress is for controls that act on pointerdown and may vanish before the button is released (many editor
// toolbars): the click must still be a full press and release, but only pointerdown has to reach the element.
func ActsOnPress() ActionOption { return func(c *actionConfig) { c.actsOnPress = true } }

// KeepCaret makes Type require that the element already has the keyboard focus and types at the caret as it
// is, the way a person keeps typing after an insertion. Without it, Type clicks the element and moves the
// caret to the end when the element does not have focus.
func KeepCaret() ActionOption { return func(c *actionConfig) { c.keepCaret = true } }

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
}

// inspection is the engine's answer to prepare and confirm.
type inspection struct {
	Status      string          `json:"status"` // ready, wait, error
	Check       string          `json:"check"`
	Reason      string          `json:"reason"`
	Count       int             `json:"count"`
	Candidates  []string        `json:"candidates"`
	Element     string          `json:"element"`
	Checks      map[string]bool `json:"checks"`
	Interceptor string          `json:"interceptor"`
	RetryAfter  bool            `json:"retryAfter"`
	Handle      int             `json:"handle"`
	Box         Box             `json:"box"`
	Point       Point           `json:"point"`
	Time        *float64        `json:"time"`
	Password    bool            `json:"password"`
}

// target is an element that passed every check of prepare, ready for input.
type target struct {
	handle   int
	box      Box
	point    Point
	time     *float64
	element  string
	password bool // an <input type=password>: what is typed into it is a secret
}

// retryAction is returned by an action's perform step when a check failed after prepare (the element moved under
// the pointer, a hover effect covered it): no input was dispatched yet, so the whole action may start over.
type retryAction struct{ last inspection }

func (r *retryAction) Error() string { return r.last.Reason }

// retryDelays are the waits between attempts after a failed hit test or a movement, as Playwright spaces them:
// quick at first for a transition that is about to end, then slower for an overlay that stays.
var retryDelays = []time.Duration{0, 20 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond}

// act runs one action on the locator's element: resolve strictly, wait for every check in need, then perform.
// perform dispatches the input and proves it landed; it returns *retryAction when a late check failed before
// anything was dispatched. Every outcome is written to the session's action log.
func (l *Locator) act(ctx context.Context, action string, need needs, cfg actionConfig, detail string,
	perform func(ctx context.Context, t target) error) (err error) {
	p := l.page
	p.actionMu.Lock()
	defer p.actionMu.Unlock()

	start := time.Now()
	ctx, cancel := p.actionContext(ctx, cfg.timeout)
	defer cancel()

	rec := ActionRecord{Action: action, Locator: l.String(), Detail: detail, Start: start}
	waits := &waitTracker{}
	attempt := 0
	var last inspection
	during := "" // set while the input is being dispatched, for a timeout past the checks
	defer func() {
		rec.Duration = time.Since(start)
		rec.Attempts = attempt + 1
		rec.Waits = waits.list()
		if err != nil {
			var ae *ActionError
			if !errors.As(err, &ae) {
				err = &ActionError{Action: action, Locator: l.String(), Err: err}
			}
			rec.Error = err.Error()
		}
		p.session.recordAction(rec)
	}()

	timedOut := func() error {
		if ctx.Err() == nil {
			return nil
		}
		if errors.Is(context.Cause(ctx), context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			if crash := p.crashed(); crash != nil {
				return crash
			}
			if during != "" {
				return &TimeoutError{After: time.Since(start), Attempts: attempt + 1, During: during, Checks: checkStates(need, last)}
			}
			if last.Status == "" {
				// The deadline came while the page was still answering the first look (a slow page, a loaded
				// machine): take one quick look now, so the error says what state the element was in.
				last = l.lastLook(need, cfg)
			}
			return &TimeoutError{After: time.Since(start), Attempts: attempt + 1, Checks: checkStates(need, last), Last: checkError(l, last)}
		}
		return ctx.Err()
	}

	for {
		if err := timedOut(); err != nil {
			return err
		}
		args := prepareArgs{Steps: l.steps, Strict: true, Needs: need, Position: cfg.position, Attempt: attempt,
			SliceMs: sliceFor(ctx), Fresh: true}
		var r inspection
		began := time.Now()
		if err := p.world.call(ctx, "prepare", args, &r); err != nil {
			if errors.Is(err, errContextGone) {
				continue
			}
			if te := timedOut(); te != nil {
				return te
			}
			return err
		}
		waits.observe(r, time.Since(began))
		switch r.Status {
		case "error":
			return checkError(l, r)
		case "wait":
			last = r
			if r.Check == "stable" {
				need.Stable = true
			}
			if r.RetryAfter {
				if err := pause(ctx, retryDelays[min(attempt, len(retryDelays)-1)]); err != nil {
					continue // the deadline: timedOut reports it
				}
				attempt++
			}
			continue
		case "ready":
			rec.Element = r.Element
			last = r
			during = "dispatching the input and checking where it went (the checks had passed)"
			err := perform(ctx, target{handle: r.Handle, box: r.Box, point: r.Point, time: r.Time, element: r.Element, password: r.Password})
			var retry *retryAction
			if errors.As(err, &retry) {
				during = ""
				last = retry.last
				last.Element = r.Element
				waits.observe(last, 0)
				if last.Check == "stable" {
					need.Stable = true
				}
				if err := pause(ctx, retryDelays[min(attempt, len(retryDelays)-1)]); err == nil {
					attempt++
				}
				continue
			}
			if err != nil {
				if te := timedOut(); te != nil && !isTyped(err) {
					return te
				}
			}
			return err
		default:
			return fmt.Errorf("harness engine: unexpected status %q", r.Status)
		}
	}
}

// lastLook inspects the element once without waiting, for the error of an action that timed out before any
// inspection came back.
func (l *Locator) lastLook(need needs, cfg actionConfig) inspection {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var r inspection
	args := prepareArgs{Steps: l.steps, Strict: true, Needs: need, Position: cfg.position, SliceMs: 0, Fresh: true}
	if err := l.page.world.call(ctx, "prepare", args, &r); err != nil || r.Status == "ready" {
		return inspection{}
	}
	return r
}

// actionContext bounds one action by its own timeout, or the browser's action timeout.
func (p *Page) actionContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		timeout = p.session.browser.cfg.actionTimeout
	}
	return context.WithTimeout(ctx, timeout)
}

// isTyped reports errors that already say what went wrong better than a timeout would.
func isTyped(err error) bool {
	var inr *InputNotReceivedError
	var nf *NotFocusedError
	var ce *CrashError
	return errors.As(err, &inr) || errors.As(err, &nf) || errors.As(err, &ce)
}

// sliceFor is how long one page-side wait may run: short enough that a cancelled spec is not kept waiting on an
// evaluation nobody can interrupt, long enough that waiting costs few round trips.
func sliceFor(ctx context.Context) int64 {
	slice := time.Second
	if dl, ok := ctx.Deadline(); ok {
		// Leave room for the answer to travel back before the deadline, more on a long wait.
		left := time.Until(dl)
		if left -= max(50*time.Millisecond, left/10); left < slice {
			slice = left
		}
	}
	return max(slice.Milliseconds(), 0)
}

func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkError turns the engine's failing check into the typed error a spec can test for.
func checkError(l *Locator, r inspection) error {
	el := r.Element
	switch r.Check {
	case "":
		return nil
	case "attached":
		if el != "" {
			return &NotVisibleError{Element: el, Reason: r.Reason}
		}
		return &NotFoundError{Locator: l.String()}
	case "unique":
		return &AmbiguousError{Locator: l.String(), Count: r.Count, Candidates: r.Candidates}
	case "visible":
		return &NotVisibleError{Element: el, Reason: r.Reason}
	case "enabled":
		return &DisabledError{Element: el, Reason: r.Reason}
	case "editable":
		return &NotEditableError{Element: el, Reason: r.Reason}
	case "stable":
		return &NotStableError{Element: el, Reason: r.Reason}
	case "in viewport":
		return &OutsideViewportError{Element: el, Reason: r.Reason}
	case "receives events":
		return &InterceptedError{Element: el, Interceptor: r.Interceptor, Reason: r.Reason}
	default:
		return errors.New(r.Reason)
	}
}

var checkOrder = []struct {
	name string
	on   func(needs) bool
}{
	{"visible", func(n needs) bool { return n.Visible }},
	{"enabled", func(n needs) bool { return n.Enabled }},
	{"editable", func(n needs) bool { return n.Editable }},
	{"in viewport", func(n needs) bool { return n.Scroll }},
	{"stable", func(n needs) bool { return n.Stable }},
	{"receives events", func(n needs) bool { return n.Hit }},
}

// checkStates lists each check the action needed with how it stood on the last look: passed, failed, or not
// reached because an earlier one failed.
func checkStates(need needs, last inspection) []CheckState {
	if last.Status == "ready" {
		out := []CheckState{{Name: "attached", Passed: true, Reached: true}}
		for _, c := range checkOrder {
			if c.on(need) {
				out = append(out, CheckState{Name: c.name, Passed: true, Reached: true})
			}
		}
		return out
	}
	if last.Check == "attached" || last.Check == "unique" || last.Check == "" {
		return []CheckState{{Name: "attached", Reached: true, Detail: last.Reason}}
	}
	out := []CheckState{{Name: "attached", Passed: true, Reached: true}}
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
	order []string
	waits map[string]*CheckWait
}

func (w *waitTracker) observe(r inspection, took time.Duration) {
	if r.Status != "wait" || r.Check == "" {
		return
	}
	if w.waits == nil {
		w.waits = map[string]*CheckWait{}
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
