package reports

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// maxAnnotationMessage keeps an annotation readable in the pull request's diff view; the report has the rest.
const maxAnnotationMessage = 4000

// WriteGitHubAnnotations prints one ::error workflow command per failed spec, pointing at the line in the
// repository where it failed (the spec's own line when the failure happened outside the repository), so the
// failure shows in the pull request next to the code.
func WriteGitHubAnnotations(w io.Writer, r types.Report, repoRoot string) error {
	for _, s := range reportedSpecs(r) {
		if OutcomeOf(s) != Failed {
			continue
		}
		if _, err := io.WriteString(w, annotation(s, repoRoot)+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func annotation(s types.SpecReport, repoRoot string) string {
	file, line := annotationLocation(s, repoRoot)
	// The diff view shows the first lines: the cause, then the step, then Ginkgo's whole message.
	msg := failureSummary(s)
	if step := FailingStep(s); step != "" {
		msg += "\nStep: " + step
	}
	if full := strings.TrimSpace(s.Failure.Message); full != "" && full != failureSummary(s) {
		msg += "\n\n" + full
	}
	props := []string{}
	if file != "" {
		props = append(props, "file="+escapeProperty(file))
		if line > 0 {
			props = append(props, fmt.Sprintf("line=%d", line))
		}
	}
	props = append(props, "title="+escapeProperty(clip(specName(s), 200)))
	return "::error " + strings.Join(props, ",") + "::" + escapeData(clip(msg, maxAnnotationMessage))
}

// annotationLocation prefers the failing line (the Expect that failed, helpers excluded by GinkgoHelper) when
// it is in the repository, since that is where a fix starts; otherwise the spec's It line.
func annotationLocation(s types.SpecReport, repoRoot string) (string, int) {
	for _, cl := range []types.CodeLocation{s.Failure.Location, s.LeafNodeLocation} {
		if cl.FileName == "" {
			continue
		}
		if rel, ok := insideRepo(cl.FileName, repoRoot); ok {
			return rel, cl.LineNumber
		}
	}
	if cl := s.LeafNodeLocation; cl.FileName != "" {
		return filepath.ToSlash(cl.FileName), cl.LineNumber
	}
	return "", 0
}

func insideRepo(file, root string) (string, bool) {
	if root == "" || !filepath.IsAbs(file) {
		return filepath.ToSlash(file), root == ""
	}
	rel, err := filepath.Rel(root, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// escapeData escapes a workflow command's message as the runner unescapes it. "##[" is broken up as well:
// the runner's legacy parser finds commands anywhere in a line, and failure messages quote page text.
func escapeData(s string) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	return strings.ReplaceAll(s, "##[", "#\u200b#[")
}

// escapeProperty escapes a workflow command's property value, where ':' and ',' are separators.
func escapeProperty(s string) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
	return strings.ReplaceAll(s, "##[", "#\u200b#[")
}

// appendStepSummary adds the run's markdown summary to $GITHUB_STEP_SUMMARY.
func appendStepSummary(path string, r types.Report, info RunInfo) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, StepSummary(r, info)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// StepSummary is the run as GitHub-flavoured markdown: the counts, a table of failures with their failing
// step and cause, the flaky specs, and where to find the report.
func StepSummary(r types.Report, info RunInfo) string {
	c := Count(r)
	var b strings.Builder
	icon := "✅"
	if c.Failed > 0 || !r.SuiteSucceeded {
		icon = "❌"
	} else if c.Flaky > 0 {
		icon = "⚠️"
	}
	fmt.Fprintf(&b, "### %s e2e: %s\n\n", icon, markdownText(r.SuiteDescription))
	fmt.Fprintf(&b, "**%d failed** · %d flaky · %d passed · %d skipped · %s", c.Failed, c.Flaky, c.Passed, c.Skipped, formatDuration(r.RunTime))
	if info.Shard != "" {
		fmt.Fprintf(&b, " · shard %s", markdownText(info.Shard))
	}
	b.WriteString("\n\n")
	var facts []string
	if info.BrowserVersion != "" {
		facts = append(facts, "browser "+markdownCode(info.BrowserVersion))
	}
	if info.BaseURL != "" {
		facts = append(facts, "target "+markdownCode(info.BaseURL))
	}
	if info.GitCommit != "" {
		facts = append(facts, "commit "+markdownCode(info.GitCommit))
	}
	if len(facts) > 0 {
		b.WriteString(strings.Join(facts, " · ") + "\n\n")
	}
	specs := reportedSpecs(r)
	if c.Failed > 0 {
		b.WriteString("| failed spec | step | cause | where |\n|---|---|---|---|\n")
		for _, s := range specs {
			if OutcomeOf(s) != Failed {
				continue
			}
			file, line := annotationLocation(s, info.RepoRoot)
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", markdownCell(specName(s)), markdownCell(FailingStep(s)),
				markdownCell(clip(failureSummary(s), 300)), markdownCode(fmt.Sprintf("%s:%d", file, line)))
		}
		b.WriteString("\n")
	}
	if c.Flaky > 0 {
		b.WriteString("Flaky (failed, then passed on a retry):\n\n")
		for _, s := range specs {
			if OutcomeOf(s) == Flaky {
				fmt.Fprintf(&b, "- %s (%s)\n", markdownText(specName(s)), flakyNote(s))
			}
		}
		b.WriteString("\n")
	}
	if c.Failed > 0 || c.Flaky > 0 {
		where := "the `e2e-report` artifact of this run"
		if info.GitHub != nil && info.GitHub.RunURL != "" {
			where = fmt.Sprintf("the `e2e-report` artifact of [this run](%s)", info.GitHub.RunURL)
		}
		fmt.Fprintf(&b, "Screenshots, filmstrips, console, network and a protocol timeline: download %s, unzip it and open `report.html`.\n\n", where)
	}
	return b.String()
}

// markdownText makes page-derived text inert in GitHub markdown: no tags, no links, no emphasis.
func markdownText(s string) string {
	return strings.NewReplacer(
		"&", "&amp;", "<", "&lt;", ">", "&gt;", "\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_",
		"[", "\\[", "]", "\\]", "|", "\\|", "#", "\\#", "\r", " ", "\n", " ",
	).Replace(s)
}

func markdownCell(s string) string {
	if s == "" {
		return ""
	}
	return markdownText(clip(s, 500))
}

// markdownCode shows s as inline code; code spans need no escaping but must not contain their own fence.
func markdownCode(s string) string {
	s = strings.NewReplacer("`", "'", "\r", " ", "\n", " ", "|", "\\|").Replace(s)
	return "`" + s + "`"
}
