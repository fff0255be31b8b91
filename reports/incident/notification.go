package incident

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Severity ranks an alert. The numbering follows the "severity 1" language of
// incident reviews: [SeverityCritical] is 1, and the zero value means "not
// known" (a resolve sent after the state file was lost).
type Severity int

const (
	SeverityCritical Severity = 1 // a broken check labelled critical: PagerDuty critical, Opsgenie P1, Statuspage major outage
	SeverityError    Severity = 2 // a broken check
	SeverityWarning  Severity = 3 // a check that failed and then passed on retry
	SeverityInfo     Severity = 4
)

var severityNames = map[Severity]string{
	SeverityCritical: "critical",
	SeverityError:    "error",
	SeverityWarning:  "warning",
	SeverityInfo:     "info",
}

// Severities lists the valid severities, most severe first.
func Severities() []Severity {
	return []Severity{SeverityCritical, SeverityError, SeverityWarning, SeverityInfo}
}

// Valid reports whether s is one of the four defined severities.
func (s Severity) Valid() bool { _, ok := severityNames[s]; return ok }

func (s Severity) String() string {
	if name, ok := severityNames[s]; ok {
		return name
	}
	if s == 0 {
		return "unknown"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText writes the name, so outbox and state files stay readable and
// survive a renumbering.
func (s Severity) MarshalText() ([]byte, error) {
	if s == 0 {
		return []byte{}, nil
	}
	if !s.Valid() {
		return nil, fmt.Errorf("marshalling severity: %d is not a severity", int(s))
	}
	return []byte(s.String()), nil
}

func (s *Severity) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = 0
		return nil
	}
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity accepts the names String returns.
func ParseSeverity(name string) (Severity, error) {
	for s, n := range severityNames {
		if strings.EqualFold(n, name) {
			return s, nil
		}
	}
	return 0, fmt.Errorf("parsing severity: %q is not one of critical, error, warning, info", name)
}

// Action says whether an alert opens or closes an incident.
type Action string

const (
	ActionTrigger Action = "trigger"
	ActionResolve Action = "resolve"
)

// DedupKey is the stable identity of a feature's alert in one environment:
// "smoke/<env>/<feature>". Every sender uses it (or the env and feature
// labels it is made of) so that a repeated trigger updates one alert instead
// of opening another, and a resolve finds the alert without local state.
// Characters outside [A-Za-z0-9._-] become "-" so the key is safe in URL
// paths and label values and cannot grow extra "/" separators. (Before
// alerts were grouped by feature, the second part was a check's name; such
// per-check alerts are retired by [State.Update].)
func DedupKey(env, feature string) string {
	return "smoke/" + keyPart(env) + "/" + keyPart(feature)
}

func keyPart(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '-'
	}, s)
}

