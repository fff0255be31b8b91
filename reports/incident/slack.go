package incident

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Slack posts a concise message to a Slack incoming webhook: severity,
// check, environment, step, cause, version and links. The webhook URL is
// the credential, so it is a Secret and only its host is ever shown.
//
// Slack has no incidents to update: every trigger, resolve and deploy is a
// new message. So it skips what would only repeat: precautionary resolves
// (sent after the state file was lost, so a first run does not announce a
// recovery for every feature), Repeat triggers (a scheduled run every few
// minutes must not post the same failure each time; a changed set of failing
// checks or severity is posted) and LabelsOnly resolves.
type Slack struct {
	WebhookURL Secret
	Client     *http.Client // empty: http.DefaultClient
}

func (s *Slack) Name() string      { return "slack" }
func (s *Slack) Secrets() []Secret { return []Secret{s.WebhookURL} }

func (s *Slack) Accepts(n Notification) bool {
	return n.Change != nil || (n.Alert != nil && !n.Alert.Precautionary && !n.Alert.Repeat && !n.Alert.LabelsOnly)
}

// Slack's limits: 3000 characters per section text, 2000 per field.
const (
	slackTextLimit  = 3000
	slackFieldLimit = 2000
	slackCauseLimit = 1500
)

type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks,omitempty"`
}

type slackBlock struct {
	Type     string       `json:"type"`
	Text     *slackText   `json:"text,omitempty"`
	Fields   []*slackText `json:"fields,omitempty"`
	Elements []*slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func mrkdwn(s string) *slackText { return &slackText{Type: "mrkdwn", Text: s} }

func (s *Slack) Send(ctx context.Context, n Notification) error {
	if !s.Accepts(n) {
		return nil
	}
	var msg slackMessage
	if n.Alert != nil {
		msg = slackAlert(*n.Alert)
	} else {
		msg = slackChange(*n.Change)
	}
	_, _, err := apiRequest{
		sender: s.Name(),
		client: s.Client,
		method: http.MethodPost,
		url:    s.WebhookURL.Reveal(),
		body:   msg,
	}.do(ctx)
	return err
}

// slackLabel leads the message so the channel can be scanned by severity.
func slackLabel(a Alert) string {
	switch {
	case a.Action == ActionResolve && a.PerCheck:
		return ":arrows_counterclockwise: Replaced"
	case a.Action == ActionResolve:
		return ":white_check_mark: Resolved"
	case a.Flaky:
		return ":warning: Flaky"
	case a.Severity == SeverityCritical:
		return ":rotating_light: SEV1 critical"
	case a.Severity == SeverityError:
		return ":red_circle: Error"
	case a.Severity == SeverityWarning:
		return ":warning: Warning"
	}
	return ":information_source: Info"
}

func slackAlert(a Alert) slackMessage {
	label := slackLabel(a)
	headline := a.Headline()
	blocks := []slackBlock{{
		Type: "section",
		Text: mrkdwn("*" + label + "*  " + slackEscapeTruncate(headline, slackTextLimit-len(label)-4)),
	}}
	var fields []*slackText
	field := func(name, value string) {
		if value != "" {
			fields = append(fields, mrkdwn("*"+name+"*\n"+slackEscapeTruncate(value, slackFieldLimit-len(name)-3)))
		}
	}
	if a.PerCheck {
		field("Check", a.Check)
	} else {
		field("Feature", a.Subject())
	}
	field("Environment", a.Env)
	field("Version", a.Version)
	field("Seen from", a.Location)
	if a.Action == ActionTrigger && len(a.Checks) <= 1 {
		field("Step", OneLine(a.Step))
	}
	if len(fields) > 0 {
		blocks = append(blocks, slackBlock{Type: "section", Fields: fields})
	}
	if a.Action == ActionTrigger && len(a.Checks) > 1 {
		var list []string
		for _, c := range a.Checks {
			entry := "• " + slackEscape(OneLine(c.Name()))
			if c.Step != "" {
				entry += " — at _" + slackEscape(OneLine(c.Step)) + "_"
			}
			if c.Flaky {
				entry += " (flaky)"
			}
			list = append(list, entry)
		}
		text := fmt.Sprintf("*Failing checks (%d of %d)*\n", len(a.Checks), max(a.ChecksRun, len(a.Checks))) + strings.Join(list, "\n")
		if utf8.RuneCountInString(text) > slackTextLimit {
			text = string([]rune(text)[:slackTextLimit-1]) + "…"
		}
		blocks = append(blocks, slackBlock{Type: "section", Text: mrkdwn(text)})
	}
	if a.Action == ActionTrigger && strings.TrimSpace(a.Cause) != "" {
		// Triple backticks inside the cause would end the code block early.
		cause := strings.ReplaceAll(strings.TrimSpace(a.Cause), "```", "'''")
		blocks = append(blocks, slackBlock{Type: "section", Text: mrkdwn("*Cause*\n```" + slackEscapeTruncate(cause, slackCauseLimit) + "```")})
	}
	footer := slackLinks(alertLinks(a))
	footer = append(footer, "`"+slackEscape(a.DedupKey)+"`")
	blocks = append(blocks, slackBlock{Type: "context", Elements: []*slackText{mrkdwn(strings.Join(footer, " · "))}})
	return slackMessage{Text: slackEscapeTruncate(label+": "+headline, slackTextLimit), Blocks: blocks}
}

func slackChange(c Change) slackMessage {
	text := ":rocket: " + c.Headline()
	blocks := []slackBlock{{Type: "section", Text: mrkdwn(slackEscapeTruncate(text, slackTextLimit))}}
	if links := slackLinks(c.AllLinks()); len(links) > 0 {
		blocks = append(blocks, slackBlock{Type: "context", Elements: []*slackText{mrkdwn(strings.Join(links, " · "))}})
	}
	return slackMessage{Text: slackEscapeTruncate(text, slackTextLimit), Blocks: blocks}
}

func slackLinks(links []Link) []string {
	var out []string
	for _, l := range links {
		text := strings.ReplaceAll(firstNonEmpty(l.Text, l.Href), "|", "/")
		out = append(out, fmt.Sprintf("<%s|%s>", slackEscape(l.Href), slackEscape(text)))
	}
	return out
}

// slackEscapeTruncate escapes s and cuts it to at most limit characters
// after escaping, never inside an entity such as "&amp;".
func slackEscapeTruncate(s string, limit int) string {
	if utf8.RuneCountInString(slackEscape(s)) <= limit {
		return slackEscape(s)
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		e := slackEscape(string(r))
		w := utf8.RuneCountInString(e)
		if n+w > limit-1 {
			break
		}
		b.WriteString(e)
		n += w
	}
	return b.String() + "…"
}

// slackEscape escapes the three characters Slack's mrkdwn treats as
// control characters, so a cause quoting HTML cannot form links or mentions.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
