package artifact_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/e2e-harness/e2e/reports/artifact"
)

var t0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

func everyPart() *artifact.Artifacts {
	return &artifact.Artifacts{
		Diagnostics: &artifact.Diagnostics{
			URL: "http://app.test/?doc=1", Title: "Editor", BrowserVersion: "Chrome/156.0.1", UntrustedReason: "r",
			TraceDropped: 2, Notes: []string{"no URL"}, Dialogs: []string{"sure?"},
			Actions: []artifact.Action{{Action: "click", Locator: "testid=save", Detail: "d", Element: "<button>", Start: t0,
				Duration: time.Second, Attempts: 3, Waits: []artifact.CheckWait{{Check: "visible", Waited: time.Second, Last: "hidden"}}, Error: "x",
				Point: &artifact.Point{X: 10.5, Y: 20}, TargetBox: &artifact.Box{X: 1, Y: 2, Width: 30, Height: 40},
				Landings: []artifact.Landing{{Event: "pointerdown", Element: "<button>", InTarget: true, Box: &artifact.Box{Width: 30, Height: 40}}}}},
			Console:    []artifact.ConsoleMessage{{Time: t0, Level: "error", Text: "boom", Where: "app.js:1:2"}},
			PageErrors: []artifact.PageError{{Time: t0, Message: "uncaught", Where: "app.js:3:4"}},
			Untrusted:  []artifact.UntrustedEvent{{Type: "click", Target: "<button>", URL: "http://app.test/"}},
			Network: []artifact.NetworkEntry{{RequestID: "1", URL: "http://app.test/api", Method: "POST", ResourceType: "Fetch",
				RequestHeaders: map[string]string{"a": "b"}, PostData: "{}", Status: 500, StatusText: "Internal Server Error",
				ResponseHeaders: map[string]string{"c": "d"}, MimeType: "application/json", Protocol: "http/1.1",
				Started: t0, Finished: t0.Add(time.Millisecond), EncodedBytes: 12, Failure: ""}},
		},
		Screenshot: []byte("\x89PNG screenshot"),
		Filmstrip:  [][]byte{[]byte("frame 0"), []byte("frame 1"), []byte("frame 2")},
		Trace: []artifact.TraceLine{
			{Time: t0, Kind: "command", ID: 1, Method: "Input.dispatchMouseEvent", Params: json.RawMessage(`{"type":"mousePressed"}`)},
			{Time: t0, Kind: "result", ID: 1, Method: "Input.dispatchMouseEvent", Result: json.RawMessage(`{}`)},
			{Time: t0, Kind: "event", Method: "Runtime.exceptionThrown", Error: "e"},
		},
		ActionTrace: &artifact.ActionTrace{
			Version: artifact.ActionTraceVersion, Spec: "Editor saves", StartedAt: t0, Viewport: &artifact.Size{Width: 1280, Height: 720},
			Steps: []artifact.TraceStep{{Action: "click", Locator: "testid=save", Element: "<button>", Group: "saving", StartedMs: 12.5, TookMs: 40,
				Attempts: 2, Waits: []artifact.TraceWait{{Check: "stable", WaitedMs: 16.7, Last: "moving"}}, Error: "x",
				Point: &artifact.Point{X: 10, Y: 20}, TargetBox: &artifact.Box{X: 1, Y: 2, Width: 30, Height: 40},
				Landings: []artifact.Landing{{Event: "pointerup", Element: "<label>", Box: &artifact.Box{Width: 5, Height: 5}}},
				Before:   artifact.TraceFrameName(0), After: artifact.TraceFrameName(1)}},
			Filmstrip: []artifact.TraceFrame{{Image: artifact.TraceFrameName(1), AtMs: 60, Step: 0}},
			Failure:   &artifact.TraceFailure{Message: "x", File: "/repo/spec.go", Line: 30, AtMs: 61},
			Images:    map[string][]byte{artifact.TraceFrameName(0): []byte("before"), artifact.TraceFrameName(1): []byte("after")},
		},
	}
}

func TestWhatIsWrittenIsReadBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "specs", "x")
	want := everyPart()
	if err := artifact.Write(dir, want); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{artifact.FileDiagnostics, artifact.FileScreenshot, artifact.FileTrace, filepath.Join(artifact.DirFilmstrip, "02.jpg"),
		filepath.Join(artifact.DirActionTrace, artifact.FileTraceIndex), filepath.Join(artifact.DirActionTrace, "frames", "001.jpg")} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was not written: %v", name, err)
		}
	}
	got, err := artifact.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back differs (-written +read):\n%s", diff)
	}
}

func TestWriteReplacesAnEarlierAttempt(t *testing.T) {
	dir := t.TempDir()
	if err := artifact.Write(dir, everyPart()); err != nil {
		t.Fatal(err)
	}
	second := &artifact.Artifacts{Diagnostics: &artifact.Diagnostics{URL: "http://app.test/second"}, Filmstrip: [][]byte{[]byte("only")}}
	if err := artifact.Write(dir, second); err != nil {
		t.Fatal(err)
	}
	got, err := artifact.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Screenshot != nil || got.Trace != nil || got.ActionTrace != nil || len(got.Filmstrip) != 1 || got.Diagnostics.URL != "http://app.test/second" {
		t.Errorf("the first attempt's files are still there: screenshot %d bytes, %d trace lines, %d frames, URL %q",
			len(got.Screenshot), len(got.Trace), len(got.Filmstrip), got.Diagnostics.URL)
	}
}

