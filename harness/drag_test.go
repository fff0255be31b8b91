package harness_test

import (
	"context"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/harness"
)

func TestNativeDragAndDropWithinThePage(t *testing.T) {
	p := open(t, "drag.html")
	if err := p.ByTestID("source").DragTo(context.Background(), p.ByTestID("accepting")); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("log"), "dropped text;")
	// The gesture must end cleanly: the next click works as usual.
	if err := p.ByTestID("source").Click(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Evaluate(context.Background(), `1`); err != nil {
		t.Fatal(err)
	}
}

func TestNativeDragIntoAnIframe(t *testing.T) {
	p := open(t, "drag.html")
	frame := p.ByTestID("frame").Frame()
	if err := p.ByTestID("source").DragTo(context.Background(), frame.ByTestID("frame-zone")); err != nil {
		t.Fatal(err)
	}
	wantText(t, frame.ByTestID("frame-log"), "dropped text")
}

func TestNativeDragOutOfAnIframe(t *testing.T) {
	p := open(t, "drag.html")
	source := p.ByTestID("frame").Frame().ByTestID("frame-source")
	if err := source.DragTo(context.Background(), p.ByTestID("accepting")); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("log"), "dropped from-frame;")
}

func TestNativeDropOnATargetThatRejectsIt(t *testing.T) {
	p := open(t, "drag.html")
	err := p.ByTestID("source").DragTo(context.Background(), p.ByTestID("rejecting"))
	wantErrorAs[*harness.DropRejectedError](t, err)
	if !strings.Contains(err.Error(), "dragover was not cancelled") {
		t.Errorf("the error does not say why: %v", err)
	}
}

func TestCancelledDragstartFallsBackToPointerMoves(t *testing.T) {
	p := open(t, "drag.html")
	if err := p.ByTestID("cancelled").DragTo(context.Background(), p.ByTestID("accepting")); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("log"), "pointerdown;pointerup on zone;")
}

func TestPointerDragReordersASortableList(t *testing.T) {
	p, ctx := openWithContext(t, "sortable.html")
	// Onto the lower half of C: the list puts the dragged row after the row under the pointer's lower half.
	if err := p.ByTestID("row-a").DragTo(ctx, p.ByTestID("row-c"), harness.DropAt(20, 30)); err != nil {
		t.Fatal(err)
	}
	rows, err := p.ByTestID("list").ByRole("listitem").AllTexts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows, ""); got != "BCAD" {
		t.Errorf("order after dragging A onto C: %s, want BCAD", got)
	}
}
