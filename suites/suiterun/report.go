package suiterun

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/reports"
)

// ReadReport reads the Ginkgo report a suite wrote into its output directory (report.json; under the CLI's -p,
// process 1 writes it for all processes).
func ReadReport(outputDir string) (types.Report, error) {
	path := filepath.Join(outputDir, reports.FileJSONReport)
	body, err := os.ReadFile(path)
	if err != nil {
		return types.Report{}, err
	}
	var rs []types.Report
	if err := json.Unmarshal(body, &rs); err != nil {
		return types.Report{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(rs) != 1 {
		return types.Report{}, fmt.Errorf("reading %s: %d suite reports, want one", path, len(rs))
	}
	return rs[0], nil
}
