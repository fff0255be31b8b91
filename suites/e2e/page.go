package e2e

import (
	"context"
	"path/filepath"
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
	cleanupTimeout := 20 * time.Second
	if cfg, _ := CurrentConfig(); cfg.PauseOnFailure {
		cleanupTimeout = pauseCleanupTimeout // the cleanup is where a failed spec waits for the person
	}
	DeferCleanup(func(ctx SpecContext) { finishSession(ctx, s) }, NodeTimeout(cleanupTimeout))
	if CurrentSpecReport().NumAttempts > 1 {
		// A retried spec failed once already: record its second try from the start.
		s.Page().StartFilmstrip()
	}
	return s.Page()
}

// AllowUntrustedEvents declares that the spec produces script-dispatched input on purpose; the reason is shown
// in its report.
func AllowUntrustedEvents(page *harness.Page, reason string) {
	page.Session().AllowUntrustedEvents(reason)
	AddReportEntry(artifact.EntryUntrustedAllowed, reason)
}

// finishSession keeps what a person needs to understand the spec, when it failed (or artifacts are kept, or
// every spec is traced), pauses on a failure when asked to, and closes the session. A passing spec with the
// default settings only closes its session: its trace is neither built nor written.
func finishSession(ctx context.Context, s *harness.Session) {
	cfg, _ := CurrentConfig()
	report := CurrentSpecReport()
	untrustedErr := s.CheckUntrustedEvents()
	if crash := s.Crashed(); crash != nil {
		AddReportEntry(artifact.EntryInfrastructure, crash.Error())
	}
	failing := report.Failed() || untrustedErr != nil
	trace := ""
	if failing || cfg.KeepArtifacts || cfg.Trace == TraceOn {
		withTrace := cfg.Trace.keeps(failing)
		if rel, err := saveArtifacts(ctx, cfg, report, s, withTrace); err != nil {
			GinkgoWriter.Println("saving artifacts:", err)
		} else if withTrace {
			trace = filepath.Join(cfg.OutputDir, filepath.FromSlash(tracePath(rel)))
		}
	}
	if report.Failed() && cfg.PauseOnFailure && s.Crashed() == nil {
		pauseOnFailure(ctx, s.Page(), report, trace)
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
