package harness_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// Patience is counted in the page's time over rendered frames: a 120 ms slide-in is within a 750 ms patience,
// a 3 s one is not, however loaded the machine is.
func TestPatienceLetsAQuickSlideInPassAndFailsASlowOne(t *testing.T) {
	p, ctx := openWithContext(t, "budgets.html")
	if err := p.ByTestID("show").Click(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.ByTestID("fast").Click(ctx, harness.Patience(750*time.Millisecond)); err != nil {
		t.Fatalf("a 120 ms slide-in ran out of a 750 ms patience: %v", err)
	}
	err := p.ByTestID("slow").Click(ctx, harness.Patience(750*time.Millisecond))
	var ns *harness.NotStableError
	if !errors.As(err, &ns) {
		t.Fatalf("want *NotStableError for a button still sliding in, got %v", err)
	}
	if !strings.Contains(err.Error(), "longer than a person waits (patience 750ms)") {
		t.Errorf("the error does not say that patience ran out: %v", err)
	}
	wantText(t, p.ByTestID("log"), "fast;")
}

// A timeout never loses the cause: the check that failed on the last attempt is in the error.
func TestATimeoutOnARunawayTargetNamesItsMovement(t *testing.T) {
	p := open(t, "budgets.html")
	// The action's own timeout, not a caller's deadline: it bounds the waiting for the checks, while an attempt
	// that is dispatching finishes (on a loaded machine the first attempt alone can take most of a second).
	err := p.ByTestID("runaway").Click(context.Background(), harness.Timeout(2*time.Second))
	var ns *harness.NotStableError
	if !errors.As(err, &ns) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout that keeps *NotStableError, got %v", err)
	}
	if !strings.Contains(err.Error(), "moved from") {
		t.Errorf("the error does not say how it moved: %v", err)
	}
}

func TestATimeoutOnATargetCoveredOnHoverNamesWhatCoversIt(t *testing.T) {
	p := open(t, "budgets.html")
	err := p.ByTestID("hovered").Click(context.Background(), harness.Timeout(2*time.Second))
	var ie *harness.InterceptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout that keeps *InterceptedError, got %v", err)
	}
	if !strings.Contains(ie.Interceptor, "tooltip") {
		t.Errorf("the error does not name the tooltip: %v", err)
	}
}

// A navigation that times out is a *NavigationError naming the URL and how far it got.
func TestAGotoThatTimesOutNamesTheURLAndThePhase(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/never" {
			select { // answers nothing until the test ends
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>slow</title><img src="/never">`))
	}))
	defer slow.Close()
	defer close(release)
	p := open(t, "button.html")
	for _, c := range []struct{ url, phase string }{
		{slow.URL + "/never", "sending the navigation"},
		{slow.URL + "/page", "waiting for the load event"},
	} {
		// Long enough for a loaded machine to commit the navigation; the load event never comes.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := p.Goto(ctx, c.url)
		cancel()
		var ne *harness.NavigationError
		if !errors.As(err, &ne) {
			t.Fatalf("Goto %s: want *NavigationError, got %T %v", c.url, err, err)
		}
		if ne.URL != c.url || ne.Phase != c.phase || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Goto %s: got URL %q phase %q (%v)", c.url, ne.URL, ne.Phase, err)
		}
	}
}

func TestAnEvaluationThatNeverAnswersIsAnEvaluationError(t *testing.T) {
	p := open(t, "button.html")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := p.Evaluate(ctx, `new Promise(() => {})`)
	var ee *harness.EvaluationError
	if !errors.As(err, &ee) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want an *EvaluationError that is a deadline, got %T %v", err, err)
	}
	if !strings.Contains(err.Error(), "new Promise") {
		t.Errorf("the error does not show the script: %v", err)
	}
	_, err = p.Evaluate(context.Background(), `(() => { throw new Error("boom") })()`)
	if !errors.As(err, &ee) || !strings.Contains(ee.Exception, "boom") {
		t.Errorf("want an *EvaluationError with the exception, got %v", err)
	}
}
