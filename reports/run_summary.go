package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/reports/artifact"
)

// FileRunSummary is run.json: the run in a few fields, for what runs after the suite (make's summary of the
// failures, its exit code, make e2e-failed) and for scripts that want less than Ginkgo's whole report.
const FileRunSummary = "run.json"

// RunSummary is run.json.
type RunSummary struct {
	// RunID is the E2E_RUN_ID the run was given (make gives each run its own), so that a reader can tell this
	// run's summary from one an earlier run left.
	RunID     string `json:"runId,omitempty"`
	Suite     string `json:"suite"`
	SuitePath string `json:"suitePath,omitempty"`
	BaseURL   string `json:"baseURL"` // the target the specs ran against
	// Fixture says BaseURL was the embedded fixture editor, served on a fresh port for this run only: a rerun
	// serves it again rather than reusing the address.
	Fixture bool       `json:"fixture"`
	Seed    int64      `json:"seed"`
	Filters RunFilters `json:"filters"`
	Counts  Counts     `json:"counts"`
	// Specs is how many specs the suite has; Selected how many of them the filters selected (run, or skipped
	// by the spec itself or its shard, rather than left out by a filter).
	Specs    int      `json:"specs"`
	Selected int      `json:"selected"`
	Labels   []string `json:"labels"` // every label of the suite's specs, for a filter that selects nothing
	// Interrupted: the run was stopped (Ctrl-C, SIGTERM, the suite's --timeout) before it ended by itself.
	Interrupted bool `json:"interrupted"`
	// NotStarted is the suite-level node (BeforeSuite, the browser's start) whose failure kept every spec from
	// running.
	NotStarted *FailedSpec  `json:"notStarted,omitempty"`
	Failed     []FailedSpec `json:"failed"`
	Report     string       `json:"report"` // report.html, next to run.json
}

// RunFilters are the run's spec filters, as Ginkgo's flags name them.
type RunFilters struct {
	LabelFilter string   `json:"labelFilter,omitempty"`
	Focus       []string `json:"focus,omitempty"`
	Skip        []string `json:"skip,omitempty"`
	FocusFiles  []string `json:"focusFiles,omitempty"`
	SkipFiles   []string `json:"skipFiles,omitempty"`
}

// Any reports whether the run was filtered at all.
func (f RunFilters) Any() bool {
	return f.LabelFilter != "" || len(f.Focus)+len(f.Skip)+len(f.FocusFiles)+len(f.SkipFiles) > 0
}

// String names the filters as a person typed them: --label-filter="smok" --focus="x".
func (f RunFilters) String() string {
	var parts []string
	add := func(flag string, values ...string) {
		for _, v := range values {
			parts = append(parts, fmt.Sprintf("--%s=%q", flag, v))
		}
	}
	if f.LabelFilter != "" {
		add("label-filter", f.LabelFilter)
	}
	add("focus", f.Focus...)
	add("skip", f.Skip...)
	add("focus-file", f.FocusFiles...)
	add("skip-file", f.SkipFiles...)
	return strings.Join(parts, " ")
}

// FailedSpec is a failed spec (or suite-level node) and where to look.
type FailedSpec struct {
	Name     string `json:"name"`     // the full text: containers and spec
	Location string `json:"location"` // where it failed, file:line, relative to the repository
	Spec     string `json:"spec"`     // where the spec is declared
	Cause    string `json:"cause"`    // one line
	// Infrastructure: the browser crashed; not a finding about the page.
	Infrastructure bool   `json:"infrastructure,omitempty"`
	Artifacts      string `json:"artifacts,omitempty"` // the artifact folder, relative to run.json's folder
	Trace          string `json:"trace,omitempty"`     // trace/index.json, relative to run.json's folder
}

// FocusRegexp is a Ginkgo --focus expression that selects exactly these specs of the suite: Ginkgo matches a
// focus against the suite's description and the spec's full text, joined by a space.
func (s *RunSummary) FocusRegexp() string {
	var alts []string
	for _, f := range s.Failed {
		text := s.Suite + " " + f.Name
		alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(text), "\n", `\n`))
	}
	sort.Strings(alts)
	return "^(?:" + strings.Join(alts, "|") + ")$"
}

// buildRunSummary makes run.json's content from the run's report and the specs as the HTML report has them.
func buildRunSummary(r types.Report, info RunInfo, specs []renderedSpec) *RunSummary {
	c := r.SuiteConfig
	sum := &RunSummary{
		RunID: info.RunID, Suite: r.SuiteDescription, SuitePath: relativePath(r.SuitePath, info.RepoRoot),
		BaseURL: info.BaseURL, Fixture: info.Fixture, Seed: c.RandomSeed, Counts: Count(r), Report: FileHTMLReport,
		Filters: RunFilters{LabelFilter: c.LabelFilter, Focus: c.FocusStrings, Skip: c.SkipStrings, FocusFiles: c.FocusFiles, SkipFiles: c.SkipFiles},
		Labels:  []string{}, Failed: []FailedSpec{},
	}
	labels := map[string]bool{}
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		sum.Specs++
		for _, l := range s.Labels() {
			labels[l] = true
		}
		filteredOut := s.State == types.SpecStatePending || (s.State == types.SpecStateSkipped && s.Failure.Message == "")
		if !filteredOut {
			sum.Selected++
		}
	}
	for l := range labels {
		sum.Labels = append(sum.Labels, l)
	}
	sort.Strings(sum.Labels)
	for _, reason := range r.SpecialSuiteFailureReasons {
		if strings.Contains(reason, "Interrupted") || strings.Contains(reason, "Timeout") {
			sum.Interrupted = true
		}
	}
	for _, rs := range specs {
		if rs.Outcome != Failed {
			continue
		}
		s := rs.Spec
		f := FailedSpec{Name: specName(s), Location: relativeLocation(s.Failure.Location, info.RepoRoot),
			Spec: relativeLocation(s.LeafNodeLocation, info.RepoRoot), Cause: OneLineCause(s),
			Infrastructure: hasEntry(s, artifact.EntryInfrastructure), Artifacts: rs.ArtifactDir}
		if rs.Artifacts != nil && rs.Artifacts.ActionTrace != nil {
			f.Trace = rs.ArtifactDir + "/" + artifact.DirActionTrace + "/" + artifact.FileTraceIndex
		}
		if s.LeafNodeType.Is(types.NodeTypeBeforeSuite | types.NodeTypeSynchronizedBeforeSuite) {
			if sum.NotStarted == nil {
				sum.NotStarted = &f
			}
			continue
		}
		sum.Failed = append(sum.Failed, f)
	}
	return sum
}

// writeRunSummary writes run.json whole or not at all: it is read right after the run by make, and a half
// written one must not pass for this run's.
func writeRunSummary(outDir string, sum *RunSummary) error {
	body, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(outDir, "."+FileRunSummary+"-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(body, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(outDir, FileRunSummary))
}

// ReadRunSummary reads the run.json a run wrote into outDir.
func ReadRunSummary(outDir string) (*RunSummary, error) {
	body, err := os.ReadFile(filepath.Join(outDir, FileRunSummary))
	if err != nil {
		return nil, err
	}
	var sum RunSummary
	if err := json.Unmarshal(body, &sum); err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(outDir, FileRunSummary), err)
	}
	return &sum, nil
}
