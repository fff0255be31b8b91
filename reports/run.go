package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/internal/config"
	"github.com/e2e-harness/e2e/reports/artifact"
)

// Files WriteRun puts in the output directory.
const (
	FileJUnit      = "junit.xml"
	FileJSONReport = "report.json"
	FileHTMLReport = "report.html"
)

// RunInfo is what the Ginkgo report does not know about a run but a person reading it needs.
type RunInfo struct {
	BaseURL string // the deployment under test
	// BrowserVersion is shown when no spec kept artifacts; otherwise the version the browser itself reported
	// in a spec's diagnostics wins.
	BrowserVersion string
	GitCommit      string
	Shard          string // "2/3" when the run was one shard of several
	// RepoRoot makes source locations relative (for annotations and the report); empty leaves them absolute.
	RepoRoot string
	// GitHub, when set, receives annotations and a step summary.
	GitHub *GitHubActions
	// Fixture says BaseURL is the embedded fixture editor, served for this run only.
	Fixture bool
	// RunID names this run in run.json (E2E_RUN_ID, set by make).
	RunID string
}

// GitHubActions is where a run under GitHub Actions reports: workflow commands on Out (the job log) and a
// markdown summary appended to the StepSummary file.
type GitHubActions struct {
	Out         io.Writer
	StepSummary string // $GITHUB_STEP_SUMMARY; empty skips the summary
	RunURL      string // link to the workflow run, where the report artifact is
}

// DetectRunInfo fills what can be found without help: the commit (GITHUB_SHA, else git rev-parse HEAD), the
// repository root (GITHUB_WORKSPACE, else git's top level, else the module root) and, when GITHUB_ACTIONS is
// true, where annotations and the step summary go. It never fails: what it cannot find stays empty.
func DetectRunInfo(getenv func(string) string) RunInfo {
	info := RunInfo{GitCommit: getenv("GITHUB_SHA"), RepoRoot: getenv("GITHUB_WORKSPACE")}
	if info.GitCommit == "" {
		info.GitCommit = git("rev-parse", "HEAD")
	}
	if info.RepoRoot == "" {
		info.RepoRoot = git("rev-parse", "--show-toplevel")
	}
	if info.RepoRoot == "" {
		info.RepoRoot = config.ModuleRoot()
	}
	if getenv("GITHUB_ACTIONS") == "true" {
		gh := &GitHubActions{Out: os.Stdout, StepSummary: getenv("GITHUB_STEP_SUMMARY")}
		if server, repo, run := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID"); server != "" && repo != "" && run != "" {
			gh.RunURL = server + "/" + repo + "/actions/runs/" + run
		}
		info.GitHub = gh
	}
	return info
}

