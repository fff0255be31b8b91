package incident

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// DefaultAlertTTL is how long a firing alert stays firing in Alertmanager
// without being re-sent.
const DefaultAlertTTL = 24 * time.Hour

// AlertnameSmokeCheck is the alertname label of every alert this package
// sends to Alertmanager, for routing and silencing.
const AlertnameSmokeCheck = "SmokeCheckFailed"

// alertmanagerSource is the "source" label, telling these alerts apart from
// Prometheus rule alerts that may share the other labels.
const alertmanagerSource = "e2e-smoke"

// Alertmanager posts alerts to a Prometheus Alertmanager (API v2).
//
// Alertmanager identifies an alert by its label set {alertname, env, feature,
// severity, source, and location when the run has one}; re-posting the same
// labels updates the alert rather than adding one, and posting it with endsAt
// in the past resolves it. Route on them with group_by: [alertname, env,
// feature], so a feature seen failing from several locations is one
// notification listing each location's alert. (Per-check alerts from before
// features carried "check" instead of "feature"; their retiring resolves
// still do, so they find the alert they end.)
//
// Why a TTL: Alertmanager treats an alert whose endsAt has passed as
// resolved, and fills a missing endsAt with now + resolve_timeout (5 minutes
// by default), because Prometheus re-sends firing alerts every minute. The
// smoke runner only runs once per deploy, so a firing alert is sent with
// endsAt = now + TTL: it stays firing until the next run resolves or renews
// it. If runs stop altogether, it auto-resolves after TTL, so keep TTL
// longer than the gap between deploys you want covered.
//
// Because severity is a label, a check whose severity changes gets a new
// alert; the trigger then also resolves the one under PreviousSeverity. A
// resolve with an unknown severity (state file lost) resolves all four.
type Alertmanager struct {
	BaseURL string // e.g. http://alertmanager:9093
	// Username and Password, when Password is set, are sent as basic auth
	// (for an Alertmanager behind an authenticating proxy).
	// SendersFromEnv moves userinfo from ALERTMANAGER_URL here, so the
	// password never sits in a printable string.
	Username string
	Password Secret
	Client   *http.Client  // empty: http.DefaultClient
	TTL      time.Duration // empty: DefaultAlertTTL
	Now      func() time.Time
}

func (m *Alertmanager) Name() string { return "alertmanager" }

// Secrets returns the basic-auth password, and one BaseURL may still carry.
func (m *Alertmanager) Secrets() []Secret {
	secrets := []Secret{m.Password}
	if u, err := url.Parse(m.BaseURL); err == nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, NewSecret(p))
		}
	}
	return secrets
}

// Accepts drops deploy markers: an Alertmanager alert has no such concept. It
// takes LabelsOnly resolves: it is the one sender that identifies an alert by
// its labels.
func (m *Alertmanager) Accepts(n Notification) bool { return n.Alert != nil }

type amAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     string            `json:"startsAt,omitempty"`
	EndsAt       string            `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// annotationLimit keeps annotations readable in notification templates.
const annotationLimit = 4000

func (m *Alertmanager) Send(ctx context.Context, n Notification) error {
	if n.Alert == nil {
		return nil
	}
	var header http.Header
	if !m.Password.IsZero() {
		creds := base64.StdEncoding.EncodeToString([]byte(m.Username + ":" + m.Password.Reveal()))
		header = http.Header{"Authorization": {"Basic " + creds}}
	}
	_, _, err := apiRequest{
		sender: m.Name(),
		client: m.Client,
		method: http.MethodPost,
		url:    joinURL(m.BaseURL, "/api/v2/alerts"),
		header: header,
		body:   m.alerts(*n.Alert),
	}.do(ctx)
	return err
}

func (m *Alertmanager) alerts(a Alert) []amAlert {
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	ttl := m.TTL
	if ttl <= 0 {
		ttl = DefaultAlertTTL
	}
	starts := a.Since
	if starts.IsZero() || starts.After(now) {
		starts = now
	}
	// A resolve ends a second ago, so it is already in the past when
	// Alertmanager compares it with its own clock.
	ended := now.Add(-time.Second)
	if starts.After(ended) {
		starts = ended
	}
	resolved := func(sev Severity) amAlert {
		return amAlert{Labels: amLabels(a, sev), StartsAt: rfc3339(starts), EndsAt: rfc3339(ended)}
	}

	var out []amAlert
	switch {
	case a.Action == ActionResolve && a.Severity.Valid():
		out = append(out, resolved(a.Severity))
	case a.Action == ActionResolve:
		for _, sev := range Severities() {
			out = append(out, resolved(sev))
		}
	default:
		out = append(out, amAlert{
			Labels:       amLabels(a, a.Severity),
			Annotations:  amAnnotations(a),
			StartsAt:     rfc3339(starts),
			EndsAt:       rfc3339(now.Add(ttl)),
			GeneratorURL: firstNonEmpty(a.ReportURL, a.TargetURL),
		})
		if a.PreviousSeverity.Valid() && a.PreviousSeverity != a.Severity {
			out = append(out, resolved(a.PreviousSeverity))
		}
	}
	return out
}

// amLabels never returns an empty value: Alertmanager rejects the whole
// post with 400 when one label is empty.
func amLabels(a Alert, sev Severity) map[string]string {
	labels := map[string]string{
		"alertname": AlertnameSmokeCheck,
		"source":    alertmanagerSource,
		"severity":  sev.String(),
	}
	if a.Env != "" {
		labels["env"] = a.Env
	}
	name := "feature"
	if a.PerCheck {
		name = "check"
	} else if a.Location != "" {
		labels["location"] = a.Location
	}
	if a.Check != "" {
		labels[name] = a.Check
	}
	return labels
}

func amAnnotations(a Alert) map[string]string {
	ann := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			ann[k] = truncate(v, annotationLimit)
		}
	}
	set("summary", a.Headline())
	set("description", describe(a))
	set("feature", a.FeatureName)
	set("failing_checks", failingList(a, annotationLimit))
	if n := len(a.Checks); n > 0 {
		set("checks_failing", fmt.Sprintf("%d of %d", n, max(a.ChecksRun, n)))
	}
	set("step", a.Step)
	set("cause", a.Cause)
	set("version", a.Version)
	set("location", a.Location)
	set("report_url", a.ReportURL)
	set("screenshot_url", a.ScreenshotURL)
	set("target_url", a.TargetURL)
	set("dedup_key", a.DedupKey)
	// Details carry what has no field of its own (report and screenshot paths when no report URL is
	// published, say); a field of the same name wins.
	for k, v := range a.Details {
		if _, taken := ann[k]; !taken {
			set(k, v)
		}
	}
	return ann
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
