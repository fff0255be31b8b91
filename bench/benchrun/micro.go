package benchrun

import (
	"context"
	"fmt"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// microFigures are the per-action costs, measured in one browser, one sample at a time.
type microFigures struct {
	click []time.Duration // Locator.Click: every check, the move, press and release, the landing proof
	raw   []time.Duration // Mouse.Click: one move, press and release, nothing else
	setup []time.Duration // NewSession + Goto of the editor (to its load event)
	rssMB float64
}

func (b *bench) micro(ctx context.Context) (*microFigures, error) {
	br, err := harness.Open(ctx, harness.WithAllowedHosts(b.fixtureURL), harness.WithWarmURL(b.fixtureURL))
	if err != nil {
		return nil, err
	}
	defer br.Close()
	m := &microFigures{}

	// A spec's setup, with the pool in the state a running suite leaves it: the previous spec's body gives the
	// pool time to prepare the next session, so each sample first waits until it has.
	for i := 0; i < b.samples; i++ {
		if err := br.WarmUp(ctx); err != nil {
			return nil, err
		}
		start := time.Now()
		s, err := br.NewSession(ctx)
		if err != nil {
			return nil, err
		}
		if err := s.Page().Goto(ctx, fmt.Sprintf("%s?doc=setup-%d-%d", b.fixtureURL, time.Now().UnixNano(), i)); err != nil {
			return nil, err
		}
		m.setup = append(m.setup, time.Since(start))
		_ = s.Close()
	}

	s, err := br.NewSession(ctx)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	p := s.Page()
	if err := p.Goto(ctx, fmt.Sprintf("%s?doc=clicks-%d", b.fixtureURL, time.Now().UnixNano())); err != nil {
		return nil, err
	}
	if err := p.ByCSS("html[data-editor-state=ready]").WaitFor(ctx, harness.Attached); err != nil {
		return nil, err
	}
	if err := p.ByTestID("canvas").Frame().ByTestID("canvas-element-e1").Click(ctx); err != nil {
		return nil, err
	}
	// The same element both ways: the Text field, which a click only focuses.
	field := p.ByTestID("field-text")
	for i := 0; i < b.samples; i++ {
		start := time.Now()
		if err := field.Click(ctx); err != nil {
			return nil, err
		}
		m.click = append(m.click, time.Since(start))
	}
	box, err := field.Box(ctx)
	if err != nil {
		return nil, err
	}
	for i := 0; i < b.samples; i++ {
		start := time.Now()
		if err := p.Mouse().Click(ctx, box.X+box.Width/2, box.Y+box.Height/2); err != nil {
			return nil, err
		}
		m.raw = append(m.raw, time.Since(start))
	}
	return m, nil
}
