package harness_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/harness"
)

// The centre of an element's box is not always the element. A person clicks the part they see; so must the
// harness, and the landing proof (Click returns nil only when pointerdown, pointerup and click reached the
// element) says it did.

func TestClickOnTheVisiblePartOfAShape(t *testing.T) {
	log := byTestID("log")
	runClicks(t, []clickCase{
		{"a donut segment whose centre is in the hole", "shapes.html", byTestID("segment"), log, "segment;"},
		{"an L-shaped button whose centre is on its neighbour", "shapes.html", byTestID("l-button"), log, "l-button;"},
		{"a link that wraps around a float", "shapes.html", byTestID("link"), log, "link;"},
	})
}

// AtPosition still wins: a point the caller chose is not second-guessed, and what covers it is named.
func TestAtPositionOnTheCutOutPartOfAnLIsIntercepted(t *testing.T) {
	p := open(t, "shapes.html")
	err := p.ByTestID("l-button").Click(short(t), harness.AtPosition(150, 40))
	var ie *harness.InterceptedError
	if !errors.As(err, &ie) || !strings.Contains(ie.Interceptor, "neighbour") {
		t.Fatalf("want the neighbour to intercept, got %v", err)
	}
	wantText(t, p.ByTestID("log"), "")
}

// Only when no point of the element can be reached is it intercepted, and the error says what was tried.
func TestAFullyCoveredElementNamesWhatCoversItAndThePointsTried(t *testing.T) {
	p := open(t, "overlay.html")
	err := p.ByTestID("go").Click(short(t))
	wantErrorAs[*harness.InterceptedError](t, err)
	if !strings.Contains(err.Error(), "points tried inside it") {
		t.Errorf("the error does not say which points were tried: %v", err)
	}
}

// Device previews scale or rotate the iframe the app renders in. The press must land where the frame's button
// is drawn, not where it would be without the transform (a decoy button waits there).
func TestClickIntoATransformedIframe(t *testing.T) {
	log := byTestID("log")
	runClicks(t, []clickCase{
		{"scaled", "transformed_frames.html", inFrame("scaled-frame", "target"), log, "scaled target;"},
		{"rotated", "transformed_frames.html", inFrame("rotated-frame", "target"), log, "rotated target;"},
	})
}

func TestClickIntoAScaledIframeInsideAScaledIframe(t *testing.T) {
	p := open(t, "transformed_frames.html")
	inner := p.ByTestID("outer-frame").Frame().ByTestID("inner-frame").Frame()
	if err := inner.ByTestID("target").Click(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("log"), "nested target;")
	// Hover, the hit test and the landing proof go through the same geometry.
	if err := inner.ByTestID("zone").Hover(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestNativeDropIntoAScaledCanvasIframe(t *testing.T) {
	p := open(t, "transformed_frames.html")
	frame := p.ByTestID("scaled-frame").Frame()
	if err := frame.ByTestID("block").DragTo(context.Background(), frame.ByTestID("zone"), harness.DropAt(40, 30)); err != nil {
		t.Fatal(err)
	}
	// The drop point is in the zone's own coordinates: 40,30 from its padding edge (2 px border).
	wantText(t, p.ByTestID("log"), "scaled dropped block at 38,28;")
}

// A Fill that the field does not keep is a failure that shows both values.
func TestFillIntoAFieldWithMaxlengthFailsWithTheValueItKept(t *testing.T) {
	p := open(t, "fills.html")
	err := p.ByTestID("coupon").Fill(context.Background(), "WELCOME10")
	vm := wantErrorAs[*harness.ValueMismatchError](t, err)
	if vm.Want != "WELCOME10" || vm.Got != "WELCOM" {
		t.Errorf("want WELCOME10/WELCOM, got %q/%q", vm.Want, vm.Got)
	}
	if !strings.Contains(err.Error(), `"WELCOME10"`) || !strings.Contains(err.Error(), `"WELCOM"`) {
		t.Errorf("the error does not show both values: %v", err)
	}
}

// A field that rewrites what is typed fails the Fill with the value it kept; the value it would keep is
// accepted as it is.
func TestFillIntoAFieldThatRewritesTheText(t *testing.T) {
	for _, c := range []struct{ name, id, fill, kept, accepted string }{
		{"a masked field", "card", "4111111111111111", "4111 1111 1111 1111", "4111 1111 1111 1111"},
		{"a number field that refuses text", "quantity", "twelve", "", "12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := open(t, "fills.html")
			vm := wantErrorAs[*harness.ValueMismatchError](t, p.ByTestID(c.id).Fill(context.Background(), c.fill))
			if vm.Got != c.kept {
				t.Fatalf("the mismatch says the field kept %q, want %q: %v", vm.Got, c.kept, vm)
			}
			if err := p.ByTestID(c.id).Fill(context.Background(), c.accepted); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFillIntoAContenteditableReplacesItsText(t *testing.T) {
	p := open(t, "fills.html")
	if err := p.ByTestID("note").Fill(context.Background(), "a new note"); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("note"), "a new note")
	if err := p.ByTestID("plain").Fill(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
}
