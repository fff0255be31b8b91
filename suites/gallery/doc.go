// Package gallery measures the project's central claim on the fixture's known regressions: it runs the
// critical editor specs (suites/editor) and the JavaScript-click baseline (suites/baseline) against the clean
// fixture and every regression, tells each failure's cause from its message, and writes the table
// (cmd/regressions, make regressions).
//
// It runs the suites as compiled binaries through suites/suiterun; it must not import the suites themselves.
package gallery
