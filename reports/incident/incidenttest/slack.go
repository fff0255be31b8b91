package incidenttest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"unicode/utf8"
)

// SlackMessage is an incoming-webhook message as the fake decoded it.
type SlackMessage struct {
	Text   string       `json:"text"`
	Blocks []SlackBlock `json:"blocks"`
}

type SlackBlock struct {
	Type     string       `json:"type"`
	BlockID  string       `json:"block_id,omitempty"`
	Text     *SlackText   `json:"text,omitempty"`
	Fields   []*SlackText `json:"fields,omitempty"`
	Elements []*SlackText `json:"elements,omitempty"`
}

type SlackText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji *bool  `json:"emoji,omitempty"`
}

// slackWebhookPath looks like a real webhook path, which is the secret part
// of the URL; posts to any other path get "no_service".
const slackWebhookPath = "/services/T0000TEST/B0000TEST/xoxTESTsecretPART1234"

// Slack fakes an incoming webhook: POST <WebhookURL> with a JSON message,
// answered 200 "ok".
type Slack struct {
	*fake
	messages []SlackMessage
}

// NewSlack starts the fake; it stops when the test ends.
func NewSlack(t testing.TB) *Slack {
	t.Helper()
	s := &Slack{}
	s.fake = newFake(t, "slack", func(status int, msg string) (string, []byte) {
		return "text/plain", []byte(msg)
	})
	s.start(s.route)
	return s
}

// WebhookURL is the URL to configure; its path plays the part of the
// secret token a real webhook URL carries.
func (s *Slack) WebhookURL() string { return s.URL() + slackWebhookPath }

var slackBlockTypes = []string{"section", "context", "header", "divider", "image", "actions"}

func (s *Slack) route(req *Request) ([]string, handler) {
	if req.Path != slackWebhookPath {
		return nil, func(*Request) (int, string, []byte) { return http.StatusNotFound, "text/plain", []byte("no_service") }
	}
	m, problems := decodeBody(req, checkCommon(req, http.MethodPost), validateSlack)
	return problems, func(*Request) (int, string, []byte) {
		keep(s.fake, &s.messages, m)
		return http.StatusOK, "text/html", []byte("ok")
	}
}

func validateSlack(m SlackMessage) []string {
	var problems []string
	text := func(where string, t *SlackText, max int) {
		switch {
		case t == nil:
			problems = append(problems, where+" is missing")
		case t.Type != "mrkdwn" && t.Type != "plain_text":
			problems = append(problems, fmt.Sprintf("%s.type %q is not mrkdwn or plain_text", where, t.Type))
		case t.Text == "":
			problems = append(problems, where+".text is empty")
		case utf8.RuneCountInString(t.Text) > max:
			problems = append(problems, fmt.Sprintf("%s.text has %d characters, the limit is %d", where, utf8.RuneCountInString(t.Text), max))
		}
	}
	if m.Text == "" && len(m.Blocks) == 0 {
		problems = append(problems, "text or blocks is required (invalid_payload)")
	}
	if n := utf8.RuneCountInString(m.Text); n > 40000 {
		problems = append(problems, fmt.Sprintf("text has %d characters, the limit is 40000", n))
	}
	if len(m.Blocks) > 50 {
		problems = append(problems, "more than 50 blocks")
	}
	for i, b := range m.Blocks {
		where := fmt.Sprintf("blocks[%d]", i)
		if !slices.Contains(slackBlockTypes, b.Type) {
			problems = append(problems, fmt.Sprintf("%s.type %q is not a known block type", where, b.Type))
			continue
		}
		switch b.Type {
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				problems = append(problems, where+" needs text or fields")
			}
			if b.Text != nil {
				text(where+".text", b.Text, 3000)
			}
			if len(b.Fields) > 10 {
				problems = append(problems, where+" has more than 10 fields")
			}
			for j, f := range b.Fields {
				text(fmt.Sprintf("%s.fields[%d]", where, j), f, 2000)
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 {
				problems = append(problems, where+" needs 1 to 10 elements")
			}
			for j, e := range b.Elements {
				text(fmt.Sprintf("%s.elements[%d]", where, j), e, 3000)
			}
		case "header":
			text(where+".text", b.Text, 150)
			if b.Text != nil && b.Text.Type != "plain_text" {
				problems = append(problems, where+".text must be plain_text")
			}
		}
	}
	return problems
}

// Messages returns the accepted messages, in order.
func (s *Slack) Messages() []SlackMessage { return kept(s.fake, &s.messages) }
