package incidenttest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// PagerDutyEvent is an Events API v2 event as the fake decoded it.
type PagerDutyEvent struct {
	RoutingKey  string            `json:"routing_key"`
	EventAction string            `json:"event_action"`
	DedupKey    string            `json:"dedup_key"`
	Payload     *PagerDutyPayload `json:"payload"`
	Client      string            `json:"client"`
	ClientURL   string            `json:"client_url"`
	Links       []PagerDutyLink   `json:"links"`
	Images      []PagerDutyImage  `json:"images"`
}

type PagerDutyPayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     string         `json:"timestamp"`
	Component     string         `json:"component"`
	Group         string         `json:"group"`
	Class         string         `json:"class"`
	CustomDetails map[string]any `json:"custom_details"`
}

type PagerDutyLink struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

type PagerDutyImage struct {
	Src  string `json:"src"`
	Href string `json:"href"`
	Alt  string `json:"alt"`
}

// PagerDutyChange is a change event as the fake decoded it.
type PagerDutyChange struct {
	RoutingKey string `json:"routing_key"`
	Payload    struct {
		Summary       string         `json:"summary"`
		Source        string         `json:"source"`
		Timestamp     string         `json:"timestamp"`
		CustomDetails map[string]any `json:"custom_details"`
	} `json:"payload"`
	Links []PagerDutyLink `json:"links"`
}

// PagerDuty fakes the Events API v2: POST /v2/enqueue and
// POST /v2/change/enqueue. It keeps the set of open alerts by dedup key, as
// PagerDuty would: a trigger opens (or updates) one, a resolve closes it.
type PagerDuty struct {
	*fake

	events  []PagerDutyEvent
	changes []PagerDutyChange
	open    map[string]PagerDutyEvent
}

// NewPagerDuty starts the fake; it stops when the test ends.
func NewPagerDuty(t testing.TB) *PagerDuty {
	t.Helper()
	p := &PagerDuty{open: map[string]PagerDutyEvent{}}
	p.fake = newFake(t, "pagerduty", func(status int, msg string) (string, []byte) {
		return "application/json", jsonBody(map[string]any{"status": pdErrorStatus(status), "message": msg, "errors": []string{msg}})
	})
	p.start(p.route)
	return p
}

func pdErrorStatus(status int) string {
	if status == http.StatusBadRequest {
		return "invalid event"
	}
	return "error"
}

var pdSeverities = []string{"critical", "error", "warning", "info"}

func (p *PagerDuty) route(req *Request) ([]string, handler) {
	switch req.Path {
	case "/v2/enqueue":
		ev, problems := decodeBody(req, checkCommon(req, http.MethodPost), validatePagerDutyEvent)
		return problems, func(*Request) (int, string, []byte) {
			p.mu.Lock()
			p.events = append(p.events, ev)
			switch ev.EventAction {
			case "trigger":
				p.open[ev.DedupKey] = ev
			case "resolve":
				delete(p.open, ev.DedupKey)
			}
			p.mu.Unlock()
			return http.StatusAccepted, "application/json", jsonBody(map[string]string{
				"status": "success", "message": "Event processed", "dedup_key": ev.DedupKey,
			})
		}
	case "/v2/change/enqueue":
		ch, problems := decodeBody(req, checkCommon(req, http.MethodPost), validatePagerDutyChange)
		return problems, func(*Request) (int, string, []byte) {
			keep(p.fake, &p.changes, ch)
			return http.StatusAccepted, "application/json", jsonBody(map[string]string{"status": "success", "message": "Change event processed"})
		}
	}
	return []string{"no such endpoint " + req.Path + " (want /v2/enqueue or /v2/change/enqueue)"}, nil
}

func validatePagerDutyEvent(ev PagerDutyEvent) []string {
	var problems []string
	if ev.RoutingKey == "" {
		problems = append(problems, "routing_key is required")
	}
	if !oneOf(ev.EventAction, "trigger", "acknowledge", "resolve") {
		problems = append(problems, fmt.Sprintf("event_action %q is not trigger, acknowledge or resolve", ev.EventAction))
	}
	if ev.EventAction != "trigger" && ev.DedupKey == "" {
		problems = append(problems, "dedup_key is required to "+ev.EventAction)
	}
	if utf8.RuneCountInString(ev.DedupKey) > 255 {
		problems = append(problems, "dedup_key is longer than 255 characters")
	}
	if ev.EventAction == "trigger" {
		if ev.Payload == nil {
			problems = append(problems, "payload is required to trigger")
		} else {
			pl := ev.Payload
			if pl.Summary == "" {
				problems = append(problems, "payload.summary is required")
			}
			if n := utf8.RuneCountInString(pl.Summary); n > 1024 {
				problems = append(problems, fmt.Sprintf("payload.summary has %d characters, the limit is 1024", n))
			}
			if pl.Source == "" {
				problems = append(problems, "payload.source is required")
			}
			if !slices.Contains(pdSeverities, pl.Severity) {
				problems = append(problems, fmt.Sprintf("payload.severity %q is not one of %s", pl.Severity, strings.Join(pdSeverities, ", ")))
			}
			if pl.Timestamp != "" {
				if _, err := time.Parse(time.RFC3339, pl.Timestamp); err != nil {
					problems = append(problems, fmt.Sprintf("payload.timestamp %q is not ISO 8601", pl.Timestamp))
				}
			}
		}
	}
	for i, l := range ev.Links {
		if !absoluteURL(l.Href) {
			problems = append(problems, fmt.Sprintf("links[%d].href %q is not an absolute URL", i, l.Href))
		}
	}
	for i, im := range ev.Images {
		if u, err := url.Parse(im.Src); err != nil || u.Scheme != "https" || u.Host == "" {
			problems = append(problems, fmt.Sprintf("images[%d].src %q must be an https URL", i, im.Src))
		}
	}
	return problems
}

func validatePagerDutyChange(ch PagerDutyChange) []string {
	var problems []string
	if ch.RoutingKey == "" {
		problems = append(problems, "routing_key is required")
	}
	if ch.Payload.Summary == "" {
		problems = append(problems, "payload.summary is required")
	}
	if n := utf8.RuneCountInString(ch.Payload.Summary); n > 1024 {
		problems = append(problems, fmt.Sprintf("payload.summary has %d characters, the limit is 1024", n))
	}
	if ch.Payload.Timestamp != "" {
		if _, err := time.Parse(time.RFC3339, ch.Payload.Timestamp); err != nil {
			problems = append(problems, fmt.Sprintf("payload.timestamp %q is not ISO 8601", ch.Payload.Timestamp))
		}
	}
	for i, l := range ch.Links {
		if !absoluteURL(l.Href) {
			problems = append(problems, fmt.Sprintf("links[%d].href %q is not an absolute URL", i, l.Href))
		}
	}
	return problems
}

func absoluteURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// Events returns the accepted events, in order.
func (p *PagerDuty) Events() []PagerDutyEvent { return kept(p.fake, &p.events) }

// Changes returns the accepted change events, in order.
func (p *PagerDuty) Changes() []PagerDutyChange { return kept(p.fake, &p.changes) }

// Open returns the dedup keys of the alerts that are open, sorted.
func (p *PagerDuty) Open() []string { return openKeys(p.fake, p.open) }

// OpenAlert returns the latest trigger of an open alert.
func (p *PagerDuty) OpenAlert(dedupKey string) (PagerDutyEvent, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ev, ok := p.open[dedupKey]
	return ev, ok
}
