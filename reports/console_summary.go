package reports

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxConsoleCause bounds a cause in the console summary: a harness error names elements by their markup, and
// a cause is for reading at a glance; the report has all of it.
const maxConsoleCause = 600

// WriteConsoleSummary prints each failed spec with, under it, where it failed, its one-line cause and its
// trace: the last thing a failing run prints, so that a person sees why without opening anything. outDir is
// where run.json is; the paths it prints are relative to the working directory when they are inside it.
func (s *RunSummary) WriteConsoleSummary(w io.Writer, outDir string) {
	if len(s.Failed) == 0 {
		return
	}
	noun := "specs"
	if s.Selected == 1 {
		noun = "spec"
	}
	fmt.Fprintf(w, "\n%d of %d %s failed:\n", len(s.Failed), s.Selected, noun)
	for _, f := range s.Failed {
		fmt.Fprintf(w, "\n  ✗ %s\n", f.Name)
		if f.Location != "" {
			fmt.Fprintf(w, "      at %s\n", f.Location)
		}
		cause := f.Cause
		if f.Infrastructure {
			cause = "the browser crashed (not a finding about the page): " + cause
		}
		fmt.Fprintf(w, "      %s\n", clipRunes(oneLine(cause), maxConsoleCause))
		if f.Trace != "" {
			fmt.Fprintf(w, "      trace: %s\n", ShortPath(filepath.Join(outDir, filepath.FromSlash(f.Trace))))
		} else if f.Artifacts != "" {
			fmt.Fprintf(w, "      artifacts: %s\n", ShortPath(filepath.Join(outDir, filepath.FromSlash(f.Artifacts))))
		}
	}
	fmt.Fprintln(w)
}

// ShortPath is p relative to the working directory when p is inside it, as people copy paths from a terminal.
func ShortPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + " …"
}
