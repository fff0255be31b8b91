package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/reports"
)

func writeSummary(t *testing.T, dir string, sum reports.RunSummary) {
	t.Helper()
	body, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, reports.FileRunSummary), body, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Each way a run can end has its own exit code and one line: a person (or a script reading make's
// "Error N") tells a finding from a setup problem from a typo.
func TestEachWayARunEndsHasItsOwnExitCode(t *testing.T) {
	failed := []reports.FailedSpec{{Name: "Insert dynamic data inserts", Cause: "click: input not received"}}
	for _, tc := range []struct {
		name   string
		sum    *reports.RunSummary
		status int
		code   int
		line   string
	}{
		{"passed", &reports.RunSummary{RunID: "r", Specs: 3, Selected: 3}, 0, ExitPassed, ""},
		{"a spec failed", &reports.RunSummary{RunID: "r", Specs: 3, Selected: 3, Failed: failed}, 1, ExitSpecsFailed, "1 spec failed"},
		{"the suite did not build", nil, 1, ExitCouldNotStart, "did not get to its specs"},
		{"only an earlier run's summary", &reports.RunSummary{RunID: "earlier", Specs: 3, Selected: 3}, 1, ExitCouldNotStart, "did not get to its specs"},
		{"the browser did not start", &reports.RunSummary{RunID: "r", Specs: 3, NotStarted: &reports.FailedSpec{Cause: "starting the browser: no display"}}, 1,
			ExitCouldNotStart, "the run could not start: starting the browser: no display"},
		{"a filter selects nothing", &reports.RunSummary{RunID: "r", Specs: 21, Selected: 0, Labels: []string{"critical", "smoke"},
			Filters: reports.RunFilters{LabelFilter: "smok"}}, 0, ExitBadVariable,
			`--label-filter="smok" selects none of the suite's 21 specs (its labels are critical, smoke)`},
		{"interrupted", &reports.RunSummary{RunID: "r", Specs: 3, Selected: 3, Interrupted: true, Failed: failed}, 1, ExitInterrupted, "interrupted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.sum != nil {
				writeSummary(t, dir, *tc.sum)
			}
			out := OutcomeOfRun(dir, "r", tc.status)
			if out.Code != tc.code || !strings.Contains(out.Line, tc.line) || (tc.line == "") != (out.Line == "") {
				t.Errorf("exit %d %q; want exit %d saying %q", out.Code, out.Line, tc.code, tc.line)
			}
		})
	}
}

// make e2e-failed reruns exactly the failed specs: the focus matches their full texts and nothing else, also
// when a name holds regular-expression characters, quotes or a suffix of another spec's name.
func TestTheRerunFocusesExactlyTheFailedSpecs(t *testing.T) {
	dir := t.TempDir()
	writeSummary(t, dir, reports.RunSummary{Suite: "Editor", Seed: 4242, BaseURL: "http://127.0.0.1:4321/", Fixture: true,
		Failed: []reports.FailedSpec{{Name: "Insert dynamic data inserts Current User's email (at the caret)"}, {Name: "Undo undoes [1+1]"}}})
	r, err := LastFailed(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if r.Seed != 4242 || r.BaseURL != "" || len(r.Specs) != 2 {
		t.Errorf("rerun %+v; want seed 4242 and the fixture served again", r)
	}
	focus := regexp.MustCompile(r.Focus)
	for text, want := range map[string]bool{
		"Editor Insert dynamic data inserts Current User's email (at the caret)": true,
		"Editor Undo undoes [1+1]":       true,
		"Editor Undo undoes [1+1] twice": false,
		"Editor Undo undoes 11":          false,
		"Editor Outer Insert dynamic data inserts Current User's email (at the caret)": false,
	} {
		if focus.MatchString(text) != want {
			t.Errorf("focus %s matches %q: %v, want %v", r.Focus, text, !want, want)
		}
	}
	if r, _ := LastFailed(dir, func(n string) string { return map[string]string{EnvBaseURL: "http://fixed.test"}[n] }); r.BaseURL != "http://fixed.test/" {
		t.Errorf("a BASE_URL given for the rerun should win, got %q", r.BaseURL)
	}

	writeSummary(t, dir, reports.RunSummary{Suite: "Editor", BaseURL: "https://staging.test/", Failed: []reports.FailedSpec{{Name: "x"}}})
	if r, _ := LastFailed(dir, func(string) string { return "" }); r.BaseURL != "https://staging.test/" {
		t.Errorf("the last run's deployment is not reused: %q", r.BaseURL)
	}
	writeSummary(t, dir, reports.RunSummary{Suite: "Editor"})
	if _, err := LastFailed(dir, func(string) string { return "" }); !errors.Is(err, ErrNothingToRerun) {
		t.Errorf("a run without failures: %v", err)
	}
	var bad *VariableError
	if _, err := LastFailed(t.TempDir(), func(string) string { return "" }); !errors.As(err, &bad) || !strings.Contains(err.Error(), "run make e2e first") {
		t.Errorf("no earlier run: %v", err)
	}
}
