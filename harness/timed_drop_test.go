package harness_test

import (
	"context"
	"testing"
)

// A person's drag rests on the drop point before letting go; pages that compute the placement on a timer after
// dragover (GrapesJS's sorter) insert nothing when the drop follows the dragovers at once.
func TestNativeDropOnATargetThatPlacesOnATimer(t *testing.T) {
	p := open(t, "timed_drop.html")
	if err := p.ByTestID("source").DragTo(context.Background(), p.ByTestID("zone")); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("log"), "inserted")
}
