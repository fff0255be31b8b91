package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/png" // the screenshot is PNG; its size is the viewport's when the page cannot be asked
	"math"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/internal/config"
	"github.com/e2e-harness/e2e/reports/artifact"
)

// TraceMode says which specs keep an action trace (E2E_TRACE).
type TraceMode int

const (
	// TraceFailing keeps the trace of failing specs only, the default: a passing spec writes and encodes
	// nothing for it (the frames are the screencast's, which runs anyway).
	TraceFailing TraceMode = iota
	TraceOn                // every spec's, passing ones too (their artifact folders are kept for it)
	TraceOff               // none
)

func (m TraceMode) String() string {
	switch m {
	case TraceOn:
		return "on"
	case TraceOff:
		return "off"
	}
	return "failing"
}

// ParseTraceMode reads E2E_TRACE: failing, or a yes/no word for on or off.
func ParseTraceMode(raw string) (TraceMode, error) {
	if strings.EqualFold(strings.TrimSpace(raw), "failing") {
		return TraceFailing, nil
	}
	on, err := config.ParseBool(raw)
	if err != nil {
		return TraceFailing, errors.New("want failing (the default: failing specs only), on (every spec) or off")
	}
	if on {
		return TraceOn, nil
	}
	return TraceOff, nil
}

// keeps reports whether a spec that failed (or not) keeps its trace.
func (m TraceMode) keeps(failed bool) bool {
	return m == TraceOn || (m == TraceFailing && failed)
}

// actionTraceOf turns the session's action log into the trace: one step per action, with the frames before
// and after it, the press point, the target's box and where each event landed. Frames are written once each,
// in time order, however many steps and filmstrip entries show them. Like artifactsOf, it is the one place the
// harness's types meet the trace's files.
func actionTraceOf(d *harness.Diagnostics, spec types.SpecReport, viewport *artifact.Size) *artifact.ActionTrace {
	start := spec.StartTime
	if start.IsZero() && len(d.Actions) > 0 {
		start = d.Actions[0].Start
	}
	t := &artifact.ActionTrace{Version: artifact.ActionTraceVersion, Spec: spec.FullText(), StartedAt: start, Viewport: viewport,
		Steps: []artifact.TraceStep{}, Images: map[string][]byte{}}
	frames := newFrameNames(d)
	steps := byStepsOf(spec)
	for _, a := range d.Actions {
		s := artifact.TraceStep{Action: a.Action, Locator: a.Locator, Detail: a.Detail, Element: a.Element,
			Group: steps.at(a.Start), StartedMs: millis(a.Start.Sub(start)), TookMs: millis(a.Duration), Attempts: a.Attempts,
			Error: a.Error, Before: frames.name(a.Before), After: frames.name(a.After)}
		for _, w := range a.Waits {
			s.Waits = append(s.Waits, artifact.TraceWait{Check: string(w.Check), WaitedMs: millis(w.Waited), Last: w.Last})
		}
		if a.Point != nil {
			s.Point = &artifact.Point{X: a.Point.X, Y: a.Point.Y}
		}
		s.TargetBox = boxOf(a.TargetBox)
		for _, l := range a.Landings {
			s.Landings = append(s.Landings, artifact.Landing{Event: l.Event, Element: l.Element, InTarget: l.InTarget, Box: boxOf(l.Box)})
		}
		t.Steps = append(t.Steps, s)
	}
	for i := range d.Filmstrip {
		f := &d.Filmstrip[i]
		t.Filmstrip = append(t.Filmstrip, artifact.TraceFrame{Image: frames.name(f), AtMs: millis(f.Time.Sub(start)), Step: stepAt(d.Actions, f.Time)})
	}
	t.Images = frames.images
	if !spec.Failure.IsZero() {
		f := spec.Failure
		t.Failure = &artifact.TraceFailure{Message: f.Message, File: f.Location.FileName, Line: f.Location.LineNumber}
		if !f.TimelineLocation.Time.IsZero() {
			t.Failure.AtMs = millis(f.TimelineLocation.Time.Sub(start))
		}
	}
	return t
}

