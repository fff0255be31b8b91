package artifact

// Report entries attached to a spec in the Ginkgo report. Their values are strings; paths are relative to the
// output directory and slash-separated.
const (
	// Written by the glue.
	EntryArtifacts      = "e2e.artifacts"      // the spec's artifact directory (SpecDir)
	EntryScreenshot     = "e2e.screenshot"     // the spec's screenshot
	EntryURL            = "e2e.url"            // the page's URL when the spec ended
	EntryTrace          = "e2e.trace"          // the spec's action trace, trace/index.json
	EntryInfrastructure = "e2e.infrastructure" // the browser crashed: not a finding about the page
	// A person reads this one in Ginkgo's own output, hence the plain words: why the spec let script-made
	// input reach the page.
	EntryUntrustedAllowed = "untrusted events allowed"

	// Added by the reports package to the reports it writes, so JUnit consumers see them as properties.
	EntryFailingStep = "e2e.failing-step" // the last By before the failure
	EntryFlaky       = "e2e.flaky"        // failed, then passed on a retry
	EntryHAR         = "e2e.har"          // the spec's HAR file
)
