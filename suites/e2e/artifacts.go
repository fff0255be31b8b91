package e2e

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/harness"
)

// Artifact files in a spec's directory (the HTML report and the smoke runner read them).
const (
	FileDiagnostics = "diagnostics.json" // harness.Diagnostics without the binary parts
	FileScreenshot  = "screenshot.png"
	FileTrace       = "trace.jsonl" // one harness.TraceLine per line
	DirFilmstrip    = "filmstrip"   // 00.jpg, 01.jpg, … oldest first
)

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// specDir names a spec's artifact directory after its text, plus a hash so that two specs never share one and
// a retried spec's attempts overwrite each other.
func specDir(fullText string) string {
	slug := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(fullText), "-"), "-")
	if len(slug) > 72 {
		slug = strings.TrimRight(slug[:72], "-")
	}
	sum := sha1.Sum([]byte(fullText))
	return filepath.Join("specs", slug+"-"+hex.EncodeToString(sum[:4]))
}

func saveArtifacts(ctx context.Context, cfg Config, report types.SpecReport, s *harness.Session) error {
	d := s.Diagnostics(ctx)
	rel := specDir(report.FullText())
	dir := filepath.Join(cfg.OutputDir, rel)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, DirFilmstrip), 0o755); err != nil {
		return err
	}
	body, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, FileDiagnostics), body, 0o644); err != nil {
		return err
	}
	if len(d.Screenshot) > 0 {
		if err := os.WriteFile(filepath.Join(dir, FileScreenshot), d.Screenshot, 0o644); err != nil {
			return err
		}
		AddReportEntry(EntryScreenshot, filepath.ToSlash(filepath.Join(rel, FileScreenshot)))
	}
	for i, f := range d.Filmstrip {
		if err := os.WriteFile(filepath.Join(dir, DirFilmstrip, fmt.Sprintf("%02d.jpg", i)), f.JPEG, 0o644); err != nil {
			return err
		}
	}
	if err := writeTrace(filepath.Join(dir, FileTrace), d.Trace); err != nil {
		return err
	}
	AddReportEntry(EntryArtifacts, filepath.ToSlash(rel))
	if d.URL != "" {
		AddReportEntry(EntryURL, d.URL)
	}
	return nil
}

func writeTrace(path string, lines []harness.TraceLine) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
