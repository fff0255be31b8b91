package harness

import (
	"context"
	"time"

	"github.com/go-rod/rod/lib/proto"
)

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
	p.showPointer(ctx, buttons != 0)
	return nil
}

// beginInput starts an input action outside the locator actions: the slow-motion pause, the action's time
// limit (timeout, or the browser's action timeout for 0) and the page's input lock. end releases the lock and
// the time limit.
func (p *Page) beginInput(ctx context.Context, timeout time.Duration) (_ context.Context, end func(), _ error) {
	if err := p.slowDown(ctx); err != nil {
		return ctx, nil, err
	}
	ctx, cancel := p.actionContext(ctx, timeout)
	p.actionMu.Lock()
	return ctx, func() {
		p.actionMu.Unlock()
		cancel()
	}, nil
}

// slowDown waits before an action in slow motion (WithSlowMotion).
func (p *Page) slowDown(ctx context.Context) error {
	return pause(ctx, p.session.browser.cfg.slowMotion)
}

// showPointer draws the mouse where it is, in slow motion only: a person watching cannot otherwise see where
// trusted input goes. Best effort: a page that is navigating simply shows no dot.
func (p *Page) showPointer(ctx context.Context, pressed bool) {
	if p.session.browser.cfg.slowMotion <= 0 {
		return
	}
	_ = p.world.call(ctx, "showPointer", map[string]any{"x": p.mouseX, "y": p.mouseY, "pressed": pressed}, nil)
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
	p.showPointer(ctx, pressed != 0)
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
	if err := m.page.slowDown(ctx); err != nil {
		return err
	}
	ctx, cancel := m.page.actionContext(ctx, 0)
	defer cancel()
	m.page.actionMu.Lock()
	defer m.page.actionMu.Unlock()
	return m.page.moveMouse(ctx, Point{X: x, Y: y}, 0)
}

// Click moves to (x, y) and presses and releases the left button: one move, one press, one release.
func (m *Mouse) Click(ctx context.Context, x, y float64) error {
	p := m.page
	ctx, end, err := p.beginInput(ctx, 0)
	if err != nil {
		return err
	}
	defer end()
	if err := p.moveMouse(ctx, Point{X: x, Y: y}, 0); err != nil {
		return err
	}
	if err := p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMousePressed, proto.InputMouseButtonLeft, 1, 0); err != nil {
		return err
	}
	return p.mouseButton(ctx, proto.InputDispatchMouseEventTypeMouseReleased, proto.InputMouseButtonLeft, 1, 0)
}
