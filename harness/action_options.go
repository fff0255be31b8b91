package harness

import "time"

// Each action family takes its own option type, so an option that means nothing to an action does not compile
// with it: Click(ctx, KeepCaret()) is a compile error, not a silent no-op. An option that several families
// understand (Timeout, AtPosition, Secret) implements each of their interfaces.
//
//	family                               options
//	Click, DoubleClick, RightClick       Timeout, AtPosition, WithModifiers, ActsOnPress
//	Hover                                Timeout, AtPosition, WithModifiers
//	Check, Uncheck                       Timeout, AtPosition
//	Fill, Keyboard.Type                  Timeout, Secret
//	Type                                 Timeout, Secret, KeepCaret
//	Press                                Timeout
//	DragTo                               Timeout, AtPosition (where to grab), DropAt, Steps
//	WaitFor                              Timeout
//
// Patience fits every action that waits for an element a person would watch: clicks, hover, check, fill,
// type and drag.

// ClickOption changes Click, DoubleClick and RightClick.
type ClickOption interface {
	apply(*actionConfig)
	clickOption()
}

// HoverOption changes Hover.
type HoverOption interface {
	apply(*actionConfig)
	hoverOption()
}

// CheckOption changes Check and Uncheck.
type CheckOption interface {
	apply(*actionConfig)
	checkOption()
}

// FillOption changes Fill and Keyboard.Type.
type FillOption interface {
	apply(*actionConfig)
	fillOption()
}

// TypeOption changes Locator.Type.
type TypeOption interface {
	apply(*actionConfig)
	typeOption()
}

// PressOption changes Press.
type PressOption interface {
	apply(*actionConfig)
	pressOption()
}

// DragOption changes DragTo.
type DragOption interface {
	apply(*actionConfig)
	dragOption()
}

// WaitOption changes WaitFor.
type WaitOption interface {
	apply(*actionConfig)
	waitOption()
}

// actionConfig is what the options of every family set; each action reads the fields its family can set.
type actionConfig struct {
	timeout     time.Duration
	position    *Point
	modifiers   []string
	secret      bool
	keepCaret   bool
	actsOnPress bool
	steps       int
	dropAt      *Point
	patience    time.Duration
}

func configFrom[O interface{ apply(*actionConfig) }](opts []O) actionConfig {
	var cfg actionConfig
	for _, o := range opts {
		o.apply(&cfg)
	}
	return cfg
}

type setting func(*actionConfig)

func (f setting) apply(c *actionConfig) { f(c) }

// TimeoutOption is Timeout's option; every action family takes it.
type TimeoutOption struct{ setting }

func (TimeoutOption) clickOption() {}
func (TimeoutOption) hoverOption() {}
func (TimeoutOption) checkOption() {}
func (TimeoutOption) fillOption()  {}
func (TimeoutOption) typeOption()  {}
func (TimeoutOption) pressOption() {}
func (TimeoutOption) dragOption()  {}
func (TimeoutOption) waitOption()  {}

// Timeout overrides the browser's action timeout (WithActionTimeout, 5 s by default) for one action.
func Timeout(d time.Duration) TimeoutOption {
	return TimeoutOption{func(c *actionConfig) { c.timeout = d }}
}

// PositionOption is AtPosition's option.
type PositionOption struct{ setting }

func (PositionOption) clickOption() {}
func (PositionOption) hoverOption() {}
func (PositionOption) checkOption() {}
func (PositionOption) dragOption()  {}

// AtPosition acts at this offset from the element's top-left corner (in CSS pixels) instead of a point the
// harness picks inside the element. The point must still reach the element: what covers it is an interceptor.
func AtPosition(x, y float64) PositionOption {
	return PositionOption{func(c *actionConfig) { c.position = &Point{X: x, Y: y} }}
}

// ModifiersOption is WithModifiers' option.
type ModifiersOption struct{ setting }

func (ModifiersOption) clickOption() {}
func (ModifiersOption) hoverOption() {}

// WithModifiers holds modifier keys (Shift, Control, Alt, Meta) during a click or a hover.
func WithModifiers(keys ...string) ModifiersOption {
	return ModifiersOption{func(c *actionConfig) { c.modifiers = append(c.modifiers, keys...) }}
}

// PressOnlyOption is ActsOnPress's option.
type PressOnlyOption struct{ setting }

func (PressOnlyOption) clickOption() {}

// ActsOnPress is for controls that act on pointerdown and may vanish before the button is released (many editor
// toolbars): the click must still be a full press and release, but only pointerdown has to reach the element.
func ActsOnPress() PressOnlyOption {
	return PressOnlyOption{func(c *actionConfig) { c.actsOnPress = true }}
}

// SecretOption is Secret's option.
type SecretOption struct{ setting }

func (SecretOption) fillOption() {}
func (SecretOption) typeOption() {}

// Secret masks the typed text in the action log, the protocol trace and the reports (passwords, tokens). Text
// typed into an <input type=password> is masked without it.
func Secret() SecretOption { return SecretOption{func(c *actionConfig) { c.secret = true }} }

// KeepCaretOption is KeepCaret's option.
type KeepCaretOption struct{ setting }

func (KeepCaretOption) typeOption() {}

// KeepCaret makes Type require that the element already has the keyboard focus and types at the caret as it
// is, the way a person keeps typing after an insertion. Without it, Type clicks the element and moves the
// caret to the end when the element does not have focus.
func KeepCaret() KeepCaretOption {
	return KeepCaretOption{func(c *actionConfig) { c.keepCaret = true }}
}

// DropOption is DropAt's and Steps' option.
type DropOption struct{ setting }

func (DropOption) dragOption() {}

// DropAt drops at this offset from the drop target's top-left corner instead of its centre.
func DropAt(x, y float64) DropOption {
	return DropOption{func(c *actionConfig) { c.dropAt = &Point{X: x, Y: y} }}
}

// Steps sets how many intermediate pointer moves (or dragover events) a drag makes (10 by default).
func Steps(n int) DropOption { return DropOption{func(c *actionConfig) { c.steps = n }} }

// PatienceOption is Patience's option.
type PatienceOption struct{ setting }

func (PatienceOption) clickOption() {}
func (PatienceOption) hoverOption() {}
func (PatienceOption) checkOption() {}
func (PatienceOption) fillOption()  {}
func (PatienceOption) typeOption()  {}
func (PatienceOption) dragOption()  {}

// Patience is how long a person would wait for the element to become actionable (to appear, stop moving,
// become enabled) before acting anyway: an element still not ready after d fails the action with the failing
// check's error, saying that patience ran out. Unlike Timeout, it is counted in the page's own time over
// frames the page really rendered (at least three), so a loaded machine does not run out of it where an idle
// one would not. Use it for controls people reach for as soon as they show, such as a toolbar that slides in.
func Patience(d time.Duration) PatienceOption {
	return PatienceOption{func(c *actionConfig) { c.patience = d }}
}
