package harness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// The pointer-action contract, in the order it runs. Click, DoubleClick, RightClick, Hover, Check and DragTo
// (and the click that focuses a field before Fill or Type) all go through it:
//
//  1. resolve  the locator to exactly one element, again on every attempt      act → engine prepare
//  2. checks   visible, enabled, editable, in view, stable, receives events    act → engine prepare
//  3. point    move the mouse there; a frame later, confirm nothing changed    pointTo → engine confirm
//  4. press    trusted mouse button events through the DevTools protocol       press
//  5. proof    where pointerdown, pointerup and click really went              verifyInput → engine verify
//
// A check that fails at step 3 (the element moved, a hover effect covers it) and a press the engine held back
// at step 5 (it would have missed) start the action over at step 1: nothing reached the page. Anything that
// did reach the page is final: a retry would repeat it.

// Click clicks the element like a person: it waits until the element is visible, enabled, in view, stable and
// the topmost element under its centre, moves the mouse there, presses and releases the left button with
// trusted input, and proves that pointerdown, pointerup and click all reached the element. If they did not,
// Click fails with *InputNotReceivedError saying where they went and what happened to the element.
func (l *Locator) Click(ctx context.Context, opts ...ClickOption) error {
	return l.pointerAction(ctx, "click", proto.InputMouseButtonLeft, 1, kindClick, opts)
}

// DoubleClick clicks twice in quick succession (clickCount 1 then 2) and proves that dblclick arrived too.
func (l *Locator) DoubleClick(ctx context.Context, opts ...ClickOption) error {
	return l.pointerAction(ctx, "double click", proto.InputMouseButtonLeft, 2, kindDoubleClick, opts)
}

// RightClick presses the right button, as a person opening a context menu, and proves contextmenu arrived.
func (l *Locator) RightClick(ctx context.Context, opts ...ClickOption) error {
	return l.pointerAction(ctx, "right click", proto.InputMouseButtonRight, 1, kindContextMenu, opts)
}

// Hover moves the mouse over the element and proves it is hovered (:hover matches it).
func (l *Locator) Hover(ctx context.Context, opts ...HoverOption) error {
	cfg := configFrom(opts)
	return l.act(ctx, "hover", hoverNeeds, cfg, "", func(ctx context.Context, t target) error {
		p := l.page
		if err := p.pointTo(ctx, t, kindHover); err != nil {
			return err
		}
		return p.verifyInput(ctx, t, kindHover)
	})
}

func (l *Locator) pointerAction(ctx context.Context, action string, button proto.InputMouseButton, count int, kind inputKind, opts []ClickOption) error {
	cfg := configFrom(opts)
	if cfg.actsOnPress {
		kind = kindPress
	}
	return l.act(ctx, action, pointerNeeds, cfg, "", func(ctx context.Context, t target) error {
		return l.page.clickTarget(ctx, t, button, count, kind, modifierMask(cfg.modifiers))
	})
}

