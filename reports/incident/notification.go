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

// DedupKey is the stable identity of a check's alert in one environment:
// "smoke/<env>/<check>". Every sender uses it (or the env and check labels it
// is made of) so that a repeated trigger updates one alert instead of opening
// another, and a resolve finds the alert without local state. Characters
// outside [A-Za-z0-9._-] become "-" so the key is safe in URL paths and
// label values and cannot grow extra "/" separators.
func DedupKey(env, check string) string {
	return "smoke/" + keyPart(env) + "/" + keyPart(check)
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

// Alert is one trigger or resolve for one check in one environment.
//
// Its JSON form is what the outbox stores, so it holds no secrets and adding
// fields must stay backward compatible.
type Alert struct {
	Action   Action   `json:"action"`
	DedupKey string   `json:"dedup_key"`
	Env      string   `json:"env"`
	Check    string   `json:"check"`
	Severity Severity `json:"severity,omitempty"`

	// PreviousSeverity is set when an open alert changes severity. Alertmanager
	// identifies an alert by its labels, severity among them, so it needs the
	// old value to resolve the alert the new one replaces.
	PreviousSeverity Severity `json:"previous_severity,omitzero"`

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

// NewTrigger returns a trigger for check in env with its dedup key set.
func NewTrigger(env, check string, severity Severity) Alert {
	return Alert{Action: ActionTrigger, DedupKey: DedupKey(env, check), Env: env, Check: check, Severity: severity}
}

// NewResolve returns a resolve for check in env with its dedup key set.
func NewResolve(env, check string) Alert {
	return Alert{Action: ActionResolve, DedupKey: DedupKey(env, check), Env: env, Check: check}
}

// Notification wraps the alert for a [Sender].
func (a Alert) Notification() Notification { return Notification{Alert: &a} }

// Headline returns the summary, or one made from the other fields, on one line.
func (a Alert) Headline() string {
	if s := oneLine(a.Summary); s != "" {
		return s
	}
	var b strings.Builder
	version := ""
	if a.Version != "" {
		version = " (version " + a.Version + ")"
	}
	switch {
	case a.Action == ActionResolve:
		fmt.Fprintf(&b, "Smoke check %s passes again on %s%s", a.Check, a.Env, version)
	case a.Flaky:
		fmt.Fprintf(&b, "Flaky smoke check %s on %s%s", a.Check, a.Env, version)
		if a.Step != "" {
			fmt.Fprintf(&b, ": failed at step %q, then passed on retry", oneLine(a.Step))
		} else {
			b.WriteString(": failed, then passed on retry")
		}
	default:
		if a.Severity == SeverityCritical {
			b.WriteString("SEV1: ")
		}
		fmt.Fprintf(&b, "Smoke check %s failed on %s%s", a.Check, a.Env, version)
		if a.Step != "" {
			fmt.Fprintf(&b, " at step %q", oneLine(a.Step))
		}
		if c := oneLine(a.Cause); c != "" {
			b.WriteString(": " + truncate(c, 300))
		}
	}
	return b.String()
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
	if s := oneLine(c.Summary); s != "" {
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

// oneLine collapses runs of whitespace, newlines included, to one space:
// every API here shows the summary as a single line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

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
