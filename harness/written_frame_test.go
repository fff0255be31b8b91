package harness_test

import (
	"context"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// GrapesJS (and other editors) rewrite their canvas iframe with document.open(), which erases every event
// listener of the frame's window, the harness's recorder included.
func TestClickInAFrameRewrittenWithDocumentOpen(t *testing.T) {
	p := open(t, "written_frame.html")
	if err := p.ByCSS("html[data-ready]").WaitFor(context.Background(), harness.Attached); err != nil {
		t.Fatal(err)
	}
	frame := p.ByTestID("frame").Frame()
	if err := frame.ByTestID("inner").Click(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantText(t, frame.ByTestID("log"), "clicked")
}

// The untrusted-event guard must see script-made input inside such a frame too.
func TestUntrustedClickInAFrameRewrittenWithDocumentOpenIsReported(t *testing.T) {
	p, ctx := openWithContext(t, "written_frame.html")
	if err := p.ByCSS("html[data-ready]").WaitFor(ctx, harness.Attached); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Evaluate(ctx, `document.querySelector('iframe').contentDocument.querySelector('button').click()`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(p.Session().UntrustedEvents()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("a script's click inside the rewritten frame was not reported as untrusted")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
