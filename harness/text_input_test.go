package harness_test

import (
	"context"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/harness"
)

func TestFillReplacesAnInputsValue(t *testing.T) {
	p, ctx := openWithContext(t, "form.html")
	name := p.ByLabel("Name")
	if err := name.Fill(ctx, "Ada Lovelace"); err != nil {
		t.Fatal(err)
	}
	if v, _ := name.Value(ctx); v != "Ada Lovelace" {
		t.Errorf("value %q", v)
	}
	if err := name.Fill(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if v, _ := name.Value(ctx); v != "" {
		t.Errorf("after filling with nothing the value is %q", v)
	}
}

func TestFillReplacesContentEditableText(t *testing.T) {
	p, ctx := openWithContext(t, "form.html")
	editor := p.ByRole("textbox", harness.Name("Rich text"))
	if err := editor.Fill(ctx, "Replaced"); err != nil {
		t.Fatal(err)
	}
	wantText(t, editor, "Replaced")
}

func TestTypeSendsRealKeysAndAppends(t *testing.T) {
	p, ctx := openWithContext(t, "form.html")
	name := p.ByTestID("name")
	if err := name.Type(ctx, " Name!"); err != nil {
		t.Fatal(err)
	}
	if v, _ := name.Value(ctx); v != "Old Name!" {
		t.Errorf("value %q, want the text appended", v)
	}
	// Whitespace is collapsed when the text is read: the space key shows as one more separator.
	if keys := text(t, p.ByTestID("keys")); !strings.HasSuffix(keys, "C-End N a m e !") {
		t.Errorf("key events %q: want a keydown per character after Control+End", keys)
	}
}

func TestTypeWithKeepCaretFailsWhenTheElementLostFocus(t *testing.T) {
	p := open(t, "form.html")
	err := p.ByLabel("Notes").Type(short(t), "lost", harness.KeepCaret())
	wantErrorAs[*harness.NotFocusedError](t, err)
	if !strings.Contains(err.Error(), "<body>") {
		t.Errorf("the error does not say where the focus is: %v", err)
	}
}

func TestPressSendsAShortcutToTheFocusedElement(t *testing.T) {
	p, ctx := openWithContext(t, "form.html")
	notes := p.ByLabel("Notes")
	if err := notes.Type(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if err := notes.Press(ctx, "Control+A"); err != nil {
		t.Fatal(err)
	}
	if err := notes.Press(ctx, "Backspace"); err != nil {
		t.Fatal(err)
	}
	if v, _ := notes.Value(ctx); v != "" {
		t.Errorf("Control+A then Backspace left %q", v)
	}
	if keys := text(t, p.ByTestID("keys")); !strings.Contains(keys, "C-Control C-a Backspace") {
		t.Errorf("Control+A arrived as %q", keys)
	}
}

func TestPressOnAnElementWithoutFocusFails(t *testing.T) {
	p := open(t, "form.html")
	err := p.ByTestID("agree").Press(short(t), "Space")
	wantErrorAs[*harness.NotFocusedError](t, err)
}

func TestCheckAndUncheck(t *testing.T) {
	p, ctx := openWithContext(t, "form.html")
	agree := p.ByLabel("I agree")
	for i, step := range []func(context.Context, ...harness.CheckOption) error{agree.Check, agree.Check, agree.Uncheck} {
		if err := step(ctx); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	s, err := agree.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Checked {
		t.Errorf("still checked after Uncheck")
	}
}

func TestKeyboardTypesWhereTheFocusIs(t *testing.T) {
	p, ctx := openWithContext(t, "form.html")
	if err := p.ByLabel("Notes").Click(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Keyboard().Type(ctx, "line one\nline two, café"); err != nil {
		t.Fatal(err)
	}
	if v, _ := p.ByLabel("Notes").Value(ctx); v != "line one\nline two, café" {
		t.Errorf("value %q", v)
	}
}

func TestUnknownKeyIsAClearError(t *testing.T) {
	p := open(t, "form.html")
	err := p.Keyboard().Press(context.Background(), "Control+Flurb")
	if err == nil || !strings.Contains(err.Error(), `unknown key "Flurb"`) {
		t.Fatalf("want an unknown key error, got %v", err)
	}
}
