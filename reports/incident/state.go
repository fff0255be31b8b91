package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// StateFormat names the version of the state file. Version 1 kept one alert
// per check; its open alerts are loaded as PerCheck and retired (see
// [State.Update]) by the first run that knows their features.
const StateFormat = "smoke-state/v2"

// stateFormatPerCheck is the format before alerts were grouped by feature.
const stateFormatPerCheck = "smoke-state/v1"

// StateFileName is the state file's name inside the state directory.
const StateFileName = "incidents.json"

// Outcome is how a check ended in one run.
type Outcome string

const (
	Passed  Outcome = "passed"
	Failed  Outcome = "failed"
	Flaky   Outcome = "flaky"   // failed, then passed on retry
	Skipped Outcome = "skipped" // not run; leaves its alert as it was
)

// CheckResult is one check's outcome in one run, as the runner saw it.
type CheckResult struct {
	Env   string
	Check string
	// Feature groups checks into one alert: every check of a feature shares
	// the dedup key smoke/<env>/<feature>. Empty: the check is a feature of
	// its own. FeatureName is how people call it, for headlines.
	Feature     string
	FeatureName string
	// Title is the check in the spec's own words, for the alert's list.
	Title string
	// Critical is true for a check labelled critical; its failure makes its
	// feature's alert severity 1.
	Critical      bool
	Outcome       Outcome
	Step          string // the failing step (for Failed and Flaky)
	Cause         string // the harness's message (for Failed and Flaky)
	Version       string // the deployed version
	TargetURL     string
	ReportURL     string
	ScreenshotURL string
	Details       map[string]string
}

// feature is the name of the result's feature.
func (r CheckResult) feature() string { return firstNonEmpty(r.Feature, r.Check) }

// OpenAlert is what the state remembers about an alert that is open.
type OpenAlert struct {
	Env string `json:"env"`
	// Check is the feature, or on a PerCheck alert (from state version 1)
	// the one check.
	Check       string    `json:"check"`
	Severity    Severity  `json:"severity"`
	Since       time.Time `json:"since"`
	LastVersion string    `json:"last_version,omitzero"`
	LastSeen    time.Time `json:"last_seen"`
	// Failing lists the feature's failing checks as last sent, so a changed
	// set updates the alert and an unchanged one is a repeat.
	Failing []string `json:"failing,omitempty"`
	// PerCheck marks an alert opened under the per-check scheme.
	PerCheck bool `json:"per_check,omitzero"`
}

// State remembers which alerts are open, so a run knows which recovered
// features must be resolved. It is a JSON file in the state directory,
// written atomically:
//
//	{
//	  "format": "smoke-state/v2",
//	  "updated_at": "2026-11-21T10:00:00Z",
//	  "open": {
//	    "smoke/prod/insert-dynamic-data": {"env": "prod", "check": "insert-dynamic-data", "severity": "critical",
//	      "since": "2026-11-21T09:00:00Z", "last_version": "1.4.2", "last_seen": "2026-11-21T10:00:00Z",
//	      "failing": ["insert-dynamic-data.inserts-current-user-s-email-…"]}
//	  }
//	}
//
// The state is a convenience, not the source of truth, and losing it is
// survivable: the incident systems deduplicate by key, so a failing feature
// simply triggers again without a second incident, and resolves are
// idempotent (PagerDuty and Alertmanager accept a resolve for an alert
// that is not open; Opsgenie's close by alias likewise; Statuspage finds
// open incidents by listing unresolved ones rather than by a stored id).
// When the file is missing, Update therefore sends a precautionary resolve
// for every passing feature, which closes whatever a lost state left open.
type State struct {
	Open map[string]OpenAlert

	path  string
	known bool
}

type stateFile struct {
	Format    string               `json:"format"`
	UpdatedAt time.Time            `json:"updated_at"`
	Open      map[string]OpenAlert `json:"open"`
}

// LoadState reads the state from dir (creating dir if needed).
//
// A missing file gives an empty state for which Known is false. A corrupt
// file is moved aside (to incidents.json.corrupt-<time>) and LoadState
// returns an empty, unknown state together with a *CorruptEntryError: the
// runner should report the error and carry on with the state it got.
func LoadState(dir string) (*State, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("loading incident state: %w", err)
	}
	s := &State{Open: map[string]OpenAlert{}, path: filepath.Join(dir, StateFileName)}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading incident state: %w", err)
	}
	var f stateFile
	err = json.Unmarshal(data, &f)
	if err == nil && f.Format != StateFormat && f.Format != stateFormatPerCheck {
		err = fmt.Errorf("format %q is not %q", f.Format, StateFormat)
	}
	if err != nil {
		ce := &CorruptEntryError{File: s.path, Err: err}
		aside := fmt.Sprintf("%s.corrupt-%s", s.path, time.Now().UTC().Format("20060102T150405.000000000Z"))
		if mvErr := os.Rename(s.path, aside); mvErr == nil {
			ce.MovedTo = aside
		}
		return s, ce
	}
	for k, v := range f.Open {
		if f.Format == stateFormatPerCheck {
			v.PerCheck = true
		}
		s.Open[k] = v
	}
	s.known = true
	return s, nil
}

