package reports

import (
	stdhtml "html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/artifact"
)

// hostileRun is a failed spec whose every page-derived field carries markup.
func hostileRun(t *testing.T, out string) string {
	t.Helper()
	rel := writeArtifacts(t, out, "shows-markup-1a2b3c4d", artifactSpec{
		diagnostics: artifact.Diagnostics{
			URL: "http://app.test/?q=" + hostile, Title: hostile, BrowserVersion: "Chrome/156 " + hostile,
			Actions: []artifact.Action{{Action: "click", Locator: `text="` + hostile + `"`, Detail: hostile, Element: "<button>" + hostile + "</button>",
				Start: t0.Add(time.Second), Duration: 2 * time.Second, Attempts: 3,
				Waits: []artifact.CheckWait{{Check: "visible", Waited: time.Second, Last: hostile}}, Error: "click: " + hostile}},
			Console:    []artifact.ConsoleMessage{{Time: t0, Level: "error", Text: hostile, Where: "http://app.test/" + hostile + ":1:2"}},
			PageErrors: []artifact.PageError{{Time: t0, Message: hostile, Where: hostile}},
			Dialogs:    []string{"alert dialog dismissed: " + hostile},
			Untrusted:  []artifact.UntrustedEvent{{Type: "click", Target: hostile, URL: hostile}},
			Network: []artifact.NetworkEntry{{URL: "http://app.test/api/" + hostile, Method: "GET", Status: 404, StatusText: hostile,
				ResourceType: hostile, Started: t0, Finished: t0.Add(time.Millisecond)}},
			Notes: []string{hostile},
		},
		screenshot: pngImage(t, 64, 40),
		frames:     [][]byte{noiseJPEG(t, 32, 18, 50, 1), noiseJPEG(t, 32, 18, 50, 2)},
		trace: []artifact.TraceLine{
			traceLine(t, 0, "event", "Runtime.consoleAPICalled", map[string]any{"type": "log", "executionContextId": 1, "timestamp": 1.0,
				"args": []any{map[string]any{"type": "string", "value": hostile}}}),
			traceLine(t, 0, "command", "Page.navigate", map[string]any{"url": "javascript:" + hostile}),
		},
		actionTrace: &artifact.ActionTrace{Version: 1, Spec: hostile, StartedAt: t0, Viewport: &artifact.Size{Width: 1280, Height: 720},
			Steps: []artifact.TraceStep{{Action: "click", Locator: hostile, Detail: hostile, Element: hostile, Group: hostile, StartedMs: 10, TookMs: 5,
				Waits: []artifact.TraceWait{{Check: "visible", WaitedMs: 1, Last: hostile}}, Error: hostile,
				Point: &artifact.Point{X: 5, Y: 5}, TargetBox: &artifact.Box{Width: 10, Height: 10},
				Landings: []artifact.Landing{{Event: hostile, Element: `<div class="` + hostile + `">`, Box: &artifact.Box{X: 50, Y: 50, Width: 10, Height: 10}}},
				Before:   artifact.TraceFrameName(0), After: artifact.TraceFrameName(1)}},
			Filmstrip: []artifact.TraceFrame{{Image: artifact.TraceFrameName(1), AtMs: 12}},
			Failure:   &artifact.TraceFailure{Message: hostile, File: hostile, Line: 1, AtMs: 20},
			Images: map[string][]byte{artifact.TraceFrameName(0): noiseJPEG(t, 32, 18, 50, 3),
				// Not an image: it must not become one in the report.
				artifact.TraceFrameName(1): []byte("<svg onload=window.__xss=3>")},
		},
	})
	return rel
}

