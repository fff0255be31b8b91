package reports

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/artifact"
	"github.com/onsi/ginkgo/v2/types"
)

// Synthetic runs: Ginkgo reports and artifact directories built by hand, so the report's rules can be tested
// fast and exactly, without a browser.

// hostile is page-derived text that would run if a report put it into HTML unescaped.
const hostile = `</script><img src=x onerror=window.__xss=1><script>window.__xss=2</script>"'&`

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// specBuilder makes a SpecReport with steps and, optionally, a failure after the last step.
type specBuilder struct {
	s     types.SpecReport
	order int
	at    time.Time
}

func newSpec(text string, line int) *specBuilder {
	return &specBuilder{
		s: types.SpecReport{
			ContainerHierarchyTexts: []string{"Editor"},
			LeafNodeType:            types.NodeTypeIt,
			LeafNodeText:            text,
			LeafNodeLocation:        types.CodeLocation{FileName: "/repo/suites/editor/editor_test.go", LineNumber: line},
			State:                   types.SpecStatePassed,
			StartTime:               t0,
			NumAttempts:             1,
		},
		at: t0,
	}
}

func (b *specBuilder) tick(d time.Duration) types.TimelineLocation {
	b.order++
	b.at = b.at.Add(d)
	return types.TimelineLocation{Order: b.order, Time: b.at}
}

func (b *specBuilder) node(t types.NodeType) *specBuilder {
	b.s.SpecEvents = append(b.s.SpecEvents, types.SpecEvent{SpecEventType: types.SpecEventNodeStart, NodeType: t, TimelineLocation: b.tick(0)})
	return b
}

func (b *specBuilder) step(text string, took time.Duration) *specBuilder {
	b.s.SpecEvents = append(b.s.SpecEvents, types.SpecEvent{SpecEventType: types.SpecEventByStart, Message: text,
		CodeLocation:     types.CodeLocation{FileName: b.s.LeafNodeLocation.FileName, LineNumber: b.s.LeafNodeLocation.LineNumber + len(b.s.SpecEvents)},
		TimelineLocation: b.tick(0)})
	b.at = b.at.Add(took)
	return b
}

func (b *specBuilder) fail(message string, line int) *specBuilder {
	b.s.State = types.SpecStateFailed
	b.s.Failure = types.Failure{Message: message, Location: types.CodeLocation{FileName: b.s.LeafNodeLocation.FileName, LineNumber: line},
		TimelineLocation: b.tick(0), FailureNodeType: types.NodeTypeIt, FailureNodeContext: types.FailureNodeIsLeafNode}
	return b
}

// retryAndPass turns the failure so far into an earlier attempt's and ends the spec passing.
func (b *specBuilder) retryAndPass() *specBuilder {
	af := types.AdditionalFailure{State: b.s.State, Failure: b.s.Failure}
	af.Failure.Message = "Failure recorded during attempt 1:\n" + af.Failure.Message
	b.s.AdditionalFailures = append(b.s.AdditionalFailures, af)
	b.s.Failure = types.Failure{}
	b.s.State = types.SpecStatePassed
	b.s.NumAttempts, b.s.MaxFlakeAttempts = 2, 2
	b.s.SpecEvents = append(b.s.SpecEvents, types.SpecEvent{SpecEventType: types.SpecEventSpecRetry, Attempt: 1, TimelineLocation: b.tick(0)})
	return b
}

func (b *specBuilder) entry(name, value string) *specBuilder {
	b.s.ReportEntries = append(b.s.ReportEntries, types.ReportEntry{Name: name, Value: types.WrapEntryValue(value)})
	return b
}

func (b *specBuilder) done() types.SpecReport {
	b.s.EndTime = b.at.Add(10 * time.Millisecond)
	b.s.RunTime = b.s.EndTime.Sub(b.s.StartTime)
	return b.s
}

func report(specs ...types.SpecReport) types.Report {
	r := types.Report{SuiteDescription: "Editor", SuitePath: "/repo/suites/editor", StartTime: t0, RunTime: 42 * time.Second,
		SuiteSucceeded: true, SuiteConfig: types.SuiteConfig{RandomSeed: 7}}
	for _, s := range specs {
		if s.State.Is(types.SpecStateFailureStates) {
			r.SuiteSucceeded = false
		}
	}
	r.SpecReports = specs
	return r
}

// artifactSpec writes a spec's artifact directory under outDir as the glue would, and returns its relative
// path for the e2e.artifacts entry.
type artifactSpec struct {
	diagnostics artifact.Diagnostics
	screenshot  []byte
	frames      [][]byte
	trace       []artifact.TraceLine
	actionTrace *artifact.ActionTrace
}

func writeArtifacts(t testing.TB, outDir, name string, a artifactSpec) string {
	t.Helper()
	d := a.diagnostics
	rel := path.Join(artifact.DirSpecs, name)
	must(t, artifact.Write(filepath.Join(outDir, filepath.FromSlash(rel)), &artifact.Artifacts{
		Diagnostics: &d, Screenshot: a.screenshot, Filmstrip: a.frames, Trace: a.trace, ActionTrace: a.actionTrace,
	}))
	return rel
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// pngImage is a small real PNG, a plain colour with a stripe so it is not trivially compressible to nothing.
func pngImage(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{R: 240, G: 242, B: 245, A: 255}
			if (x/20+y/20)%7 == 0 {
				c = color.RGBA{R: 80, G: 70, B: 220, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	must(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// noise is an image no codec can shrink: the worst case for the report's size.
func noise(w, h int, seed uint64) image.Image {
	r := rand.New(rand.NewPCG(seed, seed+1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.UintN(256))
	}
	return img
}

func noisePNG(t testing.TB, w, h int, seed uint64) []byte {
	var buf bytes.Buffer
	must(t, png.Encode(&buf, noise(w, h, seed)))
	return buf.Bytes()
}

func noiseJPEG(t testing.TB, w, h, quality int, seed uint64) []byte {
	var buf bytes.Buffer
	must(t, jpeg.Encode(&buf, noise(w, h, seed), &jpeg.Options{Quality: quality}))
	return buf.Bytes()
}

func jsonRaw(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return b
}
