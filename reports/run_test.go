package reports

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/reports/artifact"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

func TestWriteRunWritesJUnitJSONHTMLAndAHARPerSpecWithArtifacts(t *testing.T) {
	out := t.TempDir()
	rel := writeArtifacts(t, out, "breaks-11111111", artifactSpec{diagnostics: *harDiagnostics(), screenshot: pngImage(t, 64, 40)})
	failed := newSpec("breaks", 5).step("saving", time.Second).fail("not saved", 6).
		entry(artifact.EntryArtifacts, rel).entry(artifact.EntryScreenshot, rel+"/"+artifact.FileScreenshot).done()
	flaky := newSpec("wobbles", 9).step("waiting", time.Second).fail("late", 10).retryAndPass().done()
	// Ginkgo reports its suite-level nodes next to the specs; they are not tests.
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed, NumAttempts: 1}
	reporting := types.SpecReport{LeafNodeType: types.NodeTypeReportAfterSuite, LeafNodeText: "e2e reports", State: types.SpecStatePassed}
	if err := WriteRun(report(setup, failed, flaky, newSpec("passes", 1).done(), reporting), out, RunInfo{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{FileJUnit, FileJSONReport, FileHTMLReport, filepath.Join("specs", "breaks-11111111", artifact.FileHAR)} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s was not written: %v", f, err)
		}
	}

	body, _ := os.ReadFile(filepath.Join(out, FileJUnit))
	var junit reporters.JUnitTestSuites
	if err := xml.Unmarshal(body, &junit); err != nil {
		t.Fatal(err)
	}
	if n := len(junit.TestSuites[0].TestCases); n != 3 || junit.Tests != 3 || junit.TestSuites[0].Tests != 3 {
		t.Errorf("junit.xml has %d test cases (tests=%d, %d) for 3 specs; the suite's setup and reporting nodes are not tests",
			n, junit.Tests, junit.TestSuites[0].Tests)
	}
	props := map[string]map[string]string{}
	for _, tc := range junit.TestSuites[0].TestCases {
		props[tc.Name] = map[string]string{}
		if tc.Properties != nil {
			for _, p := range tc.Properties.Properties {
				props[tc.Name][p.Name] = p.Value // as CI shows it: no JSON quotes around a path
			}
		}
		if tc.Failure != nil && tc.Failure.Message != "not saved" {
			t.Errorf("failure message %q", tc.Failure.Message)
		}
		if tc.Failure != nil {
			step, entry := strings.Index(tc.SystemErr, "STEP: saving"), strings.Index(tc.SystemErr, artifact.EntryFailingStep)
			if step < 0 || entry < step {
				t.Errorf("system-err should tell the spec's story first and add the failing step after it:\n%s", tc.SystemErr)
			}
		}
	}
	want := map[string]map[string]string{
		"[It] Editor breaks":  {artifact.EntryFailingStep: "saving", artifact.EntryScreenshot: rel + "/screenshot.png", artifact.EntryHAR: rel + "/network.har"},
		"[It] Editor wobbles": {artifact.EntryFlaky: "failed 1 of 2 attempts, then passed"},
	}
	for name, entries := range want {
		for k, v := range entries {
			if props[name][k] != v {
				t.Errorf("%s: property %s = %q, want %q", name, k, props[name][k], v)
			}
		}
	}

	body, _ = os.ReadFile(filepath.Join(out, FileJSONReport))
	var back []types.Report
	if err := json.Unmarshal(body, &back); err != nil || len(back) != 1 {
		t.Fatalf("report.json: %v", err)
	}
	if c := Count(back[0]); c != (Counts{Passed: 1, Failed: 1, Flaky: 1}) {
		t.Errorf("report.json counts %+v", c)
	}
}

func TestWriteRunRefusesArtifactDirectoriesOutsideTheOutputDirectory(t *testing.T) {
	out := t.TempDir()
	spec := newSpec("breaks", 5).fail("x", 6).entry(artifact.EntryArtifacts, "../../etc").done()
	err := WriteRun(report(spec), out, RunInfo{})
	if err == nil || !strings.Contains(err.Error(), "outside the output directory") {
		t.Errorf("WriteRun = %v, want a refusal", err)
	}
	if _, statErr := os.Stat(filepath.Join(out, FileHTMLReport)); statErr != nil {
		t.Error("one bad entry must not cost the whole report")
	}
}

func TestTheReportKnowsTheBrowserFromTheArtifactsFirst(t *testing.T) {
	out := t.TempDir()
	rel := writeArtifacts(t, out, "breaks-22222222", artifactSpec{diagnostics: artifact.Diagnostics{BrowserVersion: "Chrome/156.0.8078.79"}})
	spec := newSpec("breaks", 5).fail("x", 6).entry(artifact.EntryArtifacts, rel).done()
	if err := WriteRun(report(spec), out, RunInfo{BrowserVersion: "Chromium 150 from --version"}); err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(filepath.Join(out, FileHTMLReport))
	if !strings.Contains(string(body), `<dd data-fact="browser">Chrome/156.0.8078.79</dd>`) {
		t.Error("the version the browser reported itself should win over the caller's guess")
	}
}

// A suite-level node that failed is why no spec ran: it stays in junit.xml, so that CI shows the failure.
func TestAFailedSetupNodeIsInJUnit(t *testing.T) {
	out := t.TempDir()
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, NumAttempts: 1,
		Failure: types.Failure{Message: "starting the browser: no display"}}
	skipped := newSpec("never runs", 3).done()
	skipped.State = types.SpecStateSkipped
	if err := WriteRun(report(setup, skipped), out, RunInfo{}); err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile(filepath.Join(out, FileJUnit))
	var junit reporters.JUnitTestSuites
	if err := xml.Unmarshal(body, &junit); err != nil {
		t.Fatal(err)
	}
	if junit.Failures != 1 || len(junit.TestSuites[0].TestCases) != 2 || !strings.Contains(string(body), "starting the browser: no display") {
		t.Errorf("junit.xml should hold the failed setup node and the spec:\n%s", body)
	}
}
