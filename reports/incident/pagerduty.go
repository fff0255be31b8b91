package incident

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultPagerDutyURL is the Events API v2 host.
const DefaultPagerDutyURL = "https://events.pagerduty.com"

// pagerDutySummaryLimit is the Events API's limit on payload.summary.
const pagerDutySummaryLimit = 1024

// PagerDuty sends alerts to the PagerDuty Events API v2 and deploys as
// change events. The dedup key makes a repeated trigger update the open
// alert and lets a resolve close it without remembering anything; resolving
// an alert that is not open is accepted and does nothing.
type PagerDuty struct {
	RoutingKey Secret       // the integration key of an Events API v2 integration
	BaseURL    string       // empty: DefaultPagerDutyURL
	Client     *http.Client // empty: http.DefaultClient
	// Source fills payload.source, "the unique location of the affected
	// system". Empty: the host of the alert's target URL, else "smoke/<env>".
	Source string
}

func (p *PagerDuty) Name() string      { return "pagerduty" }
func (p *PagerDuty) Secrets() []Secret { return []Secret{p.RoutingKey} }

// Accepts skips LabelsOnly resolves: PagerDuty knows an alert by its dedup
// key, which lives on.
func (p *PagerDuty) Accepts(n Notification) bool { return n.Alert == nil || !n.Alert.LabelsOnly }

// pagerDutySeverity maps severities one to one: the Events API has the same
// four levels, and "critical" is what PagerDuty ranks highest.
func pagerDutySeverity(s Severity) string {
	switch s {
	case SeverityCritical:
		return "critical"
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "info"
}

type pdEvent struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"`
	DedupKey    string     `json:"dedup_key"`
	Payload     *pdPayload `json:"payload,omitempty"`
	Client      string     `json:"client,omitempty"`
	ClientURL   string     `json:"client_url,omitempty"`
	Links       []pdLink   `json:"links,omitempty"`
	Images      []pdImage  `json:"images,omitempty"`
}

type pdPayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity,omitempty"`
	Timestamp     string         `json:"timestamp,omitempty"`
	Component     string         `json:"component,omitempty"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class,omitempty"`
	CustomDetails map[string]any `json:"custom_details,omitempty"`
}

type pdLink struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

type pdImage struct {
	Src  string `json:"src"`
	Href string `json:"href,omitempty"`
	Alt  string `json:"alt,omitempty"`
}

type pdChange struct {
	RoutingKey string          `json:"routing_key"`
	Payload    pdChangePayload `json:"payload"`
	Links      []pdLink        `json:"links,omitempty"`
}

type pdChangePayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source,omitempty"`
	Timestamp     string         `json:"timestamp,omitempty"`
	CustomDetails map[string]any `json:"custom_details,omitempty"`
}

func (p *PagerDuty) Send(ctx context.Context, n Notification) error {
	switch {
	case n.Alert != nil:
		return p.send(ctx, "/v2/enqueue", p.event(*n.Alert))
	case n.Change != nil:
		return p.send(ctx, "/v2/change/enqueue", p.change(*n.Change))
	}
	return n.Validate()
}

func (p *PagerDuty) send(ctx context.Context, path string, body any) error {
	base := cmp.Or(p.BaseURL, DefaultPagerDutyURL)
	_, _, err := apiRequest{
		sender: p.Name(),
		client: p.Client,
		method: http.MethodPost,
		url:    joinURL(base, path),
		body:   body,
	}.do(ctx)
	return err
}

func (p *PagerDuty) event(a Alert) pdEvent {
	ev := pdEvent{
		RoutingKey:  p.RoutingKey.Reveal(),
		EventAction: string(a.Action),
		DedupKey:    a.DedupKey,
	}
	if a.Action == ActionResolve {
		// A resolve needs only the key; PagerDuty ignores a payload here.
		return ev
	}
	ev.Payload = &pdPayload{
		Summary:       truncate(a.Headline(), pagerDutySummaryLimit),
		Source:        p.source(a.TargetURL, a.Env),
		Severity:      pagerDutySeverity(a.Severity),
		Timestamp:     timestampOrNow(a.Timestamp),
		Component:     a.Check,
		Group:         a.Env,
		Class:         "smoke-check",
		CustomDetails: alertDetails(a),
	}
	ev.Client = "e2e smoke runner"
	ev.ClientURL = a.ReportURL
	ev.Links = pdLinks(alertLinks(a))
	// PagerDuty only renders images served over https; an http screenshot
	// stays available as a link in the custom details.
	if isHTTPS(a.ScreenshotURL) {
		ev.Images = []pdImage{{Src: a.ScreenshotURL, Href: a.ScreenshotURL, Alt: "Screenshot of the failing step"}}
	}
	return ev
}

