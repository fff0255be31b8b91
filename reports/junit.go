package reports

import (
	"encoding/json"
	"encoding/xml"
	"os"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// writeJUnit writes junit.xml with Ginkgo's reporter, made to read as CI tools expect:
//   - Test cases are the specs. Ginkgo also makes one of every suite-level node (SynchronizedBeforeSuite,
//     ReportAfterSuite, …), so a suite of 22 specs showed 27 tests; such a node stays only when it failed,
//     since then it is why the specs did not run.
//   - Property values are plain text. Ginkgo writes each report entry's value as JSON, so a path arrived in CI
//     as "\"specs/…/screenshot.png\"", quotes included; a string value is written as the string itself.
func writeJUnit(r types.Report, path string) error {
	specsOnly := r
	specsOnly.SpecReports = reportedSpecs(r)
	if err := reporters.GenerateJUnitReportWithConfig(specsOnly, path, reporters.JunitReportConfig{
		// A passing spec's timeline is noise in CI tools that show system-err; a failing one's is the story.
		OmitTimelinesForSpecState: types.SpecStatePassed | types.SpecStateSkipped | types.SpecStatePending,
	}); err != nil {
		return err
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(body, &suites); err != nil {
		return err
	}
	for i := range suites.TestSuites {
		for j := range suites.TestSuites[i].TestCases {
			if props := suites.TestSuites[i].TestCases[j].Properties; props != nil {
				for k := range props.Properties {
					props.Properties[k].Value = plainValue(props.Properties[k].Value)
				}
			}
		}
	}
	out, err := xml.MarshalIndent(suites, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(out, '\n')...), 0o644)
}

// plainValue is a JSON string's text, and any other JSON value as it is.
func plainValue(v string) string {
	var s string
	if len(v) >= 2 && v[0] == '"' && json.Unmarshal([]byte(v), &s) == nil {
		return s
	}
	return v
}
