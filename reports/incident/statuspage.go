package incident

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultStatuspageURL is the Statuspage management API host.
const DefaultStatuspageURL = "https://api.statuspage.io"

// Statuspage incident statuses and component statuses used here.
const (
	spInvestigating = "investigating"
	spMonitoring    = "monitoring"
	spResolved      = "resolved"

	spOperational         = "operational"
	spDegradedPerformance = "degraded_performance"
	spPartialOutage       = "partial_outage"
	spMajorOutage         = "major_outage"
)

// Statuspage opens, updates and resolves incidents on an Atlassian
// Statuspage page, one per component, and sets the status of the component a
// feature maps to (STATUSPAGE_COMPONENTS). A feature without a component
// gets an incident of its own.
//
// What each alert does:
//
//   - Critical trigger: an incident with impact "critical", component
//     "major_outage".
//   - Error trigger: an incident with impact "minor", component
//     "partial_outage".
//   - Warning trigger (flaky: failed, then passed on retry): no new incident,
//     since customers could use the feature. If an incident for the check is
//     already open, it moves to "monitoring" and the component to
//     "degraded_performance", which is what a fix that mostly works looks
//     like from outside. Info triggers and changes are ignored.
//   - Resolve: every open incident for the feature (or its component) is
//     resolved and the component set to "operational"; with none open,
//     nothing is sent. While another feature mapped to the same component
//     still fails (Alert.OpenFeatures), the component's incident stays open.
//
// The incident to update is found without local state: the sender lists
// the page's unresolved incidents and matches the marker "[ref <dedup key>]"
// that it writes into each incident's first update, so a re-sent trigger
// never opens a second incident and a lost state file loses nothing.
//
// A status page is public: bodies say which feature fails and on which
// version, never the cause, step or internal links.
type Statuspage struct {
	APIKey Secret
	PageID string
	// Components maps a feature (or, for the retiring resolves of per-check
	// alerts, a check) to its component id. A feature without a component
	// still gets an incident, just with no component attached; features that
	// share a component share its incident.
	Components map[string]string
	BaseURL    string       // empty: DefaultStatuspageURL
	Client     *http.Client // empty: http.DefaultClient
	// Limiter paces requests; empty: one per second, the API's limit per key.
	Limiter Limiter

	once           sync.Once
	defaultLimiter Limiter
}

func (s *Statuspage) Name() string      { return "statuspage" }
func (s *Statuspage) Secrets() []Secret { return []Secret{s.APIKey} }

// Accepts keeps only alerts that can change the page.
func (s *Statuspage) Accepts(n Notification) bool {
	return n.Alert != nil && !n.Alert.LabelsOnly && !(n.Alert.Action == ActionTrigger && n.Alert.Severity == SeverityInfo)
}

// marker is the text that finds the alert's incident: its component's, when
// it has one, so features that share a component share one incident.
func (s *Statuspage) marker(a Alert) string {
	if c := s.Components[a.Check]; c != "" && !a.PerCheck {
		return StatuspageMarker("smoke/" + keyPart(a.Env) + "/component/" + keyPart(c))
	}
	return StatuspageMarker(a.DedupKey)
}

// componentStillBroken reports whether another feature on the alert's
// component still fails.
func (s *Statuspage) componentStillBroken(a Alert) bool {
	c := s.Components[a.Check]
	if c == "" || a.PerCheck {
		return false
	}
	for _, f := range a.OpenFeatures {
		if f != a.Check && s.Components[f] == c {
			return true
		}
	}
	return false
}

