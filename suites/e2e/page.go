package e2e

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports/artifact"
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
	AddReportEntry(artifact.EntryUntrustedAllowed, reason)
}

func finishSession(ctx context.Context, s *harness.Session) {
	cfg, _ := CurrentConfig()
	report := CurrentSpecReport()
	untrustedErr := s.CheckUntrustedEvents()
	if crash := s.Crashed(); crash != nil {
		AddReportEntry(artifact.EntryInfrastructure, crash.Error())
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

// The report entries the glue attaches, under the names the smoke runner reads them by; the names are the
// artifact schema's (package artifact), and new code uses those.
const (
	EntryArtifacts      = artifact.EntryArtifacts
	EntryScreenshot     = artifact.EntryScreenshot
	EntryURL            = artifact.EntryURL
	EntryInfrastructure = artifact.EntryInfrastructure
)

// IsInfrastructureFailure tells a failed spec whose browser crashed from one that found a bug.
func IsInfrastructureFailure(spec SpecReport) bool {
	for _, e := range spec.ReportEntries {
		if e.Name == artifact.EntryInfrastructure {
			return true
		}
	}
	return false
}
