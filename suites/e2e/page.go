package e2e

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/e2e-harness/e2e/harness"
)

// NewPage gives the spec a page in a new isolated session, registered for cleanup at once. When the spec fails
// (or E2E_KEEP_ARTIFACTS=1), its diagnostics are written under the output directory and attached to the spec's
// report. A spec that let untrusted input reach the page fails, unless it called AllowUntrustedEvents.
func NewPage(ctx context.Context) *harness.Page {
	GinkgoHelper()
	b, err := currentBrowser(ctx)
	if err != nil {
		Fail(err.Error())
	}
	s, err := b.NewSession(ctx)
	if err != nil {
		Fail("opening an isolated session: " + err.Error())
	}
	DeferCleanup(func(ctx SpecContext) { finishSession(ctx, s) }, NodeTimeout(20*time.Second))
	return s.Page()
}

// AllowUntrustedEvents declares that the spec produces script-dispatched input on purpose; the reason is shown
// in its report.
func AllowUntrustedEvents(page *harness.Page, reason string) {
	page.Session().AllowUntrustedEvents(reason)
	AddReportEntry("untrusted events allowed", reason)
}

func finishSession(ctx context.Context, s *harness.Session) {
	cfg, _ := CurrentConfig()
	report := CurrentSpecReport()
	untrustedErr := s.CheckUntrustedEvents()
	if crash := s.Crashed(); crash != nil {
		AddReportEntry(EntryInfrastructure, crash.Error())
	}
	if report.Failed() || untrustedErr != nil || cfg.KeepArtifacts {
		if err := saveArtifacts(ctx, cfg, report, s); err != nil {
			GinkgoWriter.Println("saving artifacts:", err)
		}
	}
	_ = s.Close()
	if untrustedErr != nil && !report.Failed() {
		Fail(untrustedErr.Error())
	}
}

// Report entry names other tools read (the HTML report, the smoke runner).
const (
	EntryArtifacts      = "e2e.artifacts"      // the spec's artifact directory, relative to the output directory
	EntryScreenshot     = "e2e.screenshot"     // the failure screenshot, relative to the output directory
	EntryURL            = "e2e.url"            // the page's URL when the spec ended
	EntryInfrastructure = "e2e.infrastructure" // the browser crashed: not a finding about the page
)

// IsInfrastructureFailure tells a failed spec whose browser crashed from one that found a bug.
func IsInfrastructureFailure(spec SpecReport) bool {
	for _, e := range spec.ReportEntries {
		if e.Name == EntryInfrastructure {
			return true
		}
	}
	return false
}
