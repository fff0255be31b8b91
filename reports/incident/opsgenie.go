package incident

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// DefaultOpsgenieURL is Opsgenie's US API host; EU accounts use
// https://api.eu.opsgenie.com.
const DefaultOpsgenieURL = "https://api.opsgenie.com"

// Opsgenie field limits, in characters.
const (
	opsgenieMessageLimit     = 130
	opsgenieAliasLimit       = 512
	opsgenieDescriptionLimit = 15000
	opsgenieDetailLimit      = 8000
)

// Opsgenie creates and closes Opsgenie alerts, using the dedup key as the
// alias so a repeated trigger is deduplicated and a close needs no local
// state. Its vendor ends support in April 2027, so this sender stays
// deliberately small: no teams, responders or notes beyond the close note.
type Opsgenie struct {
	APIKey  Secret       // an API integration key
	BaseURL string       // empty: DefaultOpsgenieURL
	Client  *http.Client // empty: http.DefaultClient
}

func (o *Opsgenie) Name() string      { return "opsgenie" }
func (o *Opsgenie) Secrets() []Secret { return []Secret{o.APIKey} }

// Accepts drops deploy markers (Opsgenie alerts have no such concept) and
// LabelsOnly resolves (an alias outlives a change of labels).
func (o *Opsgenie) Accepts(n Notification) bool { return n.Alert != nil && !n.Alert.LabelsOnly }

// opsgeniePriority puts a critical check at P1. Error is P3 rather than P2
// so that only checks someone labelled critical page at the top priority.
func opsgeniePriority(s Severity) string {
	switch s {
	case SeverityCritical:
		return "P1"
	case SeverityError:
		return "P3"
	case SeverityWarning:
		return "P4"
	}
	return "P5"
}

type ogCreate struct {
	Message     string            `json:"message"`
	Alias       string            `json:"alias"`
	Description string            `json:"description,omitempty"`
	Priority    string            `json:"priority"`
	Details     map[string]string `json:"details,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Source      string            `json:"source"`
	Entity      string            `json:"entity,omitempty"`
}

type ogClose struct {
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

const opsgenieSource = "e2e smoke runner"

func (o *Opsgenie) Send(ctx context.Context, n Notification) error {
	if n.Alert == nil {
		return nil
	}
	a := *n.Alert
	alias := truncate(a.DedupKey, opsgenieAliasLimit)
	base := cmp.Or(o.BaseURL, DefaultOpsgenieURL)
	req := apiRequest{
		sender: o.Name(),
		client: o.Client,
		method: http.MethodPost,
		header: http.Header{"Authorization": {"GenieKey " + o.APIKey.Reveal()}},
	}
	if a.Action == ActionResolve {
		// The alias contains "/", so it is escaped as one path segment.
		req.url = joinURL(base, "/v2/alerts/"+url.PathEscape(alias)+"/close?identifierType=alias")
		req.body = ogClose{Source: opsgenieSource, Note: a.Headline()}
		_, _, err := req.do(ctx)
		var de *DeliveryError
		if errors.As(err, &de) && de.Status == http.StatusNotFound {
			// Nothing open under this alias: the resolve has nothing to do.
			return nil
		}
		return err
	}
	details := map[string]string{}
	for k, v := range alertDetails(a) {
		text, ok := v.(string)
		if !ok {
			// Opsgenie's details are strings; a list goes as the text a person reads.
			text = failingList(a, opsgenieDetailLimit)
		}
		details[k] = truncate(text, opsgenieDetailLimit)
	}
	req.url = joinURL(base, "/v2/alerts")
	req.body = ogCreate{
		Message:     truncate(a.Headline(), opsgenieMessageLimit),
		Alias:       alias,
		Description: truncate(describe(a), opsgenieDescriptionLimit),
		Priority:    opsgeniePriority(a.Severity),
		Details:     details,
		Tags:        opsgenieTags(a),
		Source:      opsgenieSource,
		Entity:      a.Check,
	}
	_, _, err := req.do(ctx)
	return err
}

func opsgenieTags(a Alert) []string {
	tags := []string{"smoke", opsgenieTag("env:", a.Env), opsgenieTag("feature:", a.Check), "severity:" + a.Severity.String()}
	if a.Location != "" {
		tags = append(tags, opsgenieTag("location:", a.Location))
	}
	return tags
}

// opsgenieTagLimit is Opsgenie's limit on one tag: a longer one gets the whole alert refused with 400.
const opsgenieTagLimit = 50

// opsgenieTag is prefix+value, cut to Opsgenie's tag limit with a hash of the whole value so that two long
// check names still give two tags. The alias, which deduplicates, and the details keep the full name.
func opsgenieTag(prefix, value string) string {
	tag := prefix + value
	if len(tag) <= opsgenieTagLimit {
		return tag
	}
	sum := sha1.Sum([]byte(value))
	keep := opsgenieTagLimit - len(prefix) - 9
	return prefix + strings.TrimRight(truncateBytes(value, keep), "-.") + "-" + hex.EncodeToString(sum[:4])
}

// truncateBytes cuts s to at most n bytes on a rune boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// describe is the plain-text body shared by Opsgenie and Alertmanager: the
// full headline (Opsgenie cuts the message at 130 characters), then the
// facts a responder needs first, then every failing check with its step and
// cause.
func describe(a Alert) string {
	var b strings.Builder
	b.WriteString(a.Headline() + "\n")
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "\n%s: %s", k, v)
		}
	}
	line("Version", a.Version)
	line("Seen from", a.Location)
	line("Report", a.ReportURL)
	line("Site", a.TargetURL)
	if list := failingList(a, causeLimit); list != "" {
		fmt.Fprintf(&b, "\n\nFailing checks (%d of %d):\n%s", len(a.Checks), max(a.ChecksRun, len(a.Checks)), list)
		return b.String()
	}
	line("Step", a.Step)
	line("Screenshot", a.ScreenshotURL)
	if a.Cause != "" {
		b.WriteString("\n\nCause:\n" + truncate(a.Cause, causeLimit))
	}
	return b.String()
}

// failingList is the alert's failing checks, one numbered entry each with its
// step, cause and screenshot, for text bodies of about limit characters:
// each cause is cut so that every check fits.
func failingList(a Alert, limit int) string {
	var b strings.Builder
	per := max(limit/max(len(a.Checks), 1)-350, 80)
	for i, c := range a.Checks {
		mark := ""
		switch {
		case c.Flaky:
			mark = " (flaky: passed on a retry)"
		case c.Critical:
			mark = " (critical)"
		}
		fmt.Fprintf(&b, "%d. %s%s\n", i+1, OneLine(c.Name()), mark)
		if c.Step != "" {
			fmt.Fprintf(&b, "   step: %s\n", OneLine(c.Step))
		}
		if c.Cause != "" {
			fmt.Fprintf(&b, "   cause: %s\n", truncate(OneLine(c.Cause), per))
		}
		if c.Screenshot != "" {
			fmt.Fprintf(&b, "   screenshot: %s\n", c.Screenshot)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
