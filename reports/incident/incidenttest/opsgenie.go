package incidenttest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"
)

// OpsgenieAlert is a create-alert request as the fake decoded it.
type OpsgenieAlert struct {
	Message     string            `json:"message"`
	Alias       string            `json:"alias"`
	Description string            `json:"description"`
	Priority    string            `json:"priority"`
	Details     map[string]string `json:"details"`
	Tags        []string          `json:"tags"`
	Source      string            `json:"source"`
	Entity      string            `json:"entity"`
	User        string            `json:"user"`
	Note        string            `json:"note"`
}

// OpsgenieClose is a close-alert request.
type OpsgenieClose struct {
	Identifier     string `json:"-"` // from the path, unescaped
	IdentifierType string `json:"-"` // from the query; "id" when absent
	Source         string `json:"source"`
	Note           string `json:"note"`
	User           string `json:"user"`
}

// Opsgenie fakes the alert API: POST /v2/alerts and
// POST /v2/alerts/{identifier}/close. It checks the "GenieKey" header and
// keeps open alerts by alias, deduplicating creates as Opsgenie does.
type Opsgenie struct {
	*fake

	creates []OpsgenieAlert
	closes  []OpsgenieClose
	open    map[string]OpsgenieAlert
	ids     atomic.Int64
}

// NewOpsgenie starts the fake; it stops when the test ends.
func NewOpsgenie(t testing.TB) *Opsgenie {
	t.Helper()
	o := &Opsgenie{open: map[string]OpsgenieAlert{}}
	o.fake = newFake(t, "opsgenie", func(status int, msg string) (string, []byte) {
		return "application/json", jsonBody(map[string]any{"message": msg, "took": 0.001, "requestId": "req-error"})
	})
	o.start(o.route)
	return o
}

var ogPriorities = []string{"P1", "P2", "P3", "P4", "P5"}

func (o *Opsgenie) route(req *Request) ([]string, handler) {
	problems := checkCommon(req, http.MethodPost)
	auth := req.Header.Get("Authorization")
	if key, ok := strings.CutPrefix(auth, "GenieKey "); !ok || strings.TrimSpace(key) == "" {
		problems = append(problems, `Authorization must be "GenieKey <api key>"`)
	}
	segs := pathSegments(req.Path)
	switch {
	case req.Path == "/v2/alerts":
		a, problems := decodeBody(req, problems, validateOpsgenieAlert)
		return problems, func(*Request) (int, string, []byte) {
			o.mu.Lock()
			o.creates = append(o.creates, a)
			o.open[a.Alias] = a
			o.mu.Unlock()
			return o.accepted()
		}
	case len(segs) == 4 && segs[0] == "v2" && segs[1] == "alerts" && segs[3] == "close":
		c := OpsgenieClose{Identifier: segs[2], IdentifierType: req.Query.Get("identifierType")}
		if c.IdentifierType == "" {
			c.IdentifierType = "id"
		}
		if !oneOf(c.IdentifierType, "id", "tiny", "alias") {
			problems = append(problems, fmt.Sprintf("identifierType %q is not id, tiny or alias", c.IdentifierType))
		}
		if len(problems) == 0 {
			problems = append(problems, strictDecode(req.Body, &c)...)
		}
		if utf8.RuneCountInString(c.Note) > 25000 {
			problems = append(problems, "note is longer than 25000 characters")
		}
		return problems, func(*Request) (int, string, []byte) {
			o.mu.Lock()
			o.closes = append(o.closes, c)
			if c.IdentifierType == "alias" {
				delete(o.open, c.Identifier)
			}
			o.mu.Unlock()
			return o.accepted()
		}
	}
	return append(problems, "no such endpoint "+req.Path), nil
}

func (o *Opsgenie) accepted() (int, string, []byte) {
	return http.StatusAccepted, "application/json", jsonBody(map[string]any{
		"result": "Request will be processed", "took": 0.01, "requestId": fmt.Sprintf("req-%d", o.ids.Add(1)),
	})
}

func validateOpsgenieAlert(a OpsgenieAlert) []string {
	var problems []string
	limit := func(field, v string, max int) {
		if n := utf8.RuneCountInString(v); n > max {
			problems = append(problems, fmt.Sprintf("%s has %d characters, the limit is %d", field, n, max))
		}
	}
	if strings.TrimSpace(a.Message) == "" {
		problems = append(problems, "message is required")
	}
	limit("message", a.Message, 130)
	limit("alias", a.Alias, 512)
	limit("description", a.Description, 15000)
	limit("entity", a.Entity, 512)
	limit("source", a.Source, 100)
	if a.Priority != "" && !slices.Contains(ogPriorities, a.Priority) {
		problems = append(problems, fmt.Sprintf("priority %q is not one of P1..P5", a.Priority))
	}
	if len(a.Tags) > 20 {
		problems = append(problems, "more than 20 tags")
	}
	for _, tag := range a.Tags {
		limit("tag", tag, 50)
	}
	for k, v := range a.Details {
		limit("details key", k, 8000)
		limit("details["+k+"]", v, 8000)
	}
	return problems
}

// Alerts returns the accepted create requests, in order.
func (o *Opsgenie) Alerts() []OpsgenieAlert { return kept(o.fake, &o.creates) }

// Closes returns the accepted close requests, in order.
func (o *Opsgenie) Closes() []OpsgenieClose { return kept(o.fake, &o.closes) }

// Open returns the aliases of open alerts, sorted.
func (o *Opsgenie) Open() []string { return openKeys(o.fake, o.open) }
