package e2e

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports/artifact"
)

// TestTheTraceCarriesEveryFieldOfTheActionLog fails when the harness adds a field to its action records that
// the trace does not carry (or that this test has not been told the trace leaves out on purpose).
func TestTheTraceCarriesEveryFieldOfTheActionLog(t *testing.T) {
	carried := map[string]bool{"Action": true, "Locator": true, "Detail": true, "Element": true, "Start": true, "Duration": true,
		"Attempts": true, "Waits": true, "Error": true, "Point": true, "TargetBox": true, "Landings": true, "Before": true, "After": true}
	rt := reflect.TypeOf(harness.ActionRecord{})
	for i := range rt.NumField() {
		if f := rt.Field(i); f.IsExported() && !carried[f.Name] {
			t.Errorf("harness.ActionRecord.%s is not in the trace: carry it in actionTraceOf and the trace format", f.Name)
		}
	}

	var d harness.Diagnostics
	(&filler{t: t}).fill(reflect.ValueOf(&d).Elem(), "Diagnostics")
	a := d.Actions[0]
	spec := types.SpecReport{ContainerHierarchyTexts: []string{"Editor"}, LeafNodeText: "saves", StartTime: a.Start.Add(-time.Second)}
	tr := actionTraceOf(&d, spec, &artifact.Size{Width: 1280, Height: 720})
	if len(tr.Steps) != 1 {
		t.Fatalf("%d steps for one action", len(tr.Steps))
	}
	s := tr.Steps[0]
	want := artifact.TraceStep{Action: a.Action, Locator: a.Locator, Detail: a.Detail, Element: a.Element, StartedMs: 1000,
		TookMs: millis(a.Duration), Attempts: a.Attempts, Error: a.Error,
		Waits:     []artifact.TraceWait{{Check: string(a.Waits[0].Check), WaitedMs: millis(a.Waits[0].Waited), Last: a.Waits[0].Last}},
		Point:     &artifact.Point{X: a.Point.X, Y: a.Point.Y},
		TargetBox: &artifact.Box{X: a.TargetBox.X, Y: a.TargetBox.Y, Width: a.TargetBox.Width, Height: a.TargetBox.Height},
		Landings: []artifact.Landing{{Event: a.Landings[0].Event, Element: a.Landings[0].Element, InTarget: a.Landings[0].InTarget,
			Box: &artifact.Box{X: a.Landings[0].Box.X, Y: a.Landings[0].Box.Y, Width: a.Landings[0].Box.Width, Height: a.Landings[0].Box.Height}}},
		Before: s.Before, After: s.After}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("the step does not carry the action (-want +got):\n%s", diff)
	}
	if string(tr.Images[s.Before]) != string(a.Before.JPEG) || string(tr.Images[s.After]) != string(a.After.JPEG) || s.Before == s.After {
		t.Errorf("before %q and after %q do not name the action's own frames", s.Before, s.After)
	}
	if tr.Spec != "Editor saves" || !tr.StartedAt.Equal(spec.StartTime) || tr.Viewport.Width != 1280 {
		t.Errorf("the trace's header is %q %v %+v", tr.Spec, tr.StartedAt, tr.Viewport)
	}
}

// A frame is written once however many steps show it, frames are numbered in the order they were drawn, and
// each filmstrip frame names the step it belongs to: the last one that had started when it was drawn.
func TestTraceFramesAreWrittenOnceAndBelongToTheirStep(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	frame := func(ms int, body string) *harness.ScreencastFrame {
		return &harness.ScreencastFrame{Time: t0.Add(time.Duration(ms) * time.Millisecond), JPEG: []byte(body)}
	}
	early, between, late := frame(50, "early"), frame(250, "between"), frame(900, "late")
	d := &harness.Diagnostics{
		Actions: []harness.ActionRecord{
			{Action: "click", Start: t0.Add(100 * time.Millisecond), Duration: 100 * time.Millisecond, Before: early, After: between},
			{Action: "fill", Start: t0.Add(300 * time.Millisecond), Duration: 100 * time.Millisecond, Before: between, After: late},
		},
		Filmstrip: []harness.ScreencastFrame{*early, *between, *late},
	}
	tr := actionTraceOf(d, types.SpecReport{StartTime: t0}, nil)
	if len(tr.Images) != 3 {
		t.Errorf("%d images written for 3 distinct frames: %v", len(tr.Images), keys(tr.Images))
	}
	if tr.Steps[0].After != tr.Steps[1].Before || tr.Steps[0].Before != artifact.TraceFrameName(0) || tr.Steps[1].After != artifact.TraceFrameName(2) {
		t.Errorf("frames named %q→%q and %q→%q; want 000→001, 001→002", tr.Steps[0].Before, tr.Steps[0].After, tr.Steps[1].Before, tr.Steps[1].After)
	}
	var steps []int
	for _, f := range tr.Filmstrip {
		steps = append(steps, f.Step)
	}
	if !reflect.DeepEqual(steps, []int{-1, 0, 1}) || tr.Filmstrip[1].AtMs != 250 {
		t.Errorf("filmstrip frames belong to steps %v (second at %.1f ms); want -1, 0, 1 and 250 ms", steps, tr.Filmstrip[1].AtMs)
	}
}

func TestTraceModeReadsFailingOnAndOff(t *testing.T) {
	for raw, want := range map[string]TraceMode{"failing": TraceFailing, "FAILING": TraceFailing, "on": TraceOn, "1": TraceOn, "off": TraceOff, "no": TraceOff} {
		if got, err := ParseTraceMode(raw); err != nil || got != want {
			t.Errorf("E2E_TRACE=%s read as %v, %v; want %v", raw, got, err, want)
		}
	}
	cfg, err := ConfigFromEnv(func(name string) string { return map[string]string{EnvTrace: "sometimes"}[name] })
	if err == nil || !strings.Contains(err.Error(), `E2E_TRACE="sometimes": want failing`) {
		t.Errorf("E2E_TRACE=sometimes: %v (%v)", err, cfg.Trace)
	}
	if cfg, _ := ConfigFromEnv(func(string) string { return "" }); cfg.Trace != TraceFailing || !cfg.Trace.keeps(true) || cfg.Trace.keeps(false) {
		t.Errorf("by default the trace is kept for failing specs only, got %v", cfg.Trace)
	}
}

func TestSlowMotionIsMillisecondsOrADuration(t *testing.T) {
	for raw, want := range map[string]time.Duration{"500": 500 * time.Millisecond, "0": 0, "1.5s": 1500 * time.Millisecond, "250ms": 250 * time.Millisecond} {
		if got, err := ParseSlowMotion(raw); err != nil || got != want {
			t.Errorf("SLOWMO=%s read as %v, %v; want %v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"fast", "-5", "60000"} {
		if _, err := ParseSlowMotion(raw); err == nil || !strings.Contains(err.Error(), "e.g. SLOWMO=500") {
			t.Errorf("SLOWMO=%s: %v", raw, err)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