func TestReadKeepsWhatItCanAndNamesWhatItCannot(t *testing.T) {
	dir := t.TempDir()
	if err := artifact.Write(dir, everyPart()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, artifact.FileDiagnostics), []byte(`{"url":`), 0o644); err != nil {
		t.Fatal(err)
	}
	trace, err := os.ReadFile(filepath.Join(dir, artifact.FileTrace))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, artifact.FileTrace), append(trace, "not json\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := artifact.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Diagnostics != nil {
		t.Errorf("broken diagnostics.json read as %+v", got.Diagnostics)
	}
	if len(got.Trace) != 3 || len(got.Filmstrip) != 3 || len(got.Screenshot) == 0 {
		t.Errorf("lost the readable parts: %d trace lines, %d frames, %d screenshot bytes", len(got.Trace), len(got.Filmstrip), len(got.Screenshot))
	}
	problems := strings.Join(got.Problems, "\n")
	if len(got.Problems) != 2 || !strings.Contains(problems, artifact.FileDiagnostics) || !strings.Contains(problems, "1 lines are not JSON") {
		t.Errorf("problems %q, want one for diagnostics.json and one for the bad trace line", got.Problems)
	}
}

func TestReadOfAMissingDirectoryIsAnError(t *testing.T) {
	if _, err := artifact.Read(filepath.Join(t.TempDir(), "never-written")); err == nil {
		t.Error("reading a directory that is not there succeeded")
	}
}

func TestTheFilmstripKeepsTimeOrderPastAHundredFrames(t *testing.T) {
	dir := t.TempDir()
	a := &artifact.Artifacts{}
	for i := range 105 {
		a.Filmstrip = append(a.Filmstrip, []byte(fmt.Sprint(i)))
	}
	if err := artifact.Write(dir, a); err != nil {
		t.Fatal(err)
	}
	got, err := artifact.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range got.Filmstrip {
		if string(f) != fmt.Sprint(i) {
			t.Fatalf("frame %d read back as frame %s", i, f)
		}
	}
}

func TestSpecDirIsOnePerSpecAndSafeAsAPath(t *testing.T) {
	// A slug of the text (empty when the text has no ASCII letters or digits), then 8 hex digits of its hash.
	name := regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?-[0-9a-f]{8}$`)
	seen := map[string]string{}
	for _, text := range []string{
		"Insert dynamic data inserts Current User's email at the caret",
		"Insert dynamic data inserts Current User’s email at the caret",
		"../../etc/passwd",
		strings.Repeat("a very long spec name ", 20),
		"日本語だけ",
	} {
		dir := artifact.SpecDir(text)
		if dir != artifact.SpecDir(text) {
			t.Errorf("%q: SpecDir is not stable", text)
		}
		if path.Dir(dir) != artifact.DirSpecs || !name.MatchString(path.Base(dir)) {
			t.Errorf("%q: SpecDir %q is not one safe folder under %s", text, dir, artifact.DirSpecs)
		}
		if len(path.Base(dir)) > 72+1+8 {
			t.Errorf("%q: SpecDir %q is too long", text, dir)
		}
		if other, ok := seen[dir]; ok {
			t.Errorf("%q and %q share %s", text, other, dir)
		}
		seen[dir] = text
	}
}

// The index is read from disk and may have been edited by hand or by another tool: an image path in it must
// never lead the reader out of trace/frames/, and a missing image costs that image, not the trace.
func TestTheTraceIndexNamesImagesOnlyUnderItsFramesFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := everyPart()
	if err := artifact.Write(dir, a); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, artifact.DirActionTrace, artifact.FileTraceIndex)
	body, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(body), `"before": "frames/000.jpg"`, `"before": "../../secret.txt"`, 1)
	edited = strings.Replace(edited, `"image": "frames/001.jpg"`, `"image": "frames/404.jpg"`, 1)
	if edited == string(body) {
		t.Fatalf("the index does not name its images as expected:\n%s", body)
	}
	if err := os.WriteFile(index, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := artifact.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.ActionTrace == nil || len(got.ActionTrace.Steps) != 1 {
		t.Fatalf("the trace's steps were lost: %+v", got.ActionTrace)
	}
	for p, img := range got.ActionTrace.Images {
		if string(img) == "secret" || !strings.HasPrefix(p, "frames/") {
			t.Errorf("read %s (%q) through the index", p, img)
		}
	}
	if string(got.ActionTrace.Images["frames/001.jpg"]) != "after" {
		t.Errorf("the readable image was lost: %v", got.ActionTrace.Images)
	}
	problems := strings.Join(got.Problems, "\n")
	if !strings.Contains(problems, `"../../secret.txt"`) || !strings.Contains(problems, "frames/404.jpg cannot be read") {
		t.Errorf("problems %q should name the path outside frames/ and the missing image", got.Problems)
	}

	a.ActionTrace.Steps[0].After = "../escape.jpg"
	a.ActionTrace.Images["../escape.jpg"] = []byte("x")
	if err := artifact.Write(filepath.Join(t.TempDir(), "w"), a); err == nil || !strings.Contains(err.Error(), "directly under frames/") {
		t.Errorf("writing a trace that names ../escape.jpg: %v", err)
	}
}
