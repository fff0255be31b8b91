package e2e

import (
	"fmt"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// The labels specs may carry. A spec with a label that is not here fails the suite before it starts, so a typo
// cannot quietly drop a spec from the smoke run.
const (
	Critical   = "critical"   // a broken one is severity 1 for the incident system
	Smoke      = "smoke"      // runs after every deploy (cmd/smoke)
	ThirdParty = "thirdparty" // drives an editor nobody here wrote (GrapesJS)
	Baseline   = "baseline"   // the JavaScript-click baseline: not a real suite, kept for comparison
	Slow       = "slow"       // takes seconds on purpose (crash and hang recovery)
)

// FeatureLabelPrefix starts the one label form that takes a value: Label("feature:Insert dynamic data") files a
// spec under that feature for the smoke runner's alerts (one alert per feature), instead of its top-level
// container's text.
const FeatureLabelPrefix = "feature:"

// FeatureLabel is the label that files a spec under feature.
func FeatureLabel(feature string) string { return FeatureLabelPrefix + feature }

// FeatureFromLabels returns the feature a feature:<name> label names, if there is one.
func FeatureFromLabels(labels []string) (string, bool) {
	for _, l := range labels {
		if name, ok := strings.CutPrefix(l, FeatureLabelPrefix); ok && strings.TrimSpace(name) != "" {
			return strings.TrimSpace(name), true
		}
	}
	return "", false
}

var knownLabels = map[string]string{
	Critical:   "a broken one is severity 1",
	Smoke:      "runs after every deploy",
	ThirdParty: "drives a third-party editor",
	Baseline:   "JavaScript-click baseline, for comparison only",
	Slow:       "slow on purpose",
}

// checkLabels fails on labels outside the registry.
func checkLabels(r types.Report) error {
	var unknown []string
	for _, spec := range r.SpecReports {
		for _, l := range spec.Labels() {
			if _, ok := knownLabels[l]; !ok && !validFeatureLabel(l) {
				unknown = append(unknown, fmt.Sprintf("%q on %q", l, spec.FullText()))
			}
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("unknown labels (register them in suites/e2e/labels.go): %s", strings.Join(unknown, ", "))
}

// validFeatureLabel accepts feature:<name> with a name.
func validFeatureLabel(l string) bool {
	name, ok := strings.CutPrefix(l, FeatureLabelPrefix)
	return ok && strings.TrimSpace(name) != ""
}

var _ = ReportBeforeSuite