func (p *PagerDuty) change(c Change) pdChange {
	details := map[string]any{"env": c.Env}
	if c.Version != "" {
		details["version"] = c.Version
	}
	for k, v := range c.Details {
		if _, taken := details[k]; !taken {
			details[k] = v
		}
	}
	return pdChange{
		RoutingKey: p.RoutingKey.Reveal(),
		Payload: pdChangePayload{
			Summary:       truncate(c.Headline(), pagerDutySummaryLimit),
			Source:        p.source(c.TargetURL, c.Env),
			Timestamp:     timestampOrNow(c.Timestamp),
			CustomDetails: details,
		},
		Links: pdLinks(c.AllLinks()),
	}
}

func (p *PagerDuty) source(target, env string) string {
	if p.Source != "" {
		return p.Source
	}
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		return u.Host
	}
	return "smoke/" + env
}

func pdLinks(links []Link) []pdLink {
	var out []pdLink
	for _, l := range links {
		out = append(out, pdLink(l))
	}
	return out
}

// alertLinks lists the links worth a click: the report first, since it says
// what happened, then the screenshot and the site itself.
func alertLinks(a Alert) []Link {
	var links []Link
	if a.ReportURL != "" {
		links = append(links, Link{Href: a.ReportURL, Text: "Smoke report"})
	}
	if a.ScreenshotURL != "" {
		links = append(links, Link{Href: a.ScreenshotURL, Text: "Screenshot"})
	}
	if a.TargetURL != "" {
		links = append(links, Link{Href: a.TargetURL, Text: "Deployed site"})
	}
	return links
}

// causeLimit keeps the harness's message, call log included, within every
// API's field limits while leaving the useful start intact.
const causeLimit = 4000

// alertDetails is the structured context shared by PagerDuty's
// custom_details and Opsgenie's details. The caller's Details come first so
// the standard keys cannot be shadowed by accident.
func alertDetails(a Alert) map[string]any {
	d := map[string]any{}
	for k, v := range a.Details {
		d[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	set("env", a.Env)
	if a.PerCheck {
		set("check", a.Check)
	} else {
		set("feature", firstNonEmpty(a.FeatureName, a.Check))
	}
	set("dedup_key", a.DedupKey)
	set("location", a.Location)
	if len(a.Checks) > 0 {
		var checks []map[string]string
		for _, c := range a.Checks {
			entry := map[string]string{"check": c.Check}
			for k, v := range map[string]string{"title": c.Title, "step": c.Step, "cause": truncate(c.Cause, causeLimit/len(a.Checks)), "screenshot": c.Screenshot} {
				if v != "" {
					entry[k] = v
				}
			}
			if c.Critical {
				entry["critical"] = "yes"
			}
			if c.Flaky {
				entry["flaky"] = "failed, then passed on retry"
			}
			checks = append(checks, entry)
		}
		d["failing_checks"] = checks
		d["checks_failing"] = fmt.Sprintf("%d of %d", len(a.Checks), max(a.ChecksRun, len(a.Checks)))
	}
	set("severity", a.Severity.String())
	set("step", a.Step)
	set("cause", truncate(a.Cause, causeLimit))
	set("version", a.Version)
	set("target_url", a.TargetURL)
	set("report_url", a.ReportURL)
	set("screenshot_url", a.ScreenshotURL)
	if a.Flaky {
		d["flaky"] = "failed, then passed on retry"
	}
	if !a.Since.IsZero() {
		d["failing_since"] = a.Since.UTC().Format(time.RFC3339)
	}
	return d
}

func timestampOrNow(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(time.RFC3339)
}

func isHTTPS(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && strings.EqualFold(u.Scheme, "https") && u.Host != ""
}
