package harness

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

// DropRejectedError: a native drag reached the drop point, but the page did not accept the drop there (its
// dragover was not cancelled), or the drop landed on another element.
type DropRejectedError struct {
	Target     string
	ReceivedBy string // the element that received the drop, empty when nothing did
	Reason     string
}

func (e *DropRejectedError) Error() string {
	if e.ReceivedBy != "" {
		return fmt.Sprintf("the drop meant for %s went to %s", e.Target, e.ReceivedBy)
	}
	return fmt.Sprintf("nothing was dropped on %s: %s", e.Target, e.Reason)
}

// dropDwellFrames is how many frames a native drag rests on the drop point before it drops.
const dropDwellFrames = 3

// dragStartMoves are the first small moves after the press: browsers start an HTML5 drag, and pointer-drag
// libraries their drag, only once the pointer has moved a few pixels.
var dragStartMoves = []Point{{X: 3, Y: 3}, {X: 8, Y: 8}}

// DragTo drags the element onto target, the way a person drags with a mouse: press on the element, move a few
// pixels, then move to the target in steps and release. When the first moves start a native HTML5 drag
// (draggable elements), it continues the way the browser does for a real drag: the drag is intercepted and
// delivered as dragenter, dragover and drop events at the target's position, also inside same-origin iframes,
// and the drop must reach the target. A dragstart the page cancels falls back to plain pointer moves.
//
// Both ends get the checks of a click: the source must be visible, stable and receive the press, the target
// must be visible and, for native drops, the element under the drop point.
func (l *Locator) DragTo(ctx context.Context, dropTarget *Locator, opts ...DragOption) error {
	cfg := configFrom(opts)
	steps := cfg.steps
	if steps <= 0 {
		steps = 10
	}
	return l.act(ctx, "drag", pointerNeeds, cfg, "to "+dropTarget.String(), func(ctx context.Context, src target) error {
		p := l.page
		if err := p.pointTo(ctx, src, kindDrag); err != nil {
			return err
		}
		if err := p.setInterceptDrags(ctx, true); err != nil {
			return err
		}
		intercepting := true
		defer func() {
			if intercepting {
				_ = p.setInterceptDrags(context.WithoutCancel(ctx), false)
			}
		}()
		p.mu.Lock()
		p.drags = nil
		p.mu.Unlock()
		if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMousePressed, proto.InputMouseButtonLeft, 1, 0); err != nil {
			return err
		}
		released := false
		defer func() {
			if !released {
				_ = p.mouseButton(context.WithoutCancel(ctx), proto.InputDispatchMouseEventTypeMouseReleased, proto.InputMouseButtonLeft, 1, 0)
			}
		}()
		for _, d := range dragStartMoves {
			if err := p.moveMouse(ctx, Point{X: src.point.X + d.X, Y: src.point.Y + d.Y}, 1); err != nil {
				return err
			}
		}
		var state struct {
			Held      bool   `json:"held"`
			Pressed   bool   `json:"pressed"`
			PressedOn string `json:"pressedOn"`
			Started   bool   `json:"started"`
		}
		if err := p.world.call(ctx, "dragState", nil, &state); err != nil {
			return err
		}
		if state.Held {
			// The press would have missed the source and was kept from the page: start over.
			return &retryAction{last: inspection{Status: statusWait, Check: CheckReceivesEvents, Element: src.element,
				Reason: "the press would have gone to " + state.PressedOn + " (the element moved or was covered just before it)"}}
		}
		if !state.Pressed {
			return &InputNotReceivedError{Element: src.element, Problems: []string{"pointerdown went to " + state.PressedOn}}
		}
		dst, err := p.dropPoint(ctx, dropTarget, cfg, state.Started)
		if err != nil {
			return err
		}
		if state.Started {
			drag, err := p.interceptedDrag(ctx)
			if err != nil {
				return err
			}
			if err := p.setInterceptDrags(ctx, false); err != nil {
				return err
			}
			intercepting = false
			// During a native drag the mouse button belongs to the drag: no pointerup reaches the page, and the
			// drop ends the gesture.
			released = true
			return p.nativeDrop(ctx, drag, src, dst, steps)
		}
		// A pointer drag: every move carries the pressed button, as a mouse held down does.
		from := Point{X: src.point.X + dragStartMoves[len(dragStartMoves)-1].X, Y: src.point.Y + dragStartMoves[len(dragStartMoves)-1].Y}
		for i := 1; i <= steps; i++ {
			if err := p.moveMouse(ctx, lerp(from, dst.point, float64(i)/float64(steps)), 1); err != nil {
				return err
			}
		}
		released = true
		if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMouseReleased, proto.InputMouseButtonLeft, 1, 0); err != nil {
			return err
		}
		return p.verifyInput(ctx, src, kindDrag)
	})
}

