package incident

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// WebhookSchema names the version of [WebhookPayload]. A change that could
// break a receiver gets a new name (smoke-alert/v2); adding fields does not.
const WebhookSchema = "smoke-alert/v1"

// WebhookSignatureHeader carries "sha256=<hex HMAC-SHA256 of the body>"
// when a secret is configured. Receivers verify it with
// [VerifyWebhookSignature] before trusting the body.
const WebhookSignatureHeader = "X-Smoke-Signature"

// WebhookPayload is the JSON body of every generic webhook request, schema
// smoke-alert/v1. Exactly one of Alert and Change is set, as Kind says.
//
// It is its own type, not the outbox's Alert, so that the published schema
// changes only on purpose.
type WebhookPayload struct {
	Schema string         `json:"schema"` // WebhookSchema
	Kind   string         `json:"kind"`   // "alert" or "change"
	SentAt time.Time      `json:"sent_at"`
	Alert  *WebhookAlert  `json:"alert,omitempty"`
	Change *WebhookChange `json:"change,omitempty"`
}

// WebhookAlert is an alert in smoke-alert/v1.
type WebhookAlert struct {
	Action   string `json:"action"` // "trigger" or "resolve"
	DedupKey string `json:"dedup_key"`
	Env      string `json:"env"`
	// Check is the feature (or, on a per_check resolve, the check) the alert
	// is about; FeatureName is how people call it.
	Check       string `json:"check"`
	FeatureName string `json:"feature_name,omitempty"`
	// Checks are the feature's failing checks, each with its step and cause.
	Checks    []FailingCheck `json:"checks,omitempty"`
	ChecksRun int            `json:"checks_run,omitempty"`
	Location  string         `json:"location,omitempty"`
	// Repeat: the alert is open with the same severity and checks; nothing new.
	Repeat bool `json:"repeat"`
	// PerCheck and ReplacedBy mark the resolve that retires an alert of the
	// one-alert-per-check scheme, and the feature alert that continues it.
	PerCheck   bool   `json:"per_check,omitempty"`
	ReplacedBy string `json:"replaced_by,omitempty"`
	// Severity is critical, error, warning or info; empty on a resolve sent
	// without knowing which severity was open.
	Severity string `json:"severity,omitempty"`
	// SeverityLevel is 1 (critical) to 4 (info), 0 when Severity is empty.
	SeverityLevel int  `json:"severity_level,omitempty"`
	Flaky         bool `json:"flaky"`
	// Precautionary is true on a resolve sent because the runner lost its
	// state and cannot tell whether the alert was open.
	Precautionary bool              `json:"precautionary"`
	Summary       string            `json:"summary"`
	Step          string            `json:"step,omitempty"`
	Cause         string            `json:"cause,omitempty"`
	Version       string            `json:"version,omitempty"`
	TargetURL     string            `json:"target_url,omitempty"`
	ReportURL     string            `json:"report_url,omitempty"`
	ScreenshotURL string            `json:"screenshot_url,omitempty"`
	Details       map[string]string `json:"details,omitempty"`
	Since         time.Time         `json:"since,omitzero"`
	Timestamp     time.Time         `json:"timestamp"`
}

// WebhookChange is a deploy marker in smoke-alert/v1.
type WebhookChange struct {
	Env       string            `json:"env"`
	Version   string            `json:"version,omitempty"`
	Summary   string            `json:"summary"`
	Links     []Link            `json:"links,omitempty"`
	Details   map[string]string `json:"details,omitempty"`
	Timestamp time.Time         `json:"timestamp"`
}

// Webhook posts a [WebhookPayload] to any URL, signed when Secret is set.
// It accepts any 2xx answer.
type Webhook struct {
	URL    Secret       // may embed a token, so it is treated as a credential
	Secret Secret       // HMAC-SHA256 key; empty: requests are not signed
	Client *http.Client // empty: http.DefaultClient
	Now    func() time.Time
}

func (w *Webhook) Name() string      { return "webhook" }
func (w *Webhook) Secrets() []Secret { return []Secret{w.URL, w.Secret} }

// Accepts skips LabelsOnly resolves: a receiver knows alerts by dedup key.
func (w *Webhook) Accepts(n Notification) bool { return n.Alert == nil || !n.Alert.LabelsOnly }

func (w *Webhook) Send(ctx context.Context, n Notification) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	body, err := json.Marshal(NewWebhookPayload(n, now()))
	if err != nil {
		return &DeliveryError{Sender: w.Name(), Message: "encoding the payload: " + err.Error(), Err: err}
	}
	header := http.Header{}
	if !w.Secret.IsZero() {
		header.Set(WebhookSignatureHeader, SignWebhook([]byte(w.Secret.Reveal()), body))
	}
	_, _, err = apiRequest{
		sender:  w.Name(),
		client:  w.Client,
		method:  http.MethodPost,
		url:     w.URL.Reveal(),
		header:  header,
		rawBody: body,
	}.do(ctx)
	return err
}

// NewWebhookPayload converts a notification to the published schema.
func NewWebhookPayload(n Notification, sentAt time.Time) WebhookPayload {
	p := WebhookPayload{Schema: WebhookSchema, SentAt: sentAt.UTC()}
	switch {
	case n.Alert != nil:
		a := n.Alert
		p.Kind = "alert"
		p.Alert = &WebhookAlert{
			Action:        string(a.Action),
			DedupKey:      a.DedupKey,
			Env:           a.Env,
			Check:         a.Check,
			FeatureName:   a.FeatureName,
			Checks:        a.Checks,
			ChecksRun:     a.ChecksRun,
			Location:      a.Location,
			Repeat:        a.Repeat,
			PerCheck:      a.PerCheck,
			ReplacedBy:    a.ReplacedBy,
			Flaky:         a.Flaky,
			Precautionary: a.Precautionary,
			Summary:       a.Headline(),
			Step:          a.Step,
			Cause:         truncate(a.Cause, causeLimit),
			Version:       a.Version,
			TargetURL:     a.TargetURL,
			ReportURL:     a.ReportURL,
			ScreenshotURL: a.ScreenshotURL,
			Details:       a.Details,
			Since:         a.Since.UTC(),
			Timestamp:     orTime(a.Timestamp, sentAt).UTC(),
		}
		if a.Severity.Valid() {
			p.Alert.Severity = a.Severity.String()
			p.Alert.SeverityLevel = int(a.Severity)
		}
	case n.Change != nil:
		c := n.Change
		p.Kind = "change"
		p.Change = &WebhookChange{
			Env:       c.Env,
			Version:   c.Version,
			Summary:   c.Headline(),
			Links:     c.AllLinks(),
			Details:   c.Details,
			Timestamp: orTime(c.Timestamp, sentAt).UTC(),
		}
	}
	return p
}

func orTime(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}

// SignWebhook returns the WebhookSignatureHeader value for body.
func SignWebhook(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifyWebhookSignature reports whether header is body's signature under
// secret, comparing in constant time.
func VerifyWebhookSignature(secret, body []byte, header string) bool {
	got, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(sum, mac.Sum(nil))
}
