// Package reports turns a finished Ginkgo run into what a person reads when a spec failed in CI at night and
// nobody can run it again: junit.xml and report.json from Ginkgo's own reporters, one self-contained
// report.html (run summary, every spec's steps and action log, and for a failure its cause, screenshot,
// filmstrip, console, page errors, failed requests and a protocol timeline), a HAR 1.2 file per spec with
// artifacts, and, under GitHub Actions, one annotation per failed spec plus a step summary.
//
// [WriteRun] is the entry point; the Ginkgo glue calls it from ReportAfterSuite.
//
// The artifact directory the glue writes for a spec (diagnostics.json, screenshot.png, filmstrip/NN.jpg,
// trace.jsonl) is read through its schema, package reports/artifact, which both sides share. This package must
// not import the harness or the glue, so either can change its internals without breaking the reports.
//
// What this package must not do: run a browser, reach the network, or show page-derived text without escaping
// it. Everything it renders came from pages under test, which may be hostile; the HTML goes through
// html/template and a Content-Security-Policy that runs no script but its own. It must not undo the harness's
// redaction either: Cookie, Set-Cookie, Authorization and Proxy-Authorization never reach a HAR file, and
// typed text is shown only through the action log the harness already masked.
package reports
