package harness

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-rod/rod/lib/proto"
)

type focusState struct {
	Focused        bool   `json:"focused"`
	FocusedElement string `json:"focusedElement"`
}

// Fill replaces the text of an input, a textarea or a contenteditable element: it focuses the element with a
// click when it does not have the focus, selects its content and enters text as trusted text input (an empty
// text deletes the content with the Delete key). It proves the input events reached the element.
func (l *Locator) Fill(ctx context.Context, text string, opts ...FillOption) error {
	cfg := configFrom(opts)
	return l.act(ctx, "fill", textNeeds, cfg, shownText(text, cfg), func(ctx context.Context, t target) error {
		p := l.page
		if cfg.secret || t.password {
			p.session.MarkSecret(text)
			defer p.session.trace.masking()()
		}
		if _, err := p.focusByClick(ctx, t); err != nil {
			return err
		}
		var sel struct {
			Empty bool `json:"empty"`
		}
		if err := p.world.call(ctx, "selectContents", map[string]any{"handle": t.handle}, &sel); err != nil {
			return err
		}
		if _, err := p.armKeys(ctx, t, kindText); err != nil {
			return err
		}
		if text == "" {
			if sel.Empty {
				return p.disarm(ctx, t)
			}
			if err := p.keyDownUp(ctx, usKeys["Delete"], 0); err != nil {
				return err
			}
			if err := p.verifyInput(ctx, t, kindKeys); err != nil {
				return err
			}
			return p.checkFilled(ctx, t, text, cfg.secret || t.password)
		}
		if err := p.insertText(ctx, text); err != nil {
			return err
		}
		if err := p.verifyInput(ctx, t, kindText); err != nil {
			return err
		}
		return p.checkFilled(ctx, t, text, cfg.secret || t.password)
	})
}

// ValueMismatchError: Fill entered the text and the element received it, but the element does not hold it
// afterwards: a maxlength cut it, an input mask rewrote it, a number field refused it, a filter dropped
// characters. A person would see the difference; a spec that went on would test something else.
type ValueMismatchError struct {
	Element string
	Want    string // what Fill entered
	Got     string // what the element holds a frame later (its value, or its text for contenteditable)
	Secret  bool   // the values are a secret: the message does not show them
}

func (e *ValueMismatchError) Error() string {
	if e.Secret {
		return fmt.Sprintf("%s does not hold the text that was filled in (a secret of %d characters; it holds %d)", e.Element, len([]rune(e.Want)), len([]rune(e.Got)))
	}
	return fmt.Sprintf("%s does not hold the text that was filled in: want %q, it holds %q (a maxlength, an input mask or a filter changed it)", e.Element, e.Want, e.Got)
}

// checkFilled reads the element back a frame after Fill, when the page's input handlers (masks, filters) have
// run, and fails with *ValueMismatchError when it does not hold the text.
func (p *Page) checkFilled(ctx context.Context, t target, want string, secret bool) error {
	var got struct {
		Value    string `json:"value"`
		Editable bool   `json:"contentEditable"`
	}
	if err := p.world.call(ctx, "filledValue", map[string]any{"handle": t.handle}, &got); err != nil {
		if errors.Is(err, errContextGone) {
			return nil // the input made the page navigate (a search box that submits as you type)
		}
		return err
	}
	if got.Editable {
		want = strings.Join(strings.Fields(want), " ")
	}
	if got.Value == want {
		return nil
	}
	return &ValueMismatchError{Element: t.element, Want: want, Got: got.Value, Secret: secret}
}

// Type types text into the element key by key, and proves each keystroke reached it. When the element does not
// have the focus, Type clicks it and moves the caret to the end of its text first; with KeepCaret it instead
// fails with *NotFocusedError, for specs where the focus must already be there (typing on after an insertion).
func (l *Locator) Type(ctx context.Context, text string, opts ...TypeOption) error {
	cfg := configFrom(opts)
	need := textNeeds
	if cfg.keepCaret {
		need = needs{Visible: true, Enabled: true, Editable: true}
	}
	return l.act(ctx, "type", need, cfg, shownText(text, cfg), func(ctx context.Context, t target) error {
		p := l.page
		if cfg.secret || t.password {
			p.session.MarkSecret(text)
			defer p.session.trace.masking()()
		}
		focus := p.focusForKeys
		if cfg.keepCaret {
			focus = p.requireFocus
		}
		if err := focus(ctx, t); err != nil {
			return err
		}
		sentKeys, err := p.typeText(ctx, text)
		if err != nil {
			return err
		}
		if sentKeys {
			return p.verifyInput(ctx, t, kindKeys)
		}
		return p.verifyInput(ctx, t, kindText)
	})
}