func TestTheHTMLReportEscapesEveryPageDerivedString(t *testing.T) {
	out := t.TempDir()
	rel := hostileRun(t, out)
	spec := newSpec("shows "+hostile, 10).step("typing "+hostile, time.Second).fail("Expected "+hostile, 12).
		entry(artifact.EntryArtifacts, rel).entry(artifact.EntryURL, hostile).done()
	spec.LeafNodeLabels = []string{hostile}
	spec.CapturedGinkgoWriterOutput = hostile
	info := RunInfo{BaseURL: hostile, GitCommit: hostile, Shard: hostile}
	r := report(spec)
	r.SuiteDescription = hostile
	r.SpecialSuiteFailureReasons = []string{hostile}
	if err := WriteRun(r, out, info); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(out, FileHTMLReport))
	if err != nil {
		t.Fatal(err)
	}
	html := string(body)
	for _, raw := range []string{"<img src=x", "<script>window.__xss", "</script><img", `onerror=window.__xss=1>`} {
		if strings.Contains(html, raw) {
			t.Errorf("report.html contains %q unescaped", raw)
		}
	}
	if n := strings.Count(html, "&lt;img src=x onerror=window.__xss=1&gt;"); n < 15 {
		t.Errorf("the markup appears escaped only %d times; some fields are missing from the report", n)
	}
	if n := len(regexp.MustCompile(`<script\b`).FindAllString(html, -1)); n != 1 {
		t.Errorf("report.html has %d <script> elements, want only its own", n)
	}
	if strings.Contains(html, `href="javascript:`) || strings.Contains(html, `src="javascript:`) {
		t.Error("a javascript: URL reached an attribute")
	}
	for _, m := range regexp.MustCompile(`<img [^>]*src="([^"]*)"`).FindAllStringSubmatch(html, -1) {
		if !strings.HasPrefix(m[1], "data:image/") {
			t.Errorf("an image loads from %q; only inline data: images are allowed", m[1])
		}
	}
}

func TestTheReportsPolicyAllowsOnlyItsOwnScriptAndStyle(t *testing.T) {
	out := t.TempDir()
	if err := WriteRun(report(newSpec("passes", 1).done()), out, RunInfo{}); err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(filepath.Join(out, FileHTMLReport))
	html := string(body)
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(html)
	if csp == nil {
		t.Fatal("report.html has no Content-Security-Policy")
	}
	policy := stdhtml.UnescapeString(csp[1]) // as the browser reads the attribute
	for _, want := range []string{"default-src 'none'", "img-src data:", "script-src '" + cspHash(reportJS) + "'", "style-src '" + cspHash(reportCSS) + "'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe-inline") || strings.Contains(policy, "unsafe-eval") {
		t.Errorf("policy %q lets injected script run", policy)
	}
	// The hashes only work if the elements hold exactly the embedded files.
	if !strings.Contains(html, "<script>"+reportJS+"</script>") || !strings.Contains(html, "<style>"+reportCSS+"</style>") {
		t.Error("the inline script or style differs from the file its hash was computed from")
	}
	if regexp.MustCompile(`\sstyle="`).MatchString(html) || regexp.MustCompile(`\son[a-z]+="`).MatchString(html) {
		t.Error("report.html uses inline style or event attributes, which its policy blocks")
	}
}

func TestPassingSpecsLinkTheirKeptArtifactsInsteadOfInliningThem(t *testing.T) {
	out := t.TempDir()
	rel := writeArtifacts(t, out, "passes-00000000", artifactSpec{
		diagnostics: artifact.Diagnostics{Actions: []artifact.Action{{Action: "click", Locator: "testid=save"}}},
		screenshot:  pngImage(t, 64, 40), frames: [][]byte{noiseJPEG(t, 32, 18, 50, 1)},
	})
	if err := WriteRun(report(newSpec("passes", 1).entry(artifact.EntryArtifacts, rel).done()), out, RunInfo{}); err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(filepath.Join(out, FileHTMLReport))
	html := string(body)
	if strings.Contains(html, "data:image/") {
		t.Error("a passing spec's images were inlined")
	}
	if !strings.Contains(html, `href="specs/passes-00000000/screenshot.png"`) || !strings.Contains(html, "testid=save") {
		t.Error("a passing spec's kept artifacts are not linked or its actions not shown")
	}
}