// git runs a read-only git command, best effort: a run outside a checkout, or without git, has no commit.
func git(args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// WriteRun writes the run's reports into outDir: junit.xml and report.json (Ginkgo's reporters, with the
// failing step, flakiness and HAR path added as report entries), network.har in every spec's artifact
// directory, report.html, and run.json (RunSummary). Under GitHub Actions (info.GitHub) it also prints one annotation per failed spec
// and appends a step summary. It writes as much as it can and returns every error it met.
func WriteRun(r types.Report, outDir string, info RunInfo) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("creating the output directory: %w", err)
	}
	var errs []error
	specs := make([]renderedSpec, 0, len(r.SpecReports))
	hars := map[string]string{}
	for _, s := range orderSpecs(r) {
		rs := renderedSpec{Spec: s, Outcome: OutcomeOf(s)}
		if rel := entryString(s, artifact.EntryArtifacts); rel != "" {
			a, dir, err := readSpecArtifacts(outDir, rel)
			if err != nil {
				errs = append(errs, fmt.Errorf("reading the artifacts of %q: %w", specName(s), err))
			} else {
				rs.Artifacts, rs.ArtifactDir = a, dir
				if a.Diagnostics != nil {
					if a.Diagnostics.BrowserVersion != "" {
						info.BrowserVersion = a.Diagnostics.BrowserVersion
					}
					harPath := relativeLink(dir, artifact.FileHAR)
					if err := WriteHAR(filepath.Join(outDir, filepath.FromSlash(harPath)), BuildHAR(a.Diagnostics)); err != nil {
						errs = append(errs, fmt.Errorf("writing the HAR of %q: %w", specName(s), err))
					} else {
						rs.HAR = harPath
						hars[specKey(s)] = harPath
					}
				}
			}
		}
		specs = append(specs, rs)
	}

	annotated := withReportEntries(r, hars)
	if err := writeJUnit(annotated, filepath.Join(outDir, FileJUnit)); err != nil {
		errs = append(errs, fmt.Errorf("writing %s: %w", FileJUnit, err))
	}
	if err := reporters.GenerateJSONReport(annotated, filepath.Join(outDir, FileJSONReport)); err != nil {
		errs = append(errs, fmt.Errorf("writing %s: %w", FileJSONReport, err))
	}
	if err := renderHTML(filepath.Join(outDir, FileHTMLReport), r, info, specs); err != nil {
		errs = append(errs, err)
	}
	// Last: what reads run.json right after the run may rely on the other files being there.
	if err := writeRunSummary(outDir, buildRunSummary(r, info, specs)); err != nil {
		errs = append(errs, fmt.Errorf("writing %s: %w", FileRunSummary, err))
	}
	if gh := info.GitHub; gh != nil {
		if err := WriteGitHubAnnotations(gh.Out, r, info.RepoRoot); err != nil {
			errs = append(errs, fmt.Errorf("writing annotations: %w", err))
		}
		if gh.StepSummary != "" {
			if err := appendStepSummary(gh.StepSummary, r, info); err != nil {
				errs = append(errs, fmt.Errorf("writing the step summary: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

// specKey identifies a spec within one report.
func specKey(s types.SpecReport) string {
	return fmt.Sprintf("%s\x00%s:%d", s.FullText(), s.LeafNodeLocation.FileName, s.LeafNodeLocation.LineNumber)
}

// withReportEntries returns a copy of the report in which failed and flaky specs carry the failing step, the
// flakiness and the HAR path as report entries. Ginkgo's JUnit reporter turns entries into <property>
// elements, so CI tools show them next to the failure message; the screenshot entry is the glue's own.
func withReportEntries(r types.Report, hars map[string]string) types.Report {
	out := r
	out.SpecReports = make(types.SpecReports, len(r.SpecReports))
	for i, s := range r.SpecReports {
		s.ReportEntries = append(types.ReportEntries(nil), s.ReportEntries...)
		// Ginkgo sorts a spec's timeline (JUnit's system-err) by order: these come last, after what happened.
		last := lastOrder(s)
		add := func(name, value string) {
			if value == "" || hasEntry(s, name) {
				return
			}
			last++
			s.ReportEntries = append(s.ReportEntries, types.ReportEntry{
				Name: name, Value: types.WrapEntryValue(value), Visibility: types.ReportEntryVisibilityNever,
				Location: s.LeafNodeLocation, Time: s.EndTime,
				TimelineLocation: types.TimelineLocation{Order: last, Time: s.EndTime, Offset: len(s.CapturedGinkgoWriterOutput)},
			})
		}
		switch OutcomeOf(s) {
		case Failed:
			add(artifact.EntryFailingStep, FailingStep(s))
		case Flaky:
			add(artifact.EntryFlaky, flakyNote(s))
		}
		add(artifact.EntryHAR, hars[specKey(s)])
		out.SpecReports[i] = s
	}
	return out
}

func lastOrder(s types.SpecReport) int {
	last := s.Failure.TimelineLocation.Order
	for _, tl := range s.Timeline() {
		last = max(last, tl.GetTimelineLocation().Order)
	}
	return last
}