// Alert is one trigger or resolve for one feature in one environment: every
// failing check of the feature is in one alert, so one broken button is one
// page, however many checks it breaks.
//
// Its JSON form is what the outbox stores, so it holds no secrets and adding
// fields must stay backward compatible.
type Alert struct {
	Action   Action `json:"action"`
	DedupKey string `json:"dedup_key"`
	Env      string `json:"env"`
	// Check names what the alert is about: the feature (its slug, e.g.
	// insert-dynamic-data), or on a PerCheck alert the one check.
	Check    string   `json:"check"`
	Severity Severity `json:"severity,omitempty"`

	// FeatureName is the feature as people call it ("Insert dynamic data"),
	// for headlines; empty: Check is used.
	FeatureName string `json:"feature_name,omitzero"`
	// Checks lists the failing checks of the feature, the first one first
	// (its step and cause are also in Step and Cause). Empty on a resolve.
	Checks []FailingCheck `json:"checks,omitempty"`
	// ChecksRun is how many of the feature's checks ran, for "7 of 8 fail".
	ChecksRun int `json:"checks_run,omitzero"`
	// Location is where the run came from (--location): a label and detail,
	// never part of the dedup key, so one broken feature seen from several
	// places is one incident.
	Location string `json:"location,omitzero"`

	// PerCheck marks an alert of the scheme before features, one alert per
	// check: only the resolves that retire such alerts are sent, and
	// Alertmanager, which identifies an alert by its labels, needs to know
	// that its label was "check", not "feature".
	PerCheck bool `json:"per_check,omitzero"`
	// ReplacedBy is set on a resolve that retires a per-check alert: the
	// feature alert that speaks for its check from now on.
	ReplacedBy string `json:"replaced_by,omitzero"`
	// LabelsOnly marks a retiring resolve whose dedup key lives on as a
	// feature alert: only senders that identify alerts by their labels
	// (Alertmanager) have something to resolve; the others skip it.
	LabelsOnly bool `json:"labels_only,omitzero"`
	// OpenFeatures, on a resolve, lists the features of the environment
	// still failing after this run, so a sender that groups features (a
	// status page component) keeps what another feature still breaks.
	OpenFeatures []string `json:"open_features,omitempty"`

	// PreviousSeverity is set when an open alert changes severity. Alertmanager
	// identifies an alert by its labels, severity among them, so it needs the
	// old value to resolve the alert the new one replaces.
	PreviousSeverity Severity `json:"previous_severity,omitzero"`

	// Repeat marks a trigger that says nothing new: the alert is open with
	// the same severity and the same failing checks. Incident APIs take it as
	// a refresh of the open alert; chat senders skip it, so a scheduled run
	// every few minutes does not post the same failure again and again.
	Repeat bool `json:"repeat,omitzero"`

	// Flaky marks a check that failed and then passed on retry. It is sent as
	// a Warning trigger, never dropped: a flake today is often tomorrow's
	// outage.
	Flaky bool `json:"flaky,omitzero"`

	// Precautionary marks a resolve sent without knowing the alert is open,
	// because the state file was missing. Incident APIs treat resolving an
	// unknown alert as a no-op, so it is safe there; chat senders skip it so
	// a first run does not announce a recovery for every check.
	Precautionary bool `json:"precautionary,omitzero"`

	// Summary is the one-line headline. Empty means a summary is made from the
	// other fields. Senders truncate it to their API's limit.
	Summary string `json:"summary,omitzero"`

	Step          string            `json:"step,omitzero"`    // the step that failed, as the spec names it
	Cause         string            `json:"cause,omitzero"`   // the harness's error message
	Version       string            `json:"version,omitzero"` // the deployed version under test
	TargetURL     string            `json:"target_url,omitzero"`
	ReportURL     string            `json:"report_url,omitzero"`
	ScreenshotURL string            `json:"screenshot_url,omitzero"`
	Details       map[string]string `json:"details,omitempty"`

	// Since is when the alert first opened (zero: now).
	Since time.Time `json:"since,omitzero"`
	// Timestamp is when the outcome was observed. The deliverer fills a zero
	// value when the alert enters the outbox, so a late re-send keeps it.
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// FailingCheck is one failing (or flaky) check of a feature's alert.
type FailingCheck struct {
	Check    string `json:"check"`           // the check's name, e.g. insert-dynamic-data.inserts-…
	Title    string `json:"title,omitempty"` // the spec's own words, e.g. "inserts Current User's email at the caret"
	Critical bool   `json:"critical,omitempty"`
	Flaky    bool   `json:"flaky,omitempty"` // failed, then passed on a retry
	Step     string `json:"step,omitempty"`
	Cause    string `json:"cause,omitempty"`
	// Screenshot is the failure screenshot's URL, or its path when the report
	// is not published.
	Screenshot string `json:"screenshot,omitempty"`
}

// Name is the check as a person reads it: its title, else its name.
func (c FailingCheck) Name() string { return firstNonEmpty(c.Title, c.Check) }

// NewTrigger returns a trigger for feature in env with its dedup key set.
func NewTrigger(env, feature string, severity Severity) Alert {
	return Alert{Action: ActionTrigger, DedupKey: DedupKey(env, feature), Env: env, Check: feature, Severity: severity}
}

// NewResolve returns a resolve for feature in env with its dedup key set.
func NewResolve(env, feature string) Alert {
	return Alert{Action: ActionResolve, DedupKey: DedupKey(env, feature), Env: env, Check: feature}
}

// Notification wraps the alert for a [Sender].
func (a Alert) Notification() Notification { return Notification{Alert: &a} }

// Subject is what a headline calls the alert's feature.
func (a Alert) Subject() string {
	if a.PerCheck {
		return "Smoke check " + a.Check
	}
	return firstNonEmpty(a.FeatureName, a.Check)
}

// Headline returns the summary, or one made from the other fields, on one line.
func (a Alert) Headline() string {
	if s := OneLine(a.Summary); s != "" {
		return s
	}
	var b strings.Builder
	version := ""
	if a.Version != "" {
		version = " (version " + a.Version + ")"
	}
	from := ""
	if a.Location != "" {
		from = ", seen from " + a.Location
	}
	switch {
	case a.Action == ActionResolve && a.ReplacedBy != "":
		fmt.Fprintf(&b, "%s on %s is now part of the alert %s (one alert per feature)", a.Subject(), a.Env, a.ReplacedBy)
	case a.Action == ActionResolve:
		fmt.Fprintf(&b, "%s works again on %s%s%s", a.Subject(), a.Env, version, from)
		if a.ChecksRun > 0 {
			fmt.Fprintf(&b, ": %d %s pass", a.ChecksRun, plural(a.ChecksRun, "check", "checks"))
		}
	case a.Flaky:
		fmt.Fprintf(&b, "Flaky: %s on %s%s%s", a.Subject(), a.Env, version, from)
		if a.Step != "" {
			fmt.Fprintf(&b, ": failed at step %q, then passed on retry", OneLine(a.Step))
		} else {
			b.WriteString(": failed, then passed on retry")
		}
	default:
		if a.Severity == SeverityCritical {
			b.WriteString("SEV1: ")
		}
		fmt.Fprintf(&b, "%s broken on %s%s%s", a.Subject(), a.Env, version, from)
		failing := 0
		for _, c := range a.Checks {
			if !c.Flaky {
				failing++
			}
		}
		if a.ChecksRun > 1 && failing > 0 {
			fmt.Fprintf(&b, ": %d of %d checks %s", failing, a.ChecksRun, plural(failing, "fails", "fail"))
		}
		if len(a.Checks) > 0 && a.Checks[0].Title != "" && a.Checks[0].Title != a.Subject() {
			lead := ": "
			if failing > 1 {
				lead = "; first "
			}
			fmt.Fprintf(&b, "%s%q", lead, truncate(OneLine(a.Checks[0].Title), 120))
		}
		if a.Step != "" {
			fmt.Fprintf(&b, " at step %q", OneLine(a.Step))
		}
		if c := OneLine(a.Cause); c != "" {
			b.WriteString(": " + truncate(c, 300))
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (a Alert) validate() error {
	var problems []string
	switch a.Action {
	case ActionTrigger:
		if !a.Severity.Valid() {
			problems = append(problems, "a trigger needs a severity")
		}
	case ActionResolve:
		if a.Severity != 0 && !a.Severity.Valid() {
			problems = append(problems, fmt.Sprintf("severity %d is not a severity", int(a.Severity)))
		}
	default:
		problems = append(problems, fmt.Sprintf("action %q is not trigger or resolve", a.Action))
	}
	if a.DedupKey == "" {
		problems = append(problems, "dedup key is empty (use DedupKey or NewTrigger)")
	}
	if strings.TrimSpace(a.Env) == "" {
		problems = append(problems, "env is empty")
	}
	if strings.TrimSpace(a.Check) == "" {
		problems = append(problems, "check is empty")
	}
	if a.PreviousSeverity != 0 && !a.PreviousSeverity.Valid() {
		problems = append(problems, fmt.Sprintf("previous severity %d is not a severity", int(a.PreviousSeverity)))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: alert %s: %s", ErrInvalidNotification, a.DedupKey, strings.Join(problems, "; "))
	}
	return nil
}

// Link is a hyperlink attached to a notification.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitzero"`
}

// Change marks a deploy. PagerDuty records it as a change event next to the
// incidents it may explain; chat senders post a short note; senders with no
// such concept ignore it.
type Change struct {
	Env       string            `json:"env"`
	Version   string            `json:"version"`
	Summary   string            `json:"summary,omitzero"` // empty: "Deployed <version> to <env>"
	TargetURL string            `json:"target_url,omitzero"`
	ReportURL string            `json:"report_url,omitzero"`
	Links     []Link            `json:"links,omitempty"`
	Details   map[string]string `json:"details,omitempty"`
	Timestamp time.Time         `json:"timestamp,omitzero"`
}

// Notification wraps the change for a [Sender].
func (c Change) Notification() Notification { return Notification{Change: &c} }

// Headline returns the summary, or one made from the other fields, on one line.
func (c Change) Headline() string {
	if s := OneLine(c.Summary); s != "" {
		return s
	}
	return fmt.Sprintf("Deployed %s to %s", c.Version, c.Env)
}

// AllLinks returns the explicit links followed by the target and report, so
// senders need not repeat that assembly.
func (c Change) AllLinks() []Link {
	links := append([]Link(nil), c.Links...)
	if c.TargetURL != "" {
		links = append(links, Link{Href: c.TargetURL, Text: "Deployed site"})
	}
	if c.ReportURL != "" {
		links = append(links, Link{Href: c.ReportURL, Text: "Smoke report"})
	}
	return links
}

func (c Change) validate() error {
	var problems []string
	if strings.TrimSpace(c.Env) == "" {
		problems = append(problems, "env is empty")
	}
	if strings.TrimSpace(c.Version) == "" && strings.TrimSpace(c.Summary) == "" {
		problems = append(problems, "version and summary are both empty")
	}
	for i, l := range c.Links {
		if l.Href == "" {
			problems = append(problems, fmt.Sprintf("link %d has no href", i))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: change for %s: %s", ErrInvalidNotification, c.Env, strings.Join(problems, "; "))
	}
	return nil
}

// Notification is what a [Sender] sends: exactly one of an alert or a change.
// It is a struct rather than an interface so the outbox can store it as
// plain JSON.
type Notification struct {
	Alert  *Alert  `json:"alert,omitempty"`
	Change *Change `json:"change,omitempty"`
}

// ErrInvalidNotification is wrapped by the error Validate returns.
var ErrInvalidNotification = errors.New("invalid notification")

// Validate reports a notification no sender could deliver, so the mistake
// surfaces in the runner rather than as an API rejection later.
func (n Notification) Validate() error {
	switch {
	case n.Alert != nil && n.Change != nil:
		return fmt.Errorf("%w: it holds both an alert and a change", ErrInvalidNotification)
	case n.Alert != nil:
		return n.Alert.validate()
	case n.Change != nil:
		return n.Change.validate()
	}
	return fmt.Errorf("%w: it is empty", ErrInvalidNotification)
}

// String describes the notification for reports, e.g.
// "trigger smoke/prod/editor-loads (critical)".
func (n Notification) String() string {
	switch {
	case n.Alert != nil:
		if n.Alert.Action == ActionTrigger {
			return fmt.Sprintf("%s %s (%s)", n.Alert.Action, n.Alert.DedupKey, n.Alert.Severity)
		}
		return fmt.Sprintf("%s %s", n.Alert.Action, n.Alert.DedupKey)
	case n.Change != nil:
		return fmt.Sprintf("change %s %s", n.Change.Env, n.Change.Version)
	}
	return "empty notification"
}

// OneLine collapses runs of white space, newlines included, to one space:
// every API here shows a summary as a single line, and the smoke runner
// reports each problem on one.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// truncate shortens s to at most limit runes, ending in "…" when it cut,
// and never splits a rune. Limits are in characters because that is how
// PagerDuty, Opsgenie and Slack count them.
func truncate(s string, limit int) string {
	if limit <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	cut, n := 0, 0
	for i := range s {
		if n == limit-1 {
			cut = i
			break
		}
		n++
	}
	return s[:cut] + "…"
}
