package harness

import (
	"context"
	"errors"

	"github.com/go-rod/rod/lib/proto"
)

// Click clicks the element like a person: it waits until the element is visible, enabled, in view, stable and
// the topmost element under its centre, moves the mouse there, presses and releases the left button with
// trusted input, and proves that pointerdown, pointerup and click all reached the element. If they did not,
// Click fails with *InputNotReceivedError saying where they went and what happened to the element.
func (l *Locator) Click(ctx context.Context, opts ...ActionOption) error {
	return l.pointerAction(ctx, "click", proto.InputMouseButtonLeft, 1, "click", opts)
}

// DoubleClick clicks twice in quick succession (clickCount 1 then 2) and proves that dblclick arrived too.
func (l *Locator) DoubleClick(ctx context.Context, opts ...ActionOption) error {
	return l.pointerAction(ctx, "double click", proto.InputMouseButtonLeft, 2, "dblclick", opts)
}

// RightClick presses the right button, as a person opening a context menu, and proves contextmenu arrived.
func (l *Locator) RightClick(ctx context.Context, opts ...ActionOption) error {
	return l.pointerAction(ctx, "right click", proto.InputMouseButtonRight, 1, "contextmenu", opts)
}

// Hover moves the mouse over the element and proves it is hovered (:hover matches it).
func (l *Locator) Hover(ctx context.Context, opts ...ActionOption) error {
	cfg := actionConfigFrom(opts)
	return l.act(ctx, "hover", hoverNeeds, cfg, "", func(ctx context.Context, t target) error {
		p := l.page
		if err := p.pointTo(ctx, t, "hover"); err != nil {
			return err
		}
		return p.verifyInput(ctx, t, "hover")
	})
}

func (l *Locator) pointerAction(ctx context.Context, action string, button proto.InputMouseButton, count int, kind string, opts []ActionOption) error {
	cfg := actionConfigFrom(opts)
	if cfg.actsOnPress {
		kind = "press"
	}
	return l.act(ctx, action, pointerNeeds, cfg, "", func(ctx context.Context, t target) error {
		return l.page.clickTarget(ctx, t, button, count, kind, modifierMask(cfg.modifiers))
	})
}

func actionConfigFrom(opts []ActionOption) actionConfig {
	var cfg actionConfig
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// clickTarget moves to the target, confirms it, clicks and verifies: the pointer part of every action that
// clicks (Click, Check, focusing a field before typing).
func (p *Page) clickTarget(ctx context.Context, t target, button proto.InputMouseButton, count int, kind string, modifiers int) error {
	if err := p.pointTo(ctx, t, kind); err != nil {
		return err
	}
	for i := 1; i <= count; i++ {
		if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMousePressed, button, i, modifiers); err != nil {
			return err
		}
		if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMouseReleased, button, i, modifiers); err != nil {
			return err
		}
	}
	return p.verifyInput(ctx, t, kind)
}

// pointTo moves the mouse to the target's point and confirms, at least one frame after prepare looked, that the
// element has not moved and still receives events there; then the engine arms its input recorder.
func (p *Page) pointTo(ctx context.Context, t target, kind string) error {
	if err := p.moveMouse(ctx, t.point, 0); err != nil {
		return err
	}
	var c inspection
	err := p.world.call(ctx, "confirm", map[string]any{
		"handle": t.handle, "box": t.box, "point": t.point, "time": t.time, "hit": true, "action": kind,
	}, &c)
	if err != nil {
		if errors.Is(err, errContextGone) {
			return &retryAction{last: inspection{Status: "wait", Check: "attached", Reason: "the page navigated"}}
		}
		return err
	}
	if c.Status != "ready" {
		c.Element = t.element
		return &retryAction{last: c}
	}
	return nil
}

type verification struct {
	Status   string   `json:"status"`
	Reason   string   `json:"reason"`
	Reached  []string `json:"reached"`
	Problems []string `json:"problems"`
	Change   string   `json:"targetChange"`
	Events   []string `json:"events"`
}

// verifyInput asks the engine whether the input just dispatched reached the armed element.
func (p *Page) verifyInput(ctx context.Context, t target, kind string) error {
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
	switch v.Status {
	case "received":
		return nil
	case "held back":
		// Nothing reached the page: the whole action may start over.
		return &retryAction{last: inspection{Status: "wait", Check: "receives events", Reason: v.Reason, Element: t.element}}
	case "not received":
		return &InputNotReceivedError{Element: t.element, Reached: v.Reached, Problems: v.Problems, Change: v.Change}
	default:
		return errors.New(v.Reason)
	}
}

// moveMouse sends one trusted mouse move. buttons is the pressed-buttons mask (1 while dragging).
func (p *Page) moveMouse(ctx context.Context, to Point, buttons int) error {
	c, done := p.client(ctx)
	defer done()
	ev := proto.InputDispatchMouseEvent{Type: proto.InputDispatchMouseEventTypeMouseMoved, X: to.X, Y: to.Y, Buttons: &buttons}
	if buttons != 0 {
		ev.Button = proto.InputMouseButtonLeft
	}
	if err := ev.Call(c); err != nil {
		return p.explain(ctx, err, "moving the mouse")
	}
	p.mouseX, p.mouseY = to.X, to.Y
	return nil
}

func (p *Page) mouseButton(ctx context.Context, typ proto.InputDispatchMouseEventType, button proto.InputMouseButton, clickCount, modifiers int) error {
	c, done := p.client(ctx)
	defer done()
	pressed := 0
	if typ == proto.InputDispatchMouseEventTypeMousePressed {
		pressed = buttonMask(button)
	}
	err := proto.InputDispatchMouseEvent{Type: typ, X: p.mouseX, Y: p.mouseY, Button: button, Buttons: &pressed,
		ClickCount: clickCount, Modifiers: modifiers}.Call(c)
	if err != nil {
		return p.explain(ctx, err, "pressing the mouse button")
	}
	return nil
}

func buttonMask(b proto.InputMouseButton) int {
	switch b {
	case proto.InputMouseButtonLeft:
		return 1
	case proto.InputMouseButtonRight:
		return 2
	case proto.InputMouseButtonMiddle:
		return 4
	}
	return 0
}

// Mouse sends raw trusted mouse input at page coordinates: no locator, no actionability checks, no proof of
// where the events went. It is for gestures the actions do not cover and for measuring the harness's own cost;
// specs should prefer the Locator actions, which check and prove.
type Mouse struct{ page *Page }

// Mouse is the page's mouse.
func (p *Page) Mouse() *Mouse { return &Mouse{page: p} }

// Move moves the mouse to (x, y) with no button pressed.
func (m *Mouse) Move(ctx context.Context, x, y float64) error {
	ctx, cancel := m.page.actionContext(ctx, 0)
	defer cancel()
	m.page.actionMu.Lock()
	defer m.page.actionMu.Unlock()
	return m.page.moveMouse(ctx, Point{X: x, Y: y}, 0)
}

// Click moves to (x, y) and presses and releases the left button: one move, one press, one release.
func (m *Mouse) Click(ctx context.Context, x, y float64) error {
	p := m.page
	ctx, cancel := p.actionContext(ctx, 0)
	defer cancel()
	p.actionMu.Lock()
	defer p.actionMu.Unlock()
	if err := p.moveMouse(ctx, Point{X: x, Y: y}, 0); err != nil {
		return err
	}
	if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMousePressed, proto.InputMouseButtonLeft, 1, 0); err != nil {
		return err
	}
	return p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMouseReleased, proto.InputMouseButtonLeft, 1, 0)
}
