package reports

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/e2e-harness/e2e/reports/artifact"
)

// readSpecArtifacts reads the artifact directory a spec's e2e.artifacts entry names, relative to outDir, and
// returns it with that directory clean and slash-separated, for links from the report.
func readSpecArtifacts(outDir, rel string) (*artifact.Artifacts, string, error) {
	dir, err := insideDir(outDir, rel)
	if err != nil {
		return nil, "", err
	}
	a, err := artifact.Read(dir)
	if err != nil {
		return nil, "", err
	}
	return a, filepath.ToSlash(filepath.Clean(rel)), nil
}

// insideDir joins rel to base and refuses anything that would leave base: the relative path comes from a
// report entry, and a report must never be talked into reading files elsewhere on the machine.
func insideDir(base, rel string) (string, error) {
	if rel == "" || filepath.IsAbs(rel) {
		return "", fmt.Errorf("artifact directory %q: want a path relative to the output directory", rel)
	}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("artifact directory %q: outside the output directory", rel)
	}
	return filepath.Join(base, clean), nil
}