// act runs one action on the locator's element: resolve strictly, wait for every check in need, then perform.
// perform dispatches the input and proves it landed; it returns *retryAction when a late check failed before
// anything was dispatched. Every outcome is written to the session's action log.
//
// Two budgets, because a loaded machine is slow and must not be wrong. Waiting for the checks is bounded by
// the action's timeout (WithActionTimeout, Timeout): that is how long the spec is willing to wait for the page.
// Once the checks pass, the input is dispatched and proven for as long as the page keeps answering: a loaded
// machine takes longer, a hung page answers nothing and is found out (see dispatchContext).
func (l *Locator) act(ctx context.Context, action string, need needs, cfg actionConfig, detail string,
	perform func(ctx context.Context, t target) error) (err error) {
	p := l.page
	p.actionMu.Lock()
	defer p.actionMu.Unlock()

	if err := p.slowDown(ctx); err != nil {
		return &ActionError{Action: action, Locator: l.String(), Err: err}
	}
	start := time.Now()
	caller := ctx
	ctx, cancel := p.actionContext(ctx, cfg.timeout)
	defer cancel()

	rec := ActionRecord{Action: action, Locator: l.String(), Detail: detail, Start: start, Before: p.film.latest()}
	waits := &waitTracker{}
	attempt := 0
	var last inspection    // the latest look at the element
	var failing inspection // the latest look at which a check failed: the cause a timeout must keep
	var patience patienceState
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
			p.startFilmstripNow() // at the latest now: the page as the failed action left it
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
			if last.Status == "" {
				// The deadline came while the page was still answering the first look (a slow page, a loaded
				// machine): take one quick look now, so the error says what state the element was in.
				last = l.lastLook(need, cfg)
				failing = last
			}
			return &TimeoutError{After: time.Since(start), Attempts: attempt + 1, Checks: checkStates(need, failing), Last: checkError(l, failing)}
		}
		return ctx.Err()
	}

	for {
		if err := timedOut(); err != nil {
			return err
		}
		args := prepareArgs{Steps: l.steps, Strict: true, Needs: need, Position: cfg.position, Attempt: attempt,
			SliceMs: sliceFor(ctx), Fresh: true, Patience: patience.args(cfg.patience)}
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
		patience.update(r)
		if len(r.Measure) > 0 {
			if err := p.measureFrames(ctx, r.Measure); err != nil {
				if te := timedOut(); te != nil {
					return te
				}
				return err
			}
			continue
		}
		switch r.Status {
		case statusError:
			return checkError(l, r)
		case statusWait:
			last, failing = r, r
			if r.Check == CheckStable {
				need.Stable = true
			}
			if r.OutOfPatience {
				r.Reason += patience.explain(cfg.patience)
				return checkError(l, r)
			}
			if r.RetryAfter {
				if err := pause(ctx, retryDelays[min(attempt, len(retryDelays)-1)]); err != nil {
					continue // the deadline: timedOut reports it
				}
				attempt++
			}
			continue
		case statusReady:
			rec.Element = r.Element
			last = r
			t := target{handle: r.Handle, box: r.Box, point: r.Point, time: r.Time, element: r.Element, password: r.Password, proof: &proof{}}
			dctx, stop := p.dispatchContext(caller)
			err := perform(dctx, t)
			stalled := context.Cause(dctx)
			stop()
			if t.proof.pointed {
				rec.Point, rec.TargetBox = &t.point, &t.box
			}
			rec.Landings = t.proof.landings
			var retry *retryAction
			if errors.As(err, &retry) {
				p.StartFilmstrip() // the element moved or was covered as the pointer reached it
				last, failing = retry.last, retry.last
				last.Element, failing.Element = r.Element, r.Element
				waits.observe(last, 0)
				if last.Check == CheckStable {
					need.Stable = true
				}
				if err := pause(ctx, retryDelays[min(attempt, len(retryDelays)-1)]); err == nil {
					attempt++
				}
				continue
			}
			if err != nil && !isTyped(err) && stalled != nil {
				if crash := p.crashed(); crash != nil {
					return crash
				}
				during := "dispatching the input and checking where it went (the checks had passed)"
				if errors.Is(stalled, errPageStalled) {
					during += "; " + stalled.Error()
				}
				te := &TimeoutError{After: time.Since(start), Attempts: attempt + 1, Checks: checkStates(need, last), During: during}
				if failing.Status != "" {
					te.Last = checkError(l, failing) // what made the earlier attempts fail
				}
				return te
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
	if err := l.page.world.call(ctx, "prepare", args, &r); err != nil || r.Status == statusReady {
		return inspection{}
	}
	return r
}

// clickTarget moves to the target, confirms it, clicks and verifies: the pointer part of every action that
// clicks (Click, Check, focusing a field before typing).
func (p *Page) clickTarget(ctx context.Context, t target, button proto.InputMouseButton, count int, kind inputKind, modifiers int) error {
	if err := p.pointTo(ctx, t, kind); err != nil {
		return err
	}
	if err := p.press(ctx, button, count, modifiers); err != nil {
		return err
	}
	return p.verifyInput(ctx, t, kind)
}

// pointTo moves the mouse to the target's point and confirms, at least one frame after prepare looked, that the
// element has not moved and still receives events there; then the engine arms its input recorder.
func (p *Page) pointTo(ctx context.Context, t target, kind inputKind) error {
	if err := p.moveMouse(ctx, t.point, 0); err != nil {
		return err
	}
	var c inspection
	err := p.world.call(ctx, "confirm", map[string]any{
		"handle": t.handle, "box": t.box, "point": t.point, "time": t.time, "hit": true, "action": kind,
	}, &c)
	if err != nil {
		if errors.Is(err, errContextGone) {
			return &retryAction{last: inspection{Status: statusWait, Check: CheckAttached, Reason: "the page navigated"}}
		}
		return err
	}
	if c.Status != statusReady {
		c.Element = t.element
		return &retryAction{last: c}
	}
	return nil
}

// press presses and releases the button count times where the mouse is (clickCount 1, then 2 for a double
// click), as trusted input.
func (p *Page) press(ctx context.Context, button proto.InputMouseButton, count, modifiers int) error {
	for i := 1; i <= count; i++ {
		if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMousePressed, button, i, modifiers); err != nil {
			return err
		}
		if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMouseReleased, button, i, modifiers); err != nil {
			return err
		}
	}
	return nil
}

type verification struct {
	Status   status    `json:"status"`
	Reason   string    `json:"reason"`
	Reached  []string  `json:"reached"`
	Problems []string  `json:"problems"`
	Change   string    `json:"targetChange"`
	Events   []string  `json:"events"`
	Landings []Landing `json:"landings"`
}

// verifyInput asks the engine whether the input just dispatched reached the armed element.
func (p *Page) verifyInput(ctx context.Context, t target, kind inputKind) error {
	var v verification
	err := p.world.call(ctx, "verify", map[string]any{"kind": kind, "handle": t.handle}, &v)
	if errors.Is(err, errContextGone) {
		// The input made the page navigate (a link, a submit): the old document and its recorder are gone, and
		// a navigation is the effect the input had.
		return nil
	}
	if err != nil {
		return err
	}
	if t.proof != nil {
		t.proof.landings = append(t.proof.landings, v.Landings...)
		t.proof.pointed = t.proof.pointed || kind != kindKeys && kind != kindText && kind != kindNone
	}
	switch v.Status {
	case statusReceived:
		return nil
	case statusHeldBack:
		// Nothing reached the page: the whole action may start over.
		return &retryAction{last: inspection{Status: statusWait, Check: CheckReceivesEvents, Reason: v.Reason, Element: t.element}}
	case statusNotReceived:
		return &InputNotReceivedError{Element: t.element, Reached: v.Reached, Problems: v.Problems, Change: v.Change}
	default:
		return errors.New(v.Reason)
	}
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
	var vm *ValueMismatchError
	var dr *DropRejectedError
	return errors.As(err, &inr) || errors.As(err, &nf) || errors.As(err, &ce) || errors.As(err, &vm) || errors.As(err, &dr)
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
