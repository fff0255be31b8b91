package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// StateFormat names the version of the state file.
const StateFormat = "smoke-state/v1"

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
	// Critical is true for a check labelled critical; its failure is
	// severity 1.
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

// OpenAlert is what the state remembers about an alert that is open.
type OpenAlert struct {
	Env         string    `json:"env"`
	Check       string    `json:"check"`
	Severity    Severity  `json:"severity"`
	Since       time.Time `json:"since"`
	LastVersion string    `json:"last_version,omitzero"`
	LastSeen    time.Time `json:"last_seen"`
}

// State remembers which alerts are open, so a run knows which passing
// checks recovered and must be resolved. It is a JSON file in the state
// directory, written atomically:
//
//	{
//	  "format": "smoke-state/v1",
//	  "updated_at": "2026-11-21T10:00:00Z",
//	  "open": {
//	    "smoke/prod/editor-loads": {"env": "prod", "check": "editor-loads", "severity": "critical",
//	      "since": "2026-11-21T09:00:00Z", "last_version": "1.4.2", "last_seen": "2026-11-21T10:00:00Z"}
//	  }
//	}
//
// The state is a convenience, not the source of truth, and losing it is
// survivable: the incident systems deduplicate by key, so a failing check
// simply triggers again without a second incident, and resolves are
// idempotent (PagerDuty and Alertmanager accept a resolve for an alert
// that is not open; Opsgenie's close by alias likewise; Statuspage finds
// open incidents by listing unresolved ones rather than by a stored id).
// When the file is missing, Update therefore sends a precautionary resolve
// for every passing check, which closes whatever a lost state left open.
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
	if err == nil && f.Format != StateFormat {
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
		s.Open[k] = v
	}
	s.known = true
	return s, nil
}

// Known reports whether the state came from a file (or was saved), that is
// whether "not open" can be trusted.
func (s *State) Known() bool { return s.known }

// Update applies one run's results and returns the alerts to send, in the
// order of results:
//
//   - Failed: a trigger, severity Critical if the check is critical, else
//     Error. The alert stays open.
//   - Flaky: a Warning trigger whose summary says it was flaky. A flake is
//     reported, never dropped; the alert stays open until a clean pass.
//   - Passed, alert open: a resolve carrying the open severity.
//   - Passed, not open: nothing, unless the state is not Known, in which
//     case a precautionary resolve (see Alert.Precautionary).
//   - Skipped: nothing; the alert keeps its state.
//
// A trigger for an open alert keeps its Since and, if the severity
// changed, carries the old one in PreviousSeverity.
//
// Update changes the state in memory only. Call Save after the alerts are
// in the outbox: then a crash in between re-sends rather than forgets.
func (s *State) Update(results []CheckResult, now time.Time) []Alert {
	if s.Open == nil {
		s.Open = map[string]OpenAlert{}
	}
	now = now.UTC()
	var alerts []Alert
	for _, r := range results {
		key := DedupKey(r.Env, r.Check)
		prev, open := s.Open[key]
		switch r.Outcome {
		case Failed, Flaky:
			sev := SeverityError
			if r.Critical {
				sev = SeverityCritical
			}
			if r.Outcome == Flaky {
				sev = SeverityWarning
			}
			a := NewTrigger(r.Env, r.Check, sev)
			fill(&a, r, now)
			a.Flaky = r.Outcome == Flaky
			a.Since = now
			if open {
				a.Since = prev.Since
				if prev.Severity != sev {
					a.PreviousSeverity = prev.Severity
				}
			}
			s.Open[key] = OpenAlert{Env: r.Env, Check: r.Check, Severity: sev, Since: a.Since, LastVersion: r.Version, LastSeen: now}
			alerts = append(alerts, a)
		case Passed:
			if !open && s.known {
				continue
			}
			a := NewResolve(r.Env, r.Check)
			fill(&a, r, now)
			a.Step, a.Cause, a.ScreenshotURL = "", "", ""
			if open {
				a.Severity = prev.Severity
				a.Since = prev.Since
			} else {
				a.Precautionary = true
			}
			delete(s.Open, key)
			alerts = append(alerts, a)
		}
	}
	return alerts
}

func fill(a *Alert, r CheckResult, now time.Time) {
	a.Step = r.Step
	a.Cause = r.Cause
	a.Version = r.Version
	a.TargetURL = r.TargetURL
	a.ReportURL = r.ReportURL
	a.ScreenshotURL = r.ScreenshotURL
	a.Details = r.Details
	a.Timestamp = now
}

// Save writes the state atomically. After a successful save the state is
// Known.
func (s *State) Save() error {
	data, err := json.MarshalIndent(stateFile{Format: StateFormat, UpdatedAt: time.Now().UTC(), Open: s.Open}, "", "  ")
	if err != nil {
		return fmt.Errorf("saving incident state: %w", err)
	}
	if err := writeFileAtomic(s.path, data, false); err != nil {
		return fmt.Errorf("saving incident state: %w", err)
	}
	s.known = true
	return nil
}

// Path returns the state file's path.
func (s *State) Path() string { return s.path }