// spIncident is the part of an incident this sender reads.
type spIncident struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	Impact          string `json:"impact"`
	IncidentUpdates []struct {
		Body string `json:"body"`
	} `json:"incident_updates"`
	Components []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"components"`
}

type spIncidentRequest struct {
	Incident spIncidentFields `json:"incident"`
}

type spIncidentFields struct {
	Name           string            `json:"name,omitempty"`
	Status         string            `json:"status,omitempty"`
	ImpactOverride string            `json:"impact_override,omitempty"`
	Body           string            `json:"body,omitempty"`
	ComponentIDs   []string          `json:"component_ids,omitempty"`
	Components     map[string]string `json:"components,omitempty"`
}

// statuspageImpact maps a failing check to the incident impact and component
// status. Error is "minor" with a partial outage: the feature is broken, but
// only a check someone labelled critical declares a critical incident.
func statuspageImpact(s Severity) (impact, component string) {
	if s == SeverityCritical {
		return "critical", spMajorOutage
	}
	return "minor", spPartialOutage
}

// StatuspageMarker is the text the sender writes into an incident to find it
// again: "[ref smoke/<env>/<check>]". The brackets keep one key from
// matching another that merely starts with it.
func StatuspageMarker(dedupKey string) string { return "[ref " + dedupKey + "]" }

func (s *Statuspage) Send(ctx context.Context, n Notification) error {
	if !s.Accepts(n) {
		return nil
	}
	a := *n.Alert
	marker := s.marker(a)
	open, err := s.findOpen(ctx, marker)
	if err != nil {
		return err
	}
	component := s.Components[a.Check]
	name := a.Subject()
	switch {
	case a.Action == ActionResolve && s.componentStillBroken(a):
		return nil
	case a.Action == ActionResolve:
		for _, inc := range open {
			body := fmt.Sprintf("Resolved: %s works again%s.", name, onVersion(a.Version))
			switch {
			case a.ReplacedBy != "":
				body = fmt.Sprintf("This incident continues as the incident for %s.", a.ReplacedBy)
			case a.PerCheck:
				body = "Closed: this automated check no longer runs; its feature's incident, if any, continues."
			}
			fields := spIncidentFields{Status: spResolved, Body: body}
			if component != "" {
				fields.Components = map[string]string{component: spOperational}
			}
			if err := s.patch(ctx, inc.ID, fields); err != nil {
				return err
			}
		}
		return nil
	case a.Severity == SeverityWarning:
		if len(open) == 0 || open[0].Status == spMonitoring {
			return nil
		}
		fields := spIncidentFields{
			Status: spMonitoring,
			Body:   fmt.Sprintf("%s works again%s, though not yet reliably. We are monitoring it.", name, onVersion(a.Version)),
		}
		if component != "" {
			fields.Components = map[string]string{component: spDegradedPerformance}
		}
		return s.patch(ctx, open[0].ID, fields)
	}

	impact, componentStatus := statuspageImpact(a.Severity)
	fields := spIncidentFields{ImpactOverride: impact}
	if component != "" {
		fields.ComponentIDs = []string{component}
		fields.Components = map[string]string{component: componentStatus}
	}
	if len(open) == 0 {
		fields.Name = fmt.Sprintf("%s failing on %s", name, a.Env)
		fields.Status = spInvestigating
		fields.Body = fmt.Sprintf("Our automated check of %q fails on %s%s. We are investigating.\n\n%s",
			name, a.Env, onVersion(a.Version), marker)
		return s.create(ctx, fields)
	}
	inc := open[0]
	if inc.Impact == impact && inc.Status != spMonitoring && (component == "" || inc.componentStatus(component) == componentStatus) {
		// Already says what this trigger would say: re-posting would only
		// notify the page's subscribers again.
		return nil
	}
	if inc.Status == spMonitoring {
		fields.Status = spInvestigating
	}
	fields.Body = fmt.Sprintf("%s still fails%s.", name, onVersion(a.Version))
	return s.patch(ctx, inc.ID, fields)
}

func (inc spIncident) componentStatus(id string) string {
	for _, c := range inc.Components {
		if c.ID == id {
			return c.Status
		}
	}
	return ""
}

func (inc spIncident) carries(marker string) bool {
	if strings.Contains(inc.Name, marker) {
		return true
	}
	for _, u := range inc.IncidentUpdates {
		if strings.Contains(u.Body, marker) {
			return true
		}
	}
	return false
}

func onVersion(v string) string {
	if v == "" {
		return ""
	}
	return " on version " + v
}

// findOpen lists the page's unresolved incidents that carry marker, oldest
// first as the API returns them newest first.
func (s *Statuspage) findOpen(ctx context.Context, marker string) ([]spIncident, error) {
	body, err := s.call(ctx, http.MethodGet, "/incidents/unresolved", nil)
	if err != nil {
		return nil, err
	}
	var all []spIncident
	if err := json.Unmarshal(body, &all); err != nil {
		return nil, &DeliveryError{Sender: s.Name(), Message: "decoding unresolved incidents: " + err.Error(), Retryable: true, Err: err}
	}
	var open []spIncident
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].carries(marker) {
			open = append(open, all[i])
		}
	}
	return open, nil
}

func (s *Statuspage) create(ctx context.Context, f spIncidentFields) error {
	_, err := s.call(ctx, http.MethodPost, "/incidents", spIncidentRequest{Incident: f})
	return err
}

func (s *Statuspage) patch(ctx context.Context, id string, f spIncidentFields) error {
	_, err := s.call(ctx, http.MethodPatch, "/incidents/"+url.PathEscape(id), spIncidentRequest{Incident: f})
	return err
}

func (s *Statuspage) call(ctx context.Context, method, path string, body any) ([]byte, error) {
	if err := s.limiter().Wait(ctx); err != nil {
		return nil, transportError(s.Name(), "waiting for the rate limiter", err)
	}
	base := cmp.Or(s.BaseURL, DefaultStatuspageURL)
	resp, _, err := apiRequest{
		sender: s.Name(),
		client: s.Client,
		method: method,
		url:    joinURL(base, "/v1/pages/"+url.PathEscape(s.PageID)+path),
		header: http.Header{"Authorization": {"OAuth " + s.APIKey.Reveal()}},
		body:   body,
		// Statuspage has answered rate limiting with 420 as well as 429.
		retryable: func(status int) bool { return status == 420 },
	}.do(ctx)
	return resp, err
}

func (s *Statuspage) limiter() Limiter {
	if s.Limiter != nil {
		return s.Limiter
	}
	s.once.Do(func() { s.defaultLimiter = NewIntervalLimiter(time.Second) })
	return s.defaultLimiter
}
