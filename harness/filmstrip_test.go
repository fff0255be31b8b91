package harness_test

import (
	"context"
	"testing"

	"github.com/e2e-harness/e2e/harness"
)

// framesOf is how many screencast frames the page's session holds now.
func framesOf(p *harness.Page) int {
	return len(p.Session().Diagnostics(context.Background()).Filmstrip)
}

// paintTwice waits until the page has rendered two more frames: a screencast that runs has had its chance to
// send what changed.
func paintTwice(t *testing.T, p *harness.Page) {
	t.Helper()
	if _, err := p.Evaluate(t.Context(), `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`); err != nil {
		t.Fatal(err)
	}
}

// By default nothing is recorded while nothing waits: a click on a button that is ready at the first look
// costs no screencast frame, and its trace entry has no frames.
func TestTheFilmstripIsNotRecordedWhileNothingWaits(t *testing.T) {
	p, ctx := openWithContext(t, "button.html")
	if err := p.ByTestID("go").Click(ctx); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1")
	paintTwice(t, p)
	if n := framesOf(p); n != 0 {
		t.Errorf("%d screencast frames recorded although nothing waited", n)
	}
	if rec := lastAction(t, p, "click"); rec.Before != nil || rec.After != nil {
		t.Errorf("the click has frames (before %v, after %v) although none were recorded", rec.Before != nil, rec.After != nil)
	}
}

// A button that is disabled at the first look makes the click wait, and the recording starts then: the frames
// of the wait and the page as the click left it are there.
func TestTheFilmstripStartsWhenAnActionHasToWait(t *testing.T) {
	p, ctx := openWithContext(t, "disabled.html")
	if _, err := p.Evaluate(ctx, `enableLater(), true`); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("later").Click(ctx); err != nil {
		t.Fatal(err)
	}
	wantText(t, p.ByTestID("count"), "1")
	untilTrue(t, "a screencast frame", func() bool { return framesOf(p) > 0 })
	untilTrue(t, "the frame after the click", func() bool {
		rec := lastAction(t, p, "click")
		return rec.After != nil && !rec.After.Time.Before(rec.Start)
	})
}

// A WaitFor whose state is not there yet starts it too.
func TestTheFilmstripStartsWhenAWaitForWaits(t *testing.T) {
	p, ctx := openWithContext(t, "button.html")
	if _, err := p.Evaluate(ctx, `setTimeout(() => document.body.insertAdjacentHTML('beforeend', '<p data-testid="late">late</p>'), 200), true`); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("late").WaitFor(ctx, harness.Visible); err != nil {
		t.Fatal(err)
	}
	untilTrue(t, "a screencast frame", func() bool { return framesOf(p) > 0 })
}

// StartFilmstrip starts it by hand (the suites do for a retried spec and an assertion that does not hold at
// once); a browser with the filmstrip off records nothing, asked or not.
func TestStartFilmstripRecordsUnlessTheFilmstripIsOff(t *testing.T) {
	for _, tc := range []struct {
		mode harness.FilmstripMode
		want bool
	}{{harness.FilmstripWhenWaiting, true}, {harness.FilmstripOff, false}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			p := openOwn(t, "button.html", harness.WithFilmstrip(tc.mode))
			p.StartFilmstrip()
			if err := p.ByTestID("go").Click(t.Context()); err != nil {
				t.Fatal(err)
			}
			wantText(t, p.ByTestID("count"), "1")
			if tc.want {
				untilTrue(t, "a screencast frame", func() bool { return framesOf(p) > 0 })
				return
			}
			paintTwice(t, p)
			if n := framesOf(p); n != 0 {
				t.Errorf("%d screencast frames recorded with the filmstrip off", n)
			}
		})
	}
}
