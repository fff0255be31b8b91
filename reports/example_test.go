package reports_test

import (
	"os"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/e2e-harness/e2e/reports"
)

func ExampleWriteGitHubAnnotations() {
	file := "/repo/suites/editor/insert_dynamic_data.go"
	spec := types.SpecReport{
		ContainerHierarchyTexts: []string{"Insert dynamic data"},
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeText:            "inserts the email",
		LeafNodeLocation:        types.CodeLocation{FileName: file, LineNumber: 21},
		State:                   types.SpecStateFailed,
		Failure: types.Failure{
			Message:  "click testid=insert-dynamic-data: the target became hidden after pointerdown",
			Location: types.CodeLocation{FileName: file, LineNumber: 30},
		},
	}
	_ = reports.WriteGitHubAnnotations(os.Stdout, types.Report{SpecReports: types.SpecReports{spec}}, "/repo")
	// Output:
	// ::error file=suites/editor/insert_dynamic_data.go,line=30,title=Insert dynamic data inserts the email::click testid=insert-dynamic-data: the target became hidden after pointerdown
}
