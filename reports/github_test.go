package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

func TestAnAnnotationPointsAtTheFailingLineAndEscapesTheMessage(t *testing.T) {
	s := newSpec("inserts, at the caret: the email", 20).step("clicking Insert dynamic data", time.Second).
		fail("Expected success, but got an error:\n    <*harness.ActionError | 0xc0001>: \n    100% sure: the button vanished\r\n##[error]fake", 31).done()
	var out strings.Builder
	if err := WriteGitHubAnnotations(&out, report(s, newSpec("passes", 40).done()), "/repo"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	want := "::error file=suites/editor/editor_test.go,line=31,title=Editor inserts%2C at the caret%3A the email::" +
		"100%25 sure: the button vanished%0AStep: clicking Insert dynamic data%0A%0A" +
		"Expected success, but got an error:%0A    <*harness.ActionError | 0xc0001>: %0A    100%25 sure: the button vanished%0D%0A#\u200b#[error]fake\n"
	if got != want {
		t.Errorf("annotation\n got: %q\nwant: %q", got, want)
	}
	if strings.Count(got, "\n") != 1 {
		t.Error("one failed spec must make exactly one line")
	}
}

func TestAnAnnotationFallsBackToTheSpecLineWhenTheFailureIsOutsideTheRepository(t *testing.T) {
	s := newSpec("loads", 20).fail("boom", 0).done()
	s.Failure.Location = types.CodeLocation{FileName: "/root/go/pkg/mod/github.com/onsi/gomega@v1.44.0/gomega.go", LineNumber: 9}
	file, line := annotationLocation(s, "/repo")
	if file != "suites/editor/editor_test.go" || line != 20 {
		t.Errorf("annotation points at %s:%d, want the spec's own line", file, line)
	}
}

func TestEscapingFollowsTheRunnersRules(t *testing.T) {
	for in, want := range map[string]string{
		"a%b":        "a%25b",
		"line\nnext": "line%0Anext",
		"cr\rlf\n":   "cr%0Dlf%0A",
		"a:b,c":      "a:b,c",
	} {
		if got := escapeData(in); got != want {
			t.Errorf("escapeData(%q) = %q, want %q", in, got, want)
		}
	}
	if got := escapeProperty("a:b,c%\n"); got != "a%3Ab%2Cc%25%0A" {
		t.Errorf("escapeProperty = %q", got)
	}
}

func TestTheStepSummaryCountsTheRunAndKeepsPageTextInert(t *testing.T) {
	failed := newSpec("shows "+hostile, 20).step("typing | piping", time.Second).fail("title was "+hostile+"\nmore", 31).done()
	flaky := newSpec("saves", 40).fail("x", 41).retryAndPass().done()
	info := RunInfo{BrowserVersion: "Chrome/156", BaseURL: "http://app.test/", GitCommit: "abc123", RepoRoot: "/repo",
		GitHub: &GitHubActions{RunURL: "https://github.com/o/r/actions/runs/9"}}
	md := StepSummary(report(failed, flaky, newSpec("ok", 50).done()), info)
	for _, want := range []string{
		"**1 failed** · 1 flaky · 1 passed · 0 skipped",
		"typing \\| piping",
		"`suites/editor/editor_test.go:31`",
		"[this run](https://github.com/o/r/actions/runs/9)",
		"- Editor saves (failed 1 of 2 attempts, then passed)",
		"&lt;img src=x onerror=window.\\_\\_xss=1&gt;",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("step summary lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "<img") || strings.Contains(md, "<script") {
		t.Errorf("step summary lets markup through:\n%s", md)
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| Editor") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 5 {
			t.Errorf("a table row has the wrong number of cells: %s", line)
		}
	}
}

func TestWriteRunAnnotatesAndAppendsTheSummaryUnderGitHubActions(t *testing.T) {
	out := t.TempDir()
	summary := filepath.Join(t.TempDir(), "summary.md")
	must(t, os.WriteFile(summary, []byte("earlier step\n"), 0o644))
	var log strings.Builder
	info := RunInfo{RepoRoot: "/repo", GitHub: &GitHubActions{Out: &log, StepSummary: summary}}
	if err := WriteRun(report(newSpec("breaks", 5).fail("boom", 6).done()), out, info); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(log.String(), "::error file=suites/editor/editor_test.go,line=6,") {
		t.Errorf("annotations: %q", log.String())
	}
	body, _ := os.ReadFile(summary)
	if !strings.HasPrefix(string(body), "earlier step\n### ❌ e2e: Editor") {
		t.Errorf("the summary must be appended after what earlier steps wrote:\n%s", body)
	}
}