// Press presses a key or combination ("Enter", "Control+Z") while the element has the keyboard focus, and
// proves the keydown reached it. It does not click to focus: pressing keys on a button or menu item that lacks
// the focus sends them elsewhere, and that is a *NotFocusedError.
func (l *Locator) Press(ctx context.Context, combo string, opts ...PressOption) error {
	cfg := configFrom(opts)
	if _, _, err := parseCombo(combo); err != nil {
		return &ActionError{Action: "press", Locator: l.String(), Err: err}
	}
	return l.act(ctx, "press", needs{Visible: true}, cfg, combo, func(ctx context.Context, t target) error {
		p := l.page
		if err := p.requireFocus(ctx, t); err != nil {
			return err
		}
		if err := p.pressCombo(ctx, combo); err != nil {
			return err
		}
		return p.verifyInput(ctx, t, kindKeys)
	})
}

// Check makes a checkbox, radio button or ARIA checkbox checked by clicking it (nothing when it already is),
// and fails if the click did not check it.
func (l *Locator) Check(ctx context.Context, opts ...CheckOption) error {
	return l.setChecked(ctx, "check", true, opts)
}

// Uncheck makes a checkbox unchecked by clicking it (nothing when it already is).
func (l *Locator) Uncheck(ctx context.Context, opts ...CheckOption) error {
	return l.setChecked(ctx, "uncheck", false, opts)
}

func (l *Locator) setChecked(ctx context.Context, action string, want bool, opts []CheckOption) error {
	cfg := configFrom(opts)
	return l.act(ctx, action, pointerNeeds, cfg, "", func(ctx context.Context, t target) error {
		p := l.page
		state, err := p.checkedState(ctx, t)
		if err != nil {
			return err
		}
		if state.Checked == want {
			return nil
		}
		if err := p.clickTarget(ctx, t, proto.InputMouseButtonLeft, 1, kindClick, 0); err != nil {
			return err
		}
		after, err := p.checkedState(ctx, t)
		if err != nil {
			return err
		}
		if after.Checked != want {
			return fmt.Errorf("%s received the click but is still %s", t.element, checkedWord(after.Checked))
		}
		return nil
	})
}

type checkedInfo struct {
	Checkable bool `json:"checkable"`
	Checked   bool `json:"checked"`
}

func (p *Page) checkedState(ctx context.Context, t target) (checkedInfo, error) {
	var s checkedInfo
	if err := p.world.call(ctx, "checkedState", map[string]any{"handle": t.handle}, &s); err != nil {
		return s, err
	}
	if !s.Checkable {
		return s, fmt.Errorf("%s is not a checkbox, radio button or element with aria-checked", t.element)
	}
	return s, nil
}

func checkedWord(c bool) string {
	if c {
		return "checked"
	}
	return "unchecked"
}

// focusByClick gives the element the focus the way a person does, by clicking it, unless it has it already.
// It leaves the recorder armed for keys when the element had the focus, else disarmed.
func (p *Page) focusByClick(ctx context.Context, t target) (armed bool, err error) {
	focus, err := p.armKeys(ctx, t, kindKeys)
	if err != nil || focus.Focused {
		return focus.Focused, err
	}
	return false, p.clickTarget(ctx, t, proto.InputMouseButtonLeft, 1, kindClick, 0)
}

// focusForKeys gives the element the focus as focusByClick does and, when that took a click, moves the caret to
// the end of the text with the keyboard (Control+End, as text can span lines), so typed text is appended
// wherever the click put the caret. The recorder is left armed for the keys that follow.
func (p *Page) focusForKeys(ctx context.Context, t target) error {
	armed, err := p.focusByClick(ctx, t)
	if err != nil || armed {
		return err
	}
	if err := p.pressCombo(ctx, "Control+End"); err != nil {
		return err
	}
	return p.requireFocus(ctx, t)
}

// requireFocus arms the recorder for keys to the target, which must have the keyboard focus (or contain it).
func (p *Page) requireFocus(ctx context.Context, t target) error {
	focus, err := p.armKeys(ctx, t, kindKeys)
	if err != nil {
		return err
	}
	if !focus.Focused {
		_ = p.disarm(ctx, t)
		return &NotFocusedError{Element: t.element, Focused: focus.FocusedElement}
	}
	return nil
}

func (p *Page) armKeys(ctx context.Context, t target, kind inputKind) (focusState, error) {
	var f focusState
	err := p.world.call(ctx, "armKeys", map[string]any{"handle": t.handle, "kind": kind}, &f)
	return f, err
}

func (p *Page) disarm(ctx context.Context, t target) error {
	return p.world.call(ctx, "verify", map[string]any{"kind": kindNone, "handle": t.handle}, nil)
}
