package gallery

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/fixtures"
)

// Table is the gallery's result.
type Table struct {
	Clean measurement   `json:"-"`
	Rows  []Row         `json:"regressions"`
	Took  time.Duration `json:"took"`
}

// Row is one regression's line.
type Row struct {
	Regression  string `json:"regression"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Expected    reason `json:"expectedReason"`

	Caught      bool   `json:"caughtBySuite"`
	Reason      reason `json:"reason,omitempty"`
	Spec        string `json:"failingSpec,omitempty"`
	Step        string `json:"step,omitempty"`
	Cause       string `json:"cause,omitempty"`
	FailedSpecs int    `json:"failedSpecs"`
	SuiteSpecs  int    `json:"suiteSpecs"`

	BaselineCaught bool `json:"caughtByBaseline"`
	BaselineFailed int  `json:"baselineFailedSpecs"`
	BaselineSpecs  int  `json:"baselineSpecs"`
}

func newRow(r fixtures.Regression, m measurement) Row {
	row := Row{Regression: r.Name, Category: r.Category, Description: r.Description, Expected: expectedReasons[r.Name],
		SuiteSpecs: len(m.Suite), BaselineSpecs: len(m.Baseline)}
	failed := failures(m.Suite)
	row.FailedSpecs = len(failed)
	row.Caught = len(failed) > 0
	// Show the first failure (in source order) that has the expected reason, or else the first failure.
	if len(failed) > 0 {
		shown := failed[0]
		for _, f := range failed {
			if classify(f.Failure.Message) == row.Expected {
				shown = f
				break
			}
		}
		row.Reason = classify(shown.Failure.Message)
		row.Spec = shown.LeafNodeText
		row.Step = failingStep(shown)
		row.Cause = cause(shown.Failure.Message)
	}
	row.BaselineFailed = len(failures(m.Baseline))
	row.BaselineCaught = row.BaselineFailed > 0
	return row
}

// failures are the failed specs in source order.
func failures(specs []types.SpecReport) []types.SpecReport {
	var out []types.SpecReport
	for _, s := range specs {
		if s.State.Is(types.SpecStateFailureStates) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].LeafNodeLocation, out[j].LeafNodeLocation
		if a.FileName != b.FileName {
			return a.FileName < b.FileName
		}
		return a.LineNumber < b.LineNumber
	})
	return out
}

// failingStep is the last By step that began before the failure: where the user was stuck.
func failingStep(s types.SpecReport) string {
	step := "(before any step)"
	for _, e := range s.SpecEvents {
		if e.SpecEventType == types.SpecEventByStart && e.TimelineLocation.Order < s.Failure.TimelineLocation.Order {
			step = e.Message
		}
	}
	return step
}

// cause is the failure message as one line, without Gomega's framing.
func cause(message string) string {
	lines := strings.Split(message, "\n")
	var kept []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || l == "Expected success, but got an error:" || strings.HasPrefix(l, "<*harness.") {
			continue
		}
		kept = append(kept, l)
		if len(kept) == 4 {
			break
		}
	}
	out := strings.Join(kept, " ")
	if len(out) > 320 {
		out = out[:317] + "..."
	}
	return out
}

// Problems are the reasons the gallery fails: the suite or the baseline failing on the clean fixture, a
// regression the suite missed, or one it caught for another reason than listed.
func (t *Table) Problems() []string {
	var out []string
	for _, f := range failures(t.Clean.Suite) {
		out = append(out, fmt.Sprintf("the suite fails on the clean fixture: %s: %s", f.LeafNodeText, cause(f.Failure.Message)))
	}
	for _, f := range failures(t.Clean.Baseline) {
		out = append(out, fmt.Sprintf("the baseline fails on the clean fixture: %s: %s", f.LeafNodeText, cause(f.Failure.Message)))
	}
	for _, r := range t.Rows {
		switch {
		case !r.Caught:
			out = append(out, fmt.Sprintf("the suite misses %s (%s)", r.Regression, r.Description))
		case r.Reason != r.Expected:
			out = append(out, fmt.Sprintf("the suite catches %s for the wrong reason: %q, want %q (%s)", r.Regression, r.Reason, r.Expected, r.Cause))
		}
	}
	return out
}

// Markdown is the table as the README shows it.
func (t *Table) Markdown() string {
	var b strings.Builder
	caught, baseline := 0, 0
	for _, r := range t.Rows {
		if r.Caught && r.Reason == r.Expected {
			caught++
		}
		if r.BaselineCaught {
			baseline++
		}
	}
	cleanSuite := len(t.Clean.Suite) - len(failures(t.Clean.Suite))
	cleanBaseline := len(t.Clean.Baseline) - len(failures(t.Clean.Baseline))
	fmt.Fprintf(&b, "Clean fixture: suite %d/%d passed, baseline %d/%d passed. Regressions caught: suite %d of %d, JavaScript-click baseline %d of %d.\n\n",
		cleanSuite, len(t.Clean.Suite), cleanBaseline, len(t.Clean.Baseline), caught, len(t.Rows), baseline, len(t.Rows))
	b.WriteString("| regression | caught by the suite? | failing spec and step | cause as the harness reported it | caught by the baseline? |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, r := range t.Rows {
		suite := "**no**"
		if r.Caught {
			suite = fmt.Sprintf("yes, %s (%d of %d specs fail)", r.Reason, r.FailedSpecs, r.SuiteSpecs)
		}
		base := "**no**"
		if r.BaselineCaught {
			base = fmt.Sprintf("yes (%d of %d specs fail)", r.BaselineFailed, r.BaselineSpecs)
		}
		spec := ""
		if r.Caught {
			spec = fmt.Sprintf("%s — step: %s", r.Spec, r.Step)
		}
		fmt.Fprintf(&b, "| `%s` (%s) | %s | %s | %s | %s |\n", r.Regression, r.Category, suite, cell(spec), cell(r.Cause), base)
	}
	fmt.Fprintf(&b, "\nMeasured in %s with `make regressions`.\n", t.Took)
	return b.String()
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Write writes the table as regressions.md and regressions.json into dir.
func (t *Table) Write(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "regressions.md"), []byte(t.Markdown()), 0o644); err != nil {
		return err
	}
	body, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "regressions.json"), body, 0o644)
}
