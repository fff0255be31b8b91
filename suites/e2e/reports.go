package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports"
)

// writeReports writes the run's reports into the output directory and names report.html on the last line.
func writeReports(r types.Report, cfg Config) error {
	info := reports.DetectRunInfo(os.Getenv)
	info.BaseURL, info.RunID = cfg.BaseURL, cfg.RunID
	if info.BaseURL == "" {
		info.BaseURL, info.Fixture = BaseURL(), true
	}
	if cfg.Shard.Total > 1 {
		info.Shard = cfg.Shard.String()
	}
	info.BrowserVersion = browserVersion
	if info.BrowserVersion == "" {
		info.BrowserVersion = launchedBrowserVersion()
	}
	err := reports.WriteRun(r, cfg.OutputDir, info)
	fmt.Printf("\ne2e report: %s\n", reportPath(cfg.OutputDir))
	return err
}

// reportPath names report.html relative to the working directory when that is shorter, as people copy it.
func reportPath(outDir string) string {
	p := filepath.Join(outDir, reports.FileHTMLReport)
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

// launchedBrowserVersion asks the Chromium binary the run launches for its version, for a process that never
// opened a browser (process 1 of a parallel run that had no spec to run, say). A browser reached over
// E2E_BROWSER_URL or a launcher is not on this machine, so it stays unknown here.
func launchedBrowserVersion() string {
	b, _ := BrowserConfigFromEnv(os.Getenv)
	if b.BrowserURL != "" || b.LauncherURL != "" {
		return ""
	}
	bin, err := harness.FindChrome(b.ChromeBin)
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