// Known reports whether the state came from a file (or was saved), that is
// whether "not open" can be trusted.
func (s *State) Known() bool { return s.known }

// UpdateOptions are what Update needs to know about the run beyond its
// results.
type UpdateOptions struct {
	// Complete says every check that exists ran (no label filter or focus):
	// per-check alerts whose check did not run belong to checks that no
	// longer exist, and are retired too.
	Complete bool
	// Keep lists checks whose per-check alerts a Complete run does not retire
	// for not running: the runner's own, which run only in some runs.
	Keep []string
	// Location is where the run came from; it goes into every alert.
	Location string
}

// Update applies one run's results with no options; see [State.UpdateRun].
func (s *State) Update(results []CheckResult, now time.Time) []Alert {
	return s.UpdateRun(results, now, UpdateOptions{})
}

// UpdateRun applies one run's results and returns the alerts to send: one
// per feature, in the order the features first appear in results, then the
// resolves that retire per-check alerts.
//
// Per feature, over the checks that ran (Skipped ones did not):
//
//   - any Failed: a trigger listing every failing (and flaky) check, the
//     first one's step and cause as the alert's own; severity Critical if a
//     failed check is critical, else Error. A trigger for an open alert keeps
//     its Since, carries a changed severity's old value in PreviousSeverity,
//     and is a Repeat when severity and failing checks are as last sent.
//   - only Flaky: a Warning trigger whose summary says it was flaky. A flake
//     is reported, never dropped; the alert stays open until a clean pass.
//   - all Passed, alert open: a resolve carrying the open severity, unless a
//     check that was failing did not run this time: then nothing, since it
//     may fail still.
//   - all Passed, not open: nothing, unless the state is not Known, in which
//     case a precautionary resolve (see Alert.Precautionary).
//   - nothing ran: nothing; the alert keeps its state.
//
// Retiring per-check alerts (a state file from before features): an open
// per-check alert of this run's environment is resolved, with ReplacedBy
// naming its feature's alert, once its check ran again (its feature's alert
// now speaks for it), or in a Complete run in which it did not (the check is
// gone). When its key is its feature's key (the runner's own checks), only
// the label form changed: the resolve is LabelsOnly.
//
// UpdateRun changes the state in memory only. Call Save after the alerts are
// in the outbox: then a crash in between re-sends rather than forgets.
func (s *State) UpdateRun(results []CheckResult, now time.Time, opts UpdateOptions) []Alert {
	if s.Open == nil {
		s.Open = map[string]OpenAlert{}
	}
	now = now.UTC()
	var groups []*featureGroup
	byKey := map[string]*featureGroup{}
	envs := map[string]bool{}
	ranCheck := map[string]string{} // env+check → the key of the feature it belongs to
	for _, r := range results {
		key := DedupKey(r.Env, r.feature())
		g := byKey[key]
		if g == nil {
			g = &featureGroup{env: r.Env, feature: r.feature()}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.results = append(g.results, r)
		envs[r.Env] = true
		if r.Outcome != Skipped {
			ranCheck[r.Env+"\x00"+r.Check] = key
		}
	}

	// Per-check alerts to retire, decided before the feature alerts change the map.
	type retirement struct {
		key string
		was OpenAlert
		by  string
	}
	var retire []retirement
	for _, key := range slices.Sorted(maps.Keys(s.Open)) {
		prev := s.Open[key]
		if !prev.PerCheck || !envs[prev.Env] {
			continue
		}
		if g := byKey[key]; g != nil {
			if g.ran() {
				// The key is its feature's (the runner's own checks): the alert lives on under the feature's
				// labels, so only the per-check label form is resolved, and the feature's result decides the rest.
				retire = append(retire, retirement{key: key, was: prev, by: key})
				prev.PerCheck, prev.Failing = false, []string{prev.Check}
				s.Open[key] = prev
			}
			continue
		}
		by, ran := ranCheck[prev.Env+"\x00"+prev.Check]
		if ran || (opts.Complete && !slices.Contains(opts.Keep, prev.Check)) {
			retire = append(retire, retirement{key: key, was: prev, by: by})
			delete(s.Open, key)
		}
	}

	var alerts []Alert
	for _, g := range groups {
		if a, ok := s.updateFeature(g.env, g.feature, g.results, now, opts); ok {
			alerts = append(alerts, a)
		}
	}
	for _, r := range retire {
		a := NewResolve(r.was.Env, r.was.Check)
		a.DedupKey = r.key
		a.PerCheck = true
		a.Severity = r.was.Severity
		a.Since = r.was.Since
		a.Timestamp = now
		a.Location = opts.Location
		a.LabelsOnly = r.by == r.key
		if r.by != "" && r.by != r.key {
			a.ReplacedBy = r.by
		}
		if r.by == "" {
			a.Summary = fmt.Sprintf("Smoke check %s on %s is retired: no check of that name runs any more, and alerts are now one per feature", r.was.Check, r.was.Env)
		}
		alerts = append(alerts, a)
	}
	// A resolve says which features still fail, for senders that group them.
	var stillOpen []string
	for _, o := range s.Open {
		stillOpen = append(stillOpen, o.Check)
	}
	slices.Sort(stillOpen)
	for i := range alerts {
		if alerts[i].Action == ActionResolve {
			alerts[i].OpenFeatures = slices.DeleteFunc(slices.Clone(stillOpen), func(f string) bool { return f == alerts[i].Check })
		}
	}
	return alerts
}

// featureGroup is one feature's results in one run.
type featureGroup struct {
	env, feature string
	results      []CheckResult
}

// ran reports whether any of the feature's checks ran.
func (g *featureGroup) ran() bool {
	return slices.ContainsFunc(g.results, func(r CheckResult) bool { return r.Outcome != Skipped })
}

// updateFeature decides one feature's alert.
func (s *State) updateFeature(env, feature string, results []CheckResult, now time.Time, opts UpdateOptions) (Alert, bool) {
	key := DedupKey(env, feature)
	prev, open := s.Open[key]
	if open && prev.PerCheck {
		// Retired above, unless its check did not run; then it stays as it was.
		return Alert{}, false
	}
	var ran, failed, flaky []CheckResult
	critical := false
	for _, r := range results {
		switch r.Outcome {
		case Failed:
			failed = append(failed, r)
			critical = critical || r.Critical
		case Flaky:
			flaky = append(flaky, r)
		}
		if r.Outcome != Skipped {
			ran = append(ran, r)
		}
	}
	if len(ran) == 0 {
		return Alert{}, false
	}
	first := ran[0]
	base := func(a Alert) Alert {
		a.FeatureName = first.FeatureName
		a.ChecksRun = len(ran)
		a.Location = opts.Location
		a.Version = first.Version
		a.TargetURL = first.TargetURL
		a.Timestamp = now
		return a
	}

	if len(failed) == 0 && len(flaky) == 0 {
		if open {
			for _, name := range prev.Failing {
				if !slices.ContainsFunc(ran, func(r CheckResult) bool { return r.Check == name }) {
					return Alert{}, false // a check that was failing did not run: it may fail still
				}
			}
		} else if s.known {
			return Alert{}, false
		}
		a := base(NewResolve(env, feature))
		a.ReportURL = first.ReportURL
		if open {
			a.Severity = prev.Severity
			a.Since = prev.Since
		} else {
			a.Precautionary = true
		}
		delete(s.Open, key)
		return a, true
	}

	sev := SeverityError
	if critical {
		sev = SeverityCritical
	}
	if len(failed) == 0 {
		sev = SeverityWarning
	}
	listed := append(slices.Clone(failed), flaky...)
	a := base(NewTrigger(env, feature, sev))
	a.Flaky = len(failed) == 0
	lead := listed[0]
	a.Step, a.Cause = lead.Step, lead.Cause
	a.ReportURL, a.ScreenshotURL = lead.ReportURL, lead.ScreenshotURL
	a.Details = maps.Clone(lead.Details)
	var names []string
	for _, r := range listed {
		a.Checks = append(a.Checks, FailingCheck{Check: r.Check, Title: r.Title, Critical: r.Critical,
			Flaky: r.Outcome == Flaky, Step: r.Step, Cause: r.Cause,
			Screenshot: firstNonEmpty(r.ScreenshotURL, r.Details["screenshot_path"])})
		names = append(names, r.Check)
	}
	a.Since = now
	if open {
		a.Since = prev.Since
		if prev.Severity != sev {
			a.PreviousSeverity = prev.Severity
		}
		a.Repeat = prev.Severity == sev && slices.Equal(prev.Failing, names)
	}
	s.Open[key] = OpenAlert{Env: env, Check: feature, Severity: sev, Since: a.Since, LastVersion: first.Version,
		LastSeen: now, Failing: names}
	return a, true
}

// Save writes the state atomically. After a successful save the state is
// Known.
func (s *State) Save() error {
	data, err := json.MarshalIndent(stateFile{Format: StateFormat, UpdatedAt: time.Now().UTC(), Open: s.Open}, "", "  ")
	if err != nil {
		return fmt.Errorf("saving incident state: %w", err)
	}
	if err := writeFileAtomic(s.path, data, 0o600, false); err != nil {
		return fmt.Errorf("saving incident state: %w", err)
	}
	s.known = true
	return nil
}

// Path returns the state file's path.
func (s *State) Path() string { return s.path }
