package harness

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ElementState is what the locator's element looks like right now. Assertions read it and retry until it
// matches; it does not wait by itself.
type ElementState struct {
	Element        string  `json:"element"`
	Text           string  `json:"text"`
	Value          *string `json:"value"`
	Visible        bool    `json:"visible"`
	HiddenReason   string  `json:"hiddenReason"`
	Enabled        bool    `json:"enabled"`
	DisabledReason string  `json:"disabledReason"`
	Focused        bool    `json:"focused"`
	Checked        bool    `json:"checked"`
	FocusedElement string  `json:"focusedElement"`
}

type queryAnswer struct {
	Error      string        `json:"error"`
	Count      int           `json:"count"`
	Candidates []string      `json:"candidates"`
	State      *ElementState `json:"state"`
	Attribute  *string       `json:"attribute"`
	Texts      []string      `json:"texts"`
}

// queryTimeout bounds one snapshot read: a hung page must fail the read, not the whole spec's budget.
const queryTimeout = 5 * time.Second

func (l *Locator) query(ctx context.Context, strict bool, attribute string, allTexts bool) (queryAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var a queryAnswer
	for {
		err := l.page.world.call(ctx, "query", map[string]any{"steps": l.steps, "strict": strict, "attribute": attribute, "allTexts": allTexts}, &a)
		if errors.Is(err, errContextGone) {
			continue // the page navigated between two reads: read the new document
		}
		if err != nil {
			return a, &ReadError{What: "reading " + l.String(), Err: err}
		}
		if a.Error != "" {
			return a, &ReadError{What: "reading " + l.String(), Err: errors.New(a.Error)}
		}
		return a, nil
	}
}

// State reads the element's current state. The locator must match exactly one element.
func (l *Locator) State(ctx context.Context) (*ElementState, error) {
	a, err := l.query(ctx, true, "", false)
	if err != nil {
		return nil, err
	}
	switch {
	case a.Count == 0:
		return nil, &NotFoundError{Locator: l.String()}
	case a.Count > 1:
		return nil, &AmbiguousError{Locator: l.String(), Count: a.Count, Candidates: a.Candidates}
	}
	return a.State, nil
}

// Count is how many elements the locator matches now.
func (l *Locator) Count(ctx context.Context) (int, error) {
	a, err := l.query(ctx, false, "", false)
	return a.Count, err
}

// Text is the element's text content with whitespace collapsed (the value, for inputs).
func (l *Locator) Text(ctx context.Context) (string, error) {
	s, err := l.State(ctx)
	if err != nil {
		return "", err
	}
	return s.Text, nil
}

// AllTexts is the text of every matching element, in document order.
func (l *Locator) AllTexts(ctx context.Context) ([]string, error) {
	a, err := l.query(ctx, false, "", true)
	return a.Texts, err
}

// Value is the value of an input, textarea or select.
func (l *Locator) Value(ctx context.Context) (string, error) {
	s, err := l.State(ctx)
	if err != nil {
		return "", err
	}
	if s.Value == nil {
		return "", &ReadError{What: "reading " + l.String(), Err: fmt.Errorf("%s has no value", s.Element)}
	}
	return *s.Value, nil
}

// IsVisible reports whether the locator's element is visible; no match counts as not visible.
func (l *Locator) IsVisible(ctx context.Context) (bool, error) {
	a, err := l.query(ctx, true, "", false)
	if err != nil || a.Count == 0 {
		return false, err
	}
	if a.Count > 1 {
		return false, &AmbiguousError{Locator: l.String(), Count: a.Count, Candidates: a.Candidates}
	}
	return a.State.Visible, nil
}

// Attribute reads an attribute; ok is false when the element does not have it.
func (l *Locator) Attribute(ctx context.Context, name string) (value string, ok bool, err error) {
	a, err := l.query(ctx, true, name, false)
	if err != nil {
		return "", false, err
	}
	switch {
	case a.Count == 0:
		return "", false, &NotFoundError{Locator: l.String()}
	case a.Count > 1:
		return "", false, &AmbiguousError{Locator: l.String(), Count: a.Count, Candidates: a.Candidates}
	}
	if a.Attribute == nil {
		return "", false, nil
	}
	return *a.Attribute, true, nil
}

// WaitState is a state WaitFor can wait for.
type WaitState string

// States for WaitFor.
const (
	Attached WaitState = "attached"
	Detached WaitState = "detached"
	Visible  WaitState = "visible"
	Hidden   WaitState = "hidden"
)

// WaitFor waits, on the page's own animation frames, until the locator reaches state (the action timeout
// bounds it unless a Timeout option is given).
func (l *Locator) WaitFor(ctx context.Context, state WaitState, opts ...WaitOption) error {
	cfg := configFrom(opts)
	start := time.Now()
	ctx, cancel := l.page.actionContext(ctx, cfg.timeout)
	defer cancel()
	var last struct {
		Done       bool     `json:"done"`
		Error      string   `json:"error"`
		Count      int      `json:"count"`
		Visible    int      `json:"visible"`
		Candidates []string `json:"candidates"`
	}
	for {
		err := l.page.world.call(ctx, "waitForState", map[string]any{"steps": l.steps, "state": state, "sliceMs": sliceFor(ctx)}, &last)
		switch {
		case errors.Is(err, errContextGone):
			continue
		case err != nil && ctx.Err() != nil:
			return &ActionError{Action: "wait for " + string(state), Locator: l.String(),
				Err: &TimeoutError{After: time.Since(start), Attempts: 1, Last: fmt.Errorf("%d match(es), %d visible", last.Count, last.Visible)}}
		case err != nil:
			return &ActionError{Action: "wait for " + string(state), Locator: l.String(), Err: err}
		case last.Error != "":
			return &ActionError{Action: "wait for " + string(state), Locator: l.String(), Err: errors.New(last.Error)}
		case last.Done:
			return nil
		}
	}
}

// Box is the element's border box in the page's viewport coordinates (through frames), as the harness would
// click it: for raw Mouse gestures and for measurements.
func (l *Locator) Box(ctx context.Context) (Box, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	// The engine's look at an element hands out handles that the next look drops: one at a time with actions.
	l.page.actionMu.Lock()
	defer l.page.actionMu.Unlock()
	var r inspection
	for {
		err := l.page.world.call(ctx, "prepare", prepareArgs{Steps: l.steps, Strict: true, Needs: needs{Visible: true}, Fresh: true}, &r)
		if err != nil {
			return Box{}, &ReadError{What: "reading " + l.String(), Err: err}
		}
		if len(r.Measure) == 0 {
			break
		}
		if err := l.page.measureFrames(ctx, r.Measure); err != nil {
			return Box{}, &ReadError{What: "reading " + l.String(), Err: err}
		}
	}
	if r.Status != statusReady {
		return Box{}, &ReadError{What: "reading " + l.String(), Err: checkError(l, r)}
	}
	return r.Box, nil
}
