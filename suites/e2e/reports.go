package e2e

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// writeReports writes the run's reports into the output directory and names the folder on the last line.
func writeReports(r types.Report, cfg Config) error {
	if err := os.MkdirAll(cfg.OutputDir, 0o755); err != nil {
		return err
	}
	if err := reporters.GenerateJUnitReport(r, filepath.Join(cfg.OutputDir, "junit.xml")); err != nil {
		return err
	}
	if err := reporters.GenerateJSONReport(r, filepath.Join(cfg.OutputDir, "report.json")); err != nil {
		return err
	}
	fmt.Printf("\ne2e reports: %s\n", cfg.OutputDir)
	return nil
}
