package harness

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/go-rod/rod/lib/proto"
)

// Keyboard sends trusted key events to whatever has the focus, as a person's keyboard does. Use the Locator
// methods (Type, Press, Fill) to also prove that the keys reached a given element.
type Keyboard struct{ page *Page }

// Keyboard is the page's keyboard.
func (p *Page) Keyboard() *Keyboard { return &Keyboard{page: p} }

// Press presses a key or a combination such as "Enter", "Control+Z", "Control+Shift+Z", "Shift+ArrowLeft":
// modifiers down in order, the key down and up, modifiers up in reverse order.
func (k *Keyboard) Press(ctx context.Context, combo string) error {
	p := k.page
	ctx, end, err := p.beginInput(ctx, 0)
	if err != nil {
		return err
	}
	defer end()
	start, before := time.Now(), p.film.latest()
	err = p.pressCombo(ctx, combo)
	p.session.recordAction(actionRecordFor("press", combo, start, before, err))
	return err
}

// Type types text one key at a time. Characters that are not on a US keyboard are inserted as text input.
func (k *Keyboard) Type(ctx context.Context, text string, opts ...FillOption) error {
	p := k.page
	cfg := configFrom(opts)
	ctx, end, err := p.beginInput(ctx, cfg.timeout)
	if err != nil {
		return err
	}
	defer end()
	start, before := time.Now(), p.film.latest()
	if cfg.secret {
		p.session.MarkSecret(text)
		defer p.session.trace.masking()()
	}
	_, err = p.typeText(ctx, text)
	p.session.recordAction(actionRecordFor("type", shownText(text, cfg), start, before, err))
	return err
}

func shownText(text string, cfg actionConfig) string {
	if cfg.secret {
		return "••••••"
	}
	return fmt.Sprintf("%q", text)
}

// parseCombo splits "Control+Shift+Z" into its modifiers and main key. A literal "+" is written "Shift+Equal"
// or as the last part after another "+" ("Control++").
func parseCombo(combo string) (mods []keyDef, key keyDef, err error) {
	if combo == "" {
		return nil, keyDef{}, fmt.Errorf("no key given")
	}
	parts := strings.Split(combo, "+")
	if strings.HasSuffix(combo, "++") || combo == "+" {
		parts = append(strings.Split(strings.TrimSuffix(combo, "++"), "+"), "+")
		if combo == "+" {
			parts = []string{"+"}
		}
	}
	for i, name := range parts {
		d, ok := lookupKey(name)
		if !ok {
			return nil, keyDef{}, fmt.Errorf("unknown key %q in %q (keys are named as in KeyboardEvent.key: Enter, ArrowLeft, Control, a, …)", name, combo)
		}
		if i < len(parts)-1 {
			if modifierBit(d.key) == 0 {
				return nil, keyDef{}, fmt.Errorf("%q in %q is not a modifier (Shift, Control, Alt, Meta)", name, combo)
			}
			mods = append(mods, d)
			continue
		}
		key = d
	}
	// A letter in a shortcut names the key, not the character: Control+A is the "a" key with Control, and
	// only Shift makes it "A".
	if r := []rune(key.key); len(r) == 1 && unicode.IsLetter(r[0]) {
		shifted := false
		for _, m := range mods {
			shifted = shifted || m.key == "Shift"
		}
		key, _ = lookupKey(strings.ToLower(key.key))
		if shifted {
			key, _ = lookupKey(strings.ToUpper(key.key))
		}
	}
	return mods, key, nil
}

func (p *Page) pressCombo(ctx context.Context, combo string) error {
	mods, key, err := parseCombo(combo)
	if err != nil {
		return err
	}
	mask := 0
	for _, m := range mods {
		mask |= modifierBit(m.key)
		if err := p.keyEvent(ctx, proto.InputDispatchKeyEventTypeRawKeyDown, m, mask, ""); err != nil {
			return err
		}
	}
	if err := p.keyDownUp(ctx, key, mask); err != nil {
		return err
	}
	for i := len(mods) - 1; i >= 0; i-- {
		mask &^= modifierBit(mods[i].key)
		if err := p.keyEvent(ctx, proto.InputDispatchKeyEventTypeKeyUp, mods[i], mask, ""); err != nil {
			return err
		}
	}
	return nil
}

// keyDownUp presses and releases one key. It produces text only without Control, Alt or Meta held, as a real
// keyboard does: Control+Z undoes, it does not type a "z".
func (p *Page) keyDownUp(ctx context.Context, d keyDef, mask int) error {
	text := keyText(d)
	if mask&(modControl|modAlt|modMeta) != 0 {
		text = ""
	}
	down := proto.InputDispatchKeyEventTypeKeyDown
	if text == "" {
		down = proto.InputDispatchKeyEventTypeRawKeyDown
	}
	if err := p.keyEvent(ctx, down, d, mask, text); err != nil {
		return err
	}
	return p.keyEvent(ctx, proto.InputDispatchKeyEventTypeKeyUp, d, mask, "")
}

func keyText(d keyDef) string {
	switch {
	case d.key == "Enter":
		return "\r"
	case len([]rune(d.key)) == 1:
		return d.key
	}
	return ""
}

func (p *Page) keyEvent(ctx context.Context, typ proto.InputDispatchKeyEventType, d keyDef, mask int, text string) error {
	c, done := p.client(ctx)
	defer done()
	loc := d.location
	err := proto.InputDispatchKeyEvent{
		Type: typ, Modifiers: mask, Key: d.key, Code: d.code, Text: text, UnmodifiedText: text,
		WindowsVirtualKeyCode: d.keyCode, NativeVirtualKeyCode: d.keyCode, Location: &loc,
	}.Call(c)
	if err != nil {
		return p.explain(ctx, err, "pressing "+d.key)
	}
	return nil
}

// typeText types each character; it reports whether any key events were sent (as opposed to text insertions).
func (p *Page) typeText(ctx context.Context, text string) (sentKeys bool, err error) {
	for _, r := range text {
		ch := string(r)
		if r == '\n' {
			ch = "Enter"
		}
		if d, ok := usKeys[ch]; ok && (len([]rune(d.key)) == 1 || ch == "Enter") {
			if err := p.keyDownUp(ctx, d, 0); err != nil {
				return sentKeys, err
			}
			sentKeys = true
			continue
		}
		if err := p.insertText(ctx, ch); err != nil {
			return sentKeys, err
		}
	}
	return sentKeys, nil
}

// insertText enters text as an input method would: one trusted beforeinput/input, no key events.
func (p *Page) insertText(ctx context.Context, text string) error {
	c, done := p.client(ctx)
	defer done()
	if err := (proto.InputInsertText{Text: text}).Call(c); err != nil {
		return p.explain(ctx, err, "inserting text")
	}
	return nil
}

// actionRecordFor logs a keyboard action that has no element of its own.
func actionRecordFor(action, detail string, start time.Time, before *ScreencastFrame, err error) ActionRecord {
	r := ActionRecord{Action: action, Locator: "keyboard", Detail: detail, Start: start, Duration: time.Since(start), Before: before}
	if err != nil {
		r.Error = err.Error()
	}
	return r
}
