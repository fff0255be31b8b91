package harness_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// Slow motion waits before every action and draws the pointer, for a person watching a headed browser.
func TestSlowMotionWaitsBeforeEachActionAndShowsThePointer(t *testing.T) {
	p := openOwn(t, "button.html", harness.WithSlowMotion(250*time.Millisecond))
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < 3; i++ {
		if err := p.ByTestID("go").Click(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A lower bound only: three actions cannot take less than three waits, however fast the machine.
	if took := time.Since(start); took < 750*time.Millisecond {
		t.Errorf("three clicks in slow motion took %s, less than three 250 ms waits", took)
	}
	wantText(t, p.ByTestID("count"), "3")
	out, err := p.Evaluate(ctx, `document.querySelectorAll('e2e-harness-pointer').length`)
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Errorf("the pointer is not drawn on the page: %s %v", out, err)
	}
}
