package gallery

import "testing"

// The gallery fails when a regression is caught for another reason than the one listed for it, so the
// classifier must tell the harness's messages apart.
func TestEachHarnessMessageIsToldApart(t *testing.T) {
	for msg, want := range map[string]reason{
		`click testid=insert-dynamic-data: input not received by <button>: pointerdown reached it`:                  reasonNotReceived,
		`click testid=x: gave up after 2s (7 attempts): <button> does not receive pointer events: <div> intercepts`: reasonIntercepted,
		`click testid=x: <button> is not visible: it has zero size (0×0)`:                                           reasonOutOfView,
		`click testid=x: <button> cannot be brought into view: its click point is outside the viewport`:             reasonOutOfView,
		`click testid=x: <button> is not stable: it is moving; still not ready after 812ms over 49 frames`:          reasonMoving,
		`type testid=field-text: <div> does not have the keyboard focus (<body> has it)`:                            reasonFocusLost,
		`Timed out after 2.001s. Expected testid=field-text to have text "Hi"`:                                      reasonWrongResult,
		`something nobody foresaw`: reasonOther,
	} {
		if got := classify(msg); got != want {
			t.Errorf("classify(%q) = %q, want %q", msg, got, want)
		}
	}
}
