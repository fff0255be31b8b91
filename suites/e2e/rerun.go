package e2e

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/e2e-harness/e2e/reports"
)

// Rerun is how make e2e-failed runs again exactly the specs that failed in the last run: in the same order (the
// seed) against the same target. The embedded fixture editor is served again on a fresh port, as it was for
// the last run; a BASE_URL given now wins over the last run's, for a fix deployed somewhere else.
type Rerun struct {
	Seed    int64
	BaseURL string // empty: the embedded fixture
	Focus   string // a Ginkgo --focus expression matching exactly the failed specs
	Specs   []string
}

// ErrNothingToRerun: the last run had no failed spec.
var ErrNothingToRerun = errors.New("no spec failed in the last run: nothing to rerun")

// LastFailed reads the last run's run.json in outDir.
func LastFailed(outDir string, getenv func(string) string) (Rerun, error) {
	sum, err := reports.ReadRunSummary(outDir)
	if errors.Is(err, fs.ErrNotExist) {
		return Rerun{}, &VariableError{Err: fmt.Errorf("no earlier run in %s to rerun the failures of (%s is missing): run make e2e first", outDir, reports.FileRunSummary)}
	}
	if err != nil {
		return Rerun{}, err
	}
	if len(sum.Failed) == 0 {
		if sum.NotStarted != nil {
			return Rerun{}, fmt.Errorf("the last run did not start (%s): nothing to rerun; run make e2e", sum.NotStarted.Cause)
		}
		return Rerun{}, ErrNothingToRerun
	}
	r := Rerun{Seed: sum.Seed, Focus: sum.FocusRegexp()}
	if !sum.Fixture {
		r.BaseURL = sum.BaseURL
	}
	if explicit := getenv(EnvBaseURL); explicit != "" {
		if r.BaseURL, err = ParseBaseURL(explicit); err != nil {
			return Rerun{}, &VariableError{Err: fmt.Errorf("%s=%q: %w", EnvBaseURL, explicit, err)}
		}
	}
	for _, f := range sum.Failed {
		r.Specs = append(r.Specs, f.Name)
	}
	return r, nil
}
