package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/artifact"
)

// heavyArtifacts is a failure at the harness's limits: 500 actions, 500 console messages, 1000 requests, a
// 4000-line trace, twelve filmstrip frames and a screenshot no codec can shrink.
func heavyArtifacts(t *testing.T, seed uint64, noisyImages bool) artifactSpec {
	long := strings.Repeat("x", 900)
	var a artifactSpec
	d := &a.diagnostics
	d.URL, d.Title, d.BrowserVersion = "http://app.test/?doc=1", "Fixture Editor", "Chrome/156"
	for i := range 500 {
		d.Actions = append(d.Actions, artifact.Action{Action: "click", Locator: "testid=field-" + long, Element: "<div>" + long + "</div>",
			Start: t0.Add(time.Duration(i) * time.Millisecond), Duration: time.Second, Attempts: 3,
			Waits: []artifact.CheckWait{{Check: "stable", Waited: time.Second, Last: long}, {Check: "receives events", Waited: time.Second, Last: long}}})
		d.Console = append(d.Console, artifact.ConsoleMessage{Time: t0, Level: "error", Text: long + long, Where: "http://app.test/app.js:1:1"})
	}
	for i := range 1000 {
		d.Network = append(d.Network, artifact.NetworkEntry{URL: fmt.Sprintf("http://app.test/api/%d?%s", i, long), Method: "GET", Status: 500,
			StatusText: "Internal Server Error", Started: t0, Finished: t0.Add(time.Millisecond),
			RequestHeaders: map[string]string{"Accept": long}, ResponseHeaders: map[string]string{"X-Long": long}})
	}
	for i := range 4000 {
		a.trace = append(a.trace, traceLine(t, time.Duration(i)*time.Millisecond, "event", "Runtime.consoleAPICalled",
			map[string]any{"type": "error", "executionContextId": 1, "timestamp": 1.0, "args": []any{map[string]any{"type": "string", "value": long}}}))
	}
	if !noisyImages {
		a.screenshot = pngImage(t, 64, 40)
		return a
	}
	a.screenshot = noisePNG(t, 1280, 720, seed)
	for i := range 12 {
		a.frames = append(a.frames, noiseJPEG(t, 240, 135, 40, seed*100+uint64(i)))
	}
	// A trace of the 500 actions with a frame of its own before and after each (the filmstrip's among them).
	tr := &artifact.ActionTrace{Version: 1, Spec: "heavy", StartedAt: t0, Viewport: &artifact.Size{Width: 1280, Height: 720}, Images: map[string][]byte{}}
	for i := range 40 {
		img := noiseJPEG(t, 240, 135, 40, seed*1000+uint64(i))
		if i < len(a.frames) {
			img = a.frames[i]
		}
		tr.Images[artifact.TraceFrameName(i)] = img
	}
	for i := range 500 {
		tr.Steps = append(tr.Steps, artifact.TraceStep{Action: "click", Locator: "testid=field-" + long, Element: "<div>" + long + "</div>",
			Group: long, StartedMs: float64(i), TookMs: 1000, Error: long, Point: &artifact.Point{X: 1, Y: 1},
			Landings: []artifact.Landing{{Event: "pointerup", Element: long, Box: &artifact.Box{Width: 1, Height: 1}}},
			Before:   artifact.TraceFrameName(i % 40), After: artifact.TraceFrameName((i + 1) % 40)})
	}
	for i := range 12 {
		tr.Filmstrip = append(tr.Filmstrip, artifact.TraceFrame{Image: artifact.TraceFrameName(i), AtMs: float64(i), Step: i})
	}
	a.actionTrace = tr
	return a
}

// TestAReportOfFiftySpecsWithThreeHeavyFailuresStaysUnderTenMegabytes protects the promise that a report can
// be attached, mailed and opened quickly, whatever the failing pages looked like.
func TestAReportOfFiftySpecsWithThreeHeavyFailuresStaysUnderTenMegabytes(t *testing.T) {
	out := t.TempDir()
	r := report()
	for i := range 50 {
		b := newSpec(fmt.Sprintf("spec %02d", i), 10+i).step("doing the thing", time.Second).step("checking the result", time.Second)
		switch {
		case i < 3:
			rel := writeArtifacts(t, out, fmt.Sprintf("spec-%02d", i), heavyArtifacts(t, uint64(i+1), true))
			b.fail(strings.Repeat("Expected the chip to be inserted\n", 2000), 11+i).entry(artifact.EntryArtifacts, rel)
			r.SuiteSucceeded = false
		case i < 8:
			// Kept artifacts of passing specs (E2E_KEEP_ARTIFACTS=1): short lists, images linked.
			rel := writeArtifacts(t, out, fmt.Sprintf("spec-%02d", i), heavyArtifacts(t, uint64(i+1), false))
			b.entry(artifact.EntryArtifacts, rel)
		}
		r.SpecReports = append(r.SpecReports, b.done())
	}
	if err := WriteRun(r, out, RunInfo{BaseURL: "http://app.test/"}); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(out, FileHTMLReport))
	if err != nil {
		t.Fatal(err)
	}
	const limit = 10 << 20
	if len(body) >= limit {
		t.Errorf("report.html is %.1f MB, over the 10 MB limit", float64(len(body))/(1<<20))
	}
	html := string(body)
	if n := strings.Count(html, "data-screenshot"); n != 3 {
		t.Errorf("%d screenshots inlined, want one per failure", n)
	}
	if n := strings.Count(html, `data-frame="11"`); n != 3 {
		t.Errorf("%d complete filmstrips inlined, want one per failure", n)
	}
	if !strings.Contains(html, "downscaled to keep the report small") {
		t.Error("a screenshot too big to inline should be downscaled, and the report should say so")
	}
	t.Logf("report.html: %.2f MB", float64(len(body))/(1<<20))
}

func TestScreenshotsThatFitAreInlinedUnchanged(t *testing.T) {
	small := pngImage(t, 320, 200)
	got, mime, shrunk := fitScreenshot(small, maxInlineScreenshot)
	if shrunk || mime != "image/png" || string(got) != string(small) {
		t.Errorf("a %d-byte screenshot was changed (shrunk %v, %s)", len(small), shrunk, mime)
	}
	big := noisePNG(t, 1280, 720, 9)
	got, mime, shrunk = fitScreenshot(big, maxInlineScreenshot)
	if !shrunk || mime != "image/jpeg" || len(got) > maxInlineScreenshot {
		t.Errorf("a %d-byte screenshot became %d bytes of %s (shrunk %v)", len(big), len(got), mime, shrunk)
	}
	if _, mime, _ := fitScreenshot([]byte("<svg onload=alert(1)>"), maxInlineScreenshot); mime != "" {
		t.Error("something that is not a raster image was accepted as a screenshot")
	}
}
