// Package artifact is the schema of a spec's artifact directory: the folder the Ginkgo glue (suites/e2e)
// writes when a spec fails or keeps its artifacts, and the reports package and the smoke runner read. It owns
// the directory's name and file names, the JSON types of its files, the report entries that point at it, and
// [Write] and [Read].
//
// Writer and readers both use this one package, so a file name or a field is spelled once. The glue converts
// the harness's own types into these: the harness keeps its in-memory types free to change, and a change
// reaches the files only through that one conversion.
//
// It must import nothing but the standard library (not the harness, not Ginkgo, not the glue), so that every
// side can use it without pulling in the others.
package artifact
