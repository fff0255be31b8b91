package reports_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// The glue writes the artifacts and report entries this package reads; it cannot import the glue (the glue
// imports it), so this test keeps the two spellings of the contract in step.
func TestTheArtifactContractMatchesTheGlue(t *testing.T) {
	for _, c := range []struct{ glue, reports string }{
		{e2e.FileDiagnostics, reports.FileDiagnostics},
		{e2e.FileScreenshot, reports.FileScreenshot},
		{e2e.FileTrace, reports.FileTrace},
		{e2e.DirFilmstrip, reports.DirFilmstrip},
		{e2e.EntryArtifacts, reports.EntryArtifacts},
		{e2e.EntryScreenshot, reports.EntryScreenshot},
		{e2e.EntryURL, reports.EntryURL},
		{e2e.EntryInfrastructure, reports.EntryInfrastructure},
	} {
		if c.glue != c.reports {
			t.Errorf("the glue writes %q where reports reads %q", c.glue, c.reports)
		}
	}
}

// TestTheMirroredJSONKnowsEveryFieldTheHarnessWrites decodes the harness's own types, as the glue encodes them,
// into this package's mirrors and refuses unknown fields: a field added to the harness fails here until the
// report knows it.
func TestTheMirroredJSONKnowsEveryFieldTheHarnessWrites(t *testing.T) {
	now := time.Now()
	d := harness.Diagnostics{
		URL: "u", Title: "t", BrowserVersion: "v", UntrustedReason: "r", TraceDropped: 1, Notes: []string{"n"}, Dialogs: []string{"d"},
		Actions: []harness.ActionRecord{{Action: "click", Locator: "l", Detail: "d", Element: "e", Start: now, Duration: 1, Attempts: 2,
			Waits: []harness.CheckWait{{Check: "visible", Waited: 1, Last: "hidden"}}, Error: "x"}},
		Console:    []harness.ConsoleMessage{{Time: now, Level: "error", Text: "t", Where: "w"}},
		PageErrors: []harness.PageError{{Time: now, Message: "m", Where: "w"}},
		Untrusted:  []harness.UntrustedEvent{{Type: "click", Target: "t", URL: "u"}},
		Network: []harness.NetworkEntry{{RequestID: "1", URL: "u", Method: "GET", ResourceType: "Fetch", RequestHeaders: map[string]string{"a": "b"},
			PostData: "p", Status: 500, StatusText: "s", ResponseHeaders: map[string]string{"c": "d"}, MimeType: "m", Protocol: "h2",
			Started: now, Finished: now, EncodedBytes: 3, Failure: "f"}},
	}
	strictRoundTrip(t, d, &reports.Diagnostics{})
	strictRoundTrip(t, harness.TraceLine{Time: now, Kind: "result", ID: 1, Method: "m", Params: json.RawMessage(`{}`),
		Result: json.RawMessage(`{}`), Error: "e"}, &reports.TraceLine{})
}

func strictRoundTrip(t *testing.T, from, into any) {
	t.Helper()
	body, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Errorf("decoding the harness's %T into %T: %v", from, into, err)
	}
	back, _ := json.Marshal(into)
	var a, b any
	_ = json.Unmarshal(body, &a)
	_ = json.Unmarshal(back, &b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("%T does not carry every value of %T (-harness +reports):\n%s", into, from, diff)
	}
}