// dropPoint resolves the drop target while the source is held: visible, in view and, for a native drag,
// the element under the drop point (a pointer drag's ghost element may legitimately sit under the pointer).
func (p *Page) dropPoint(ctx context.Context, to *Locator, cfg actionConfig, native bool) (target, error) {
	need := needs{Visible: true, Scroll: true, Hit: native}
	for attempt := 0; ; attempt++ {
		var r inspection
		err := p.world.call(ctx, "prepare", prepareArgs{Steps: to.steps, Strict: true, Needs: need, Position: cfg.dropAt,
			Attempt: attempt, SliceMs: sliceFor(ctx)}, &r)
		if err != nil {
			if ctx.Err() != nil {
				return target{}, &ActionError{Action: "drop on", Locator: to.String(), Err: &TimeoutError{Last: checkError(to, r), Attempts: attempt + 1}}
			}
			return target{}, err
		}
		if len(r.Measure) > 0 {
			if err := p.measureFrames(ctx, r.Measure); err != nil {
				return target{}, err
			}
			attempt--
			continue
		}
		switch r.Status {
		case statusReady:
			if native {
				if err := p.world.call(ctx, "armDrop", map[string]any{"handle": r.Handle}, nil); err != nil {
					return target{}, err
				}
			}
			return target{handle: r.Handle, box: r.Box, point: r.Point, element: r.Element}, nil
		case statusError:
			return target{}, &ActionError{Action: "drop on", Locator: to.String(), Err: checkError(to, r)}
		}
		if ctx.Err() != nil {
			return target{}, &ActionError{Action: "drop on", Locator: to.String(), Err: &TimeoutError{Last: checkError(to, r), Attempts: attempt + 1}}
		}
		if r.RetryAfter {
			_ = pause(ctx, retryDelays[min(attempt, len(retryDelays)-1)])
		}
	}
}

// interceptedDrag waits for the browser to hand over the drag it intercepted.
func (p *Page) interceptedDrag(ctx context.Context) (*proto.InputDragIntercepted, error) {
	wait, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var drag *proto.InputDragIntercepted
	err := p.waitFor(wait, func() bool {
		if len(p.drags) > 0 {
			drag = p.drags[len(p.drags)-1]
			return true
		}
		return false
	})
	if err != nil {
		return nil, fmt.Errorf("the page started a drag (dragstart) but the browser did not report its data: %w", err)
	}
	return drag, nil
}

// nativeDrop delivers an intercepted drag to the drop point: dragenter, dragover along the way, drop, then the
// mouse release that ends the gesture. The drop must reach the target.
func (p *Page) nativeDrop(ctx context.Context, drag *proto.InputDragIntercepted, src, dst target, steps int) error {
	from := Point{X: src.point.X + dragStartMoves[len(dragStartMoves)-1].X, Y: src.point.Y + dragStartMoves[len(dragStartMoves)-1].Y}
	overs := max(steps/2, 3)
	if err := p.dragEvent(ctx, proto.InputDispatchDragEventTypeDragEnter, from, drag.Data); err != nil {
		return err
	}
	// One dragover per frame, as the browser sends them for a moving mouse, then a few more resting on the drop
	// point, as a hand does while it aims: pages that place the drop on a timer after the dragovers (GrapesJS's
	// sorter waits 20 ms) drop nothing when the drop follows at once.
	for i := 1; i <= overs+dropDwellFrames; i++ {
		at := dst.point
		if i <= overs {
			at = lerp(from, dst.point, float64(i)/float64(overs))
		}
		if err := p.dragEvent(ctx, proto.InputDispatchDragEventTypeDragOver, at, drag.Data); err != nil {
			return err
		}
		if err := p.world.call(ctx, "frames", map[string]any{"n": 1}, nil); err != nil && !errors.Is(err, errContextGone) {
			return err
		}
	}
	if err := p.dragEvent(ctx, proto.InputDispatchDragEventTypeDrop, dst.point, drag.Data); err != nil {
		return err
	}
	p.mouseX, p.mouseY = dst.point.X, dst.point.Y
	var out struct {
		Status     status `json:"status"`
		Reason     string `json:"reason"`
		ReceivedBy string `json:"receivedBy"`
		DropTarget string `json:"dropTarget"`
	}
	if err := p.world.call(ctx, "dropOutcome", nil, &out); err != nil {
		if errors.Is(err, errContextGone) {
			return nil
		}
		return err
	}
	switch out.Status {
	case statusDropped:
		return nil
	case statusElsewhere:
		return &DropRejectedError{Target: dst.element, ReceivedBy: out.ReceivedBy}
	case statusRejected:
		return &DropRejectedError{Target: dst.element, Reason: out.Reason}
	default:
		return errors.New(out.Reason)
	}
}

func (p *Page) dragEvent(ctx context.Context, typ proto.InputDispatchDragEventType, at Point, data *proto.InputDragData) error {
	c, done := p.client(ctx)
	defer done()
	if err := (proto.InputDispatchDragEvent{Type: typ, X: at.X, Y: at.Y, Data: data}).Call(c); err != nil {
		return p.explain(ctx, err, "dispatching "+string(typ))
	}
	return nil
}

func (p *Page) setInterceptDrags(ctx context.Context, on bool) error {
	c, done := p.client(ctx)
	defer done()
	if err := (proto.InputSetInterceptDrags{Enabled: on}).Call(c); err != nil {
		return p.explain(ctx, err, "intercepting drags")
	}
	return nil
}

func lerp(a, b Point, t float64) Point {
	return Point{X: math.Round((a.X+(b.X-a.X)*t)*100) / 100, Y: math.Round((a.Y+(b.Y-a.Y)*t)*100) / 100}
}
