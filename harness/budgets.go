package harness

import (
	"context"
	"fmt"
	"time"
)

// An action's budgets, and why none of them is only a wall clock. On a machine that runs several suites and
// builds at once, everything takes longer: the page renders fewer frames, protocol calls answer later. A
// budget that stands for "how long a person would wait" must measure what a person would see, so that a spec
// that passes on an idle machine passes on a loaded one, unless the page really is broken.

// stallTimeout is how long a page may answer nothing at all (no reply, no event) while an action's input is
// dispatched before the page is taken for hung. A slow page still answers; a page whose main thread loops
// forever does not.
const stallTimeout = 10 * time.Second

// dispatchLimit bounds a dispatch that keeps making progress, as a last resort when the caller's context
// has no deadline.
const dispatchLimit = 2 * time.Minute

// errPageStalled is the cause of a dispatch given up because the page went silent.
var errPageStalled = fmt.Errorf("the page answered nothing for %s, as if its main thread were stuck: %w", stallTimeout, context.DeadlineExceeded)

// dispatchContext bounds the dispatch of an action's input by the page's progress rather than by the action's
// timeout: it ends when the caller's context ends, when the page has answered nothing for stallTimeout (the
// cause is errPageStalled), or after dispatchLimit.
func (p *Page) dispatchContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancelLimit := context.WithTimeout(ctx, dispatchLimit)
	ctx, cancel := context.WithCancelCause(ctx)
	begun := time.Now()
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(stallTimeout / 20)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				heard := p.session.browser.conn.lastHeard(string(p.rod.SessionID))
				if heard.Before(begun) {
					heard = begun
				}
				if time.Since(heard) > stallTimeout {
					cancel(errPageStalled)
					return
				}
			}
		}
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
		cancelLimit()
	}
}

// Patience is how long a person waits for an element to become actionable before reaching for it anyway. It
// is counted in the page's own time, over frames the page really rendered: on a loaded machine that renders a
// frame every 300 ms, a 120 ms fade-in spans a frame or two and stays within a 750 ms patience, while a button
// that slides in for over a second still runs out of it.

// patienceMinFrames is how many rendered frames must show the element not ready before patience can run out:
// on a starved machine a single late frame can span more time than the whole patience.
const patienceMinFrames = 3

// patienceArgs is what the engine needs to count patience across its calls.
type patienceArgs struct {
	Ms         float64 `json:"ms"`
	MinFrames  int     `json:"minFrames"`
	UsedMs     float64 `json:"usedMs"`
	UsedFrames int     `json:"usedFrames"`
}

// patienceState carries what one action's patience has used so far from one engine call to the next.
type patienceState struct {
	usedMs     float64
	usedFrames int
}

func (s *patienceState) args(patience time.Duration) *patienceArgs {
	if patience <= 0 {
		return nil
	}
	return &patienceArgs{Ms: float64(patience.Milliseconds()), MinFrames: patienceMinFrames, UsedMs: s.usedMs, UsedFrames: s.usedFrames}
}

func (s *patienceState) update(r inspection) {
	if r.Patience != nil {
		s.usedMs, s.usedFrames = r.Patience.UsedMs, r.Patience.UsedFrames
	}
}

// explain says, for the error, that patience ran out and how it was measured.
func (s *patienceState) explain(patience time.Duration) string {
	return fmt.Sprintf("; still not ready after %s over %d frames of the page's own time, longer than a person waits (patience %s)",
		(time.Duration(s.usedMs) * time.Millisecond).Round(time.Millisecond), s.usedFrames, patience)
}
