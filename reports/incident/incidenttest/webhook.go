package incidenttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/reports/incident"
)

// webhookPath stands for a token in the URL's path, as receivers often use.
const webhookPath = "/hooks/smoke-TESTtoken987654321"

// Webhook fakes a receiver of the generic smoke-alert/v1 webhook. When
// created with a secret it requires a valid X-Smoke-Signature.
type Webhook struct {
	*fake
	secret   string
	payloads []incident.WebhookPayload
}

// NewWebhook starts the fake; secret "" means requests need no signature.
// It stops when the test ends.
func NewWebhook(t testing.TB, secret string) *Webhook {
	t.Helper()
	w := &Webhook{secret: secret}
	w.fake = newFake(t, "webhook", func(status int, msg string) (string, []byte) {
		return "text/plain", []byte(msg)
	})
	w.start(w.route)
	return w
}

// WebhookURL is the URL to configure.
func (w *Webhook) WebhookURL() string { return w.URL() + webhookPath }

func (w *Webhook) route(req *Request) ([]string, handler) {
	if req.Path != webhookPath {
		return nil, func(*Request) (int, string, []byte) { return http.StatusNotFound, "text/plain", []byte("not found") }
	}
	problems := checkCommon(req, http.MethodPost)
	if w.secret != "" {
		sig := req.Header.Get(incident.WebhookSignatureHeader)
		if !validSignature([]byte(w.secret), req.Body, sig) {
			problems = append(problems, fmt.Sprintf("%s %q is not sha256=<hex HMAC-SHA256 of the body>", incident.WebhookSignatureHeader, sig))
		}
	}
	p, problems := decodeBody(req, problems, validateWebhook)
	return problems, func(*Request) (int, string, []byte) {
		keep(w.fake, &w.payloads, p)
		return http.StatusNoContent, "", nil
	}
}

// validSignature is written here rather than borrowed from the incident
// package, so the fake checks the sender instead of agreeing with it.
func validSignature(secret, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func validateWebhook(p incident.WebhookPayload) []string {
	var problems []string
	if p.Schema != incident.WebhookSchema {
		problems = append(problems, fmt.Sprintf("schema %q, want %q", p.Schema, incident.WebhookSchema))
	}
	if p.SentAt.IsZero() {
		problems = append(problems, "sent_at is required")
	}
	switch p.Kind {
	case "alert":
		a := p.Alert
		if a == nil || p.Change != nil {
			return append(problems, `kind "alert" needs alert and no change`)
		}
		if !oneOf(a.Action, "trigger", "resolve") {
			problems = append(problems, fmt.Sprintf("alert.action %q is not trigger or resolve", a.Action))
		}
		for field, v := range map[string]string{"dedup_key": a.DedupKey, "env": a.Env, "check": a.Check, "summary": a.Summary} {
			if v == "" {
				problems = append(problems, "alert."+field+" is required")
			}
		}
		if a.Action == "trigger" && a.Severity == "" {
			problems = append(problems, "alert.severity is required on a trigger")
		}
		if a.Severity != "" && !slices.Contains(pdSeverities, a.Severity) {
			problems = append(problems, fmt.Sprintf("alert.severity %q is not one of %s", a.Severity, strings.Join(pdSeverities, ", ")))
		}
		if a.Severity != "" && (a.SeverityLevel < 1 || a.SeverityLevel > 4) {
			problems = append(problems, fmt.Sprintf("alert.severity_level %d is not 1..4", a.SeverityLevel))
		}
		if a.Timestamp.IsZero() {
			problems = append(problems, "alert.timestamp is required")
		}
	case "change":
		c := p.Change
		if c == nil || p.Alert != nil {
			return append(problems, `kind "change" needs change and no alert`)
		}
		if c.Env == "" || c.Summary == "" {
			problems = append(problems, "change.env and change.summary are required")
		}
	default:
		problems = append(problems, fmt.Sprintf("kind %q is not alert or change", p.Kind))
	}
	slices.Sort(problems)
	return problems
}

// Payloads returns the accepted payloads, in order.
func (w *Webhook) Payloads() []incident.WebhookPayload { return kept(w.fake, &w.payloads) }