// frameNames names each distinct screencast frame frames/NNN.jpg, numbered in the order the frames were drawn.
type frameNames struct {
	names  map[frameKey]string
	images map[string][]byte
}

type frameKey struct {
	at   int64
	size int
}

func keyOf(f *harness.ScreencastFrame) frameKey { return frameKey{f.Time.UnixNano(), len(f.JPEG)} }

func newFrameNames(d *harness.Diagnostics) *frameNames {
	all := map[frameKey]*harness.ScreencastFrame{}
	for _, a := range d.Actions {
		for _, f := range []*harness.ScreencastFrame{a.Before, a.After} {
			if f != nil && len(f.JPEG) > 0 {
				all[keyOf(f)] = f
			}
		}
	}
	for i := range d.Filmstrip {
		if f := &d.Filmstrip[i]; len(f.JPEG) > 0 {
			all[keyOf(f)] = f
		}
	}
	keys := make([]frameKey, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].at != keys[j].at {
			return keys[i].at < keys[j].at
		}
		return keys[i].size < keys[j].size
	})
	n := &frameNames{names: map[frameKey]string{}, images: map[string][]byte{}}
	for i, k := range keys {
		name := artifact.TraceFrameName(i)
		n.names[k] = name
		n.images[name] = all[k].JPEG
	}
	return n
}

func (n *frameNames) name(f *harness.ScreencastFrame) string {
	if f == nil || len(f.JPEG) == 0 {
		return ""
	}
	return n.names[keyOf(f)]
}

// stepAt is the index of the last action that had started by t, -1 before the first.
func stepAt(actions []harness.ActionRecord, t time.Time) int {
	step := -1
	for i, a := range actions {
		if !a.Start.After(t) {
			step = i
		}
	}
	return step
}

// byStep is a By step of the spec and when it started.
type byStep struct {
	text string
	at   time.Time
}

type bySteps []byStep

// byStepsOf lists the spec's By steps. A By without a callback lasts until the next one or the end of its
// node, so each node's start is an entry too, with no text: an action there ran in no step.
func byStepsOf(spec types.SpecReport) bySteps {
	var out bySteps
	for _, e := range spec.SpecEvents {
		switch e.SpecEventType {
		case types.SpecEventByStart:
			out = append(out, byStep{text: e.Message, at: e.TimelineLocation.Time})
		case types.SpecEventNodeStart:
			out = append(out, byStep{at: e.TimelineLocation.Time})
		}
	}
	return out
}

// at is the By step in progress at t: the last one started by then.
func (s bySteps) at(t time.Time) string {
	text := ""
	for _, st := range s {
		if !st.at.After(t) {
			text = st.text
		}
	}
	return text
}

// millis is a duration in milliseconds, to a tenth.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*10) / 10
}

// viewportOf asks the page how big its viewport is, in the CSS pixels points and boxes are measured in; a page
// that cannot answer (crashed, navigating) leaves the screenshot's size, which is the viewport's at the usual
// device scale factor of 1.
func viewportOf(ctx context.Context, p *harness.Page, screenshot []byte) *artifact.Size {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if raw, err := p.Evaluate(ctx, `[window.innerWidth, window.innerHeight]`); err == nil {
		var wh []float64
		if json.Unmarshal(raw, &wh) == nil && len(wh) == 2 && wh[0] > 0 && wh[1] > 0 {
			return &artifact.Size{Width: wh[0], Height: wh[1]}
		}
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(screenshot)); err == nil && cfg.Width > 0 {
		return &artifact.Size{Width: float64(cfg.Width), Height: float64(cfg.Height)}
	}
	return nil
}

// tracePath is where a spec's trace index is, relative to the output directory, for the lines that name it.
func tracePath(specDir string) string {
	return fmt.Sprintf("%s/%s/%s", specDir, artifact.DirActionTrace, artifact.FileTraceIndex)
}
