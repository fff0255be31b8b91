package incidenttest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// StatuspageIncident is an incident as the fake stores it.
type StatuspageIncident struct {
	ID     string
	Name   string
	Status string // investigating, identified, monitoring or resolved
	Impact string // none, minor, major or critical
	// Updates are the bodies of the incident's updates, oldest first.
	Updates []string
	// Components maps component id to the status last set through this
	// incident.
	Components map[string]string
}

// statuspageRequest is the body of a create or update request; unknown
// fields are refused so a misspelt one cannot pass unnoticed.
type statuspageRequest struct {
	Incident struct {
		Name                 string            `json:"name"`
		Status               string            `json:"status"`
		ImpactOverride       string            `json:"impact_override"`
		Body                 string            `json:"body"`
		ComponentIDs         []string          `json:"component_ids"`
		Components           map[string]string `json:"components"`
		DeliverNotifications *bool             `json:"deliver_notifications"`
		Metadata             map[string]any    `json:"metadata"`
	} `json:"incident"`
}

// Statuspage fakes the parts of the Statuspage management API the sender
// uses, for one page: GET .../incidents/unresolved, POST .../incidents and
// PATCH .../incidents/{id}, with "Authorization: OAuth <key>". It keeps
// incidents and component statuses, so a test can assert on the page a
// customer would see.
type Statuspage struct {
	*fake
	pageID string

	incidents  []*StatuspageIncident // oldest first
	components map[string]string
	nextID     int
}

// NewStatuspage starts the fake for pageID; it stops when the test ends.
// Requests for another page are answered 404, as the real API does.
func NewStatuspage(t testing.TB, pageID string) *Statuspage {
	t.Helper()
	s := &Statuspage{pageID: pageID, components: map[string]string{}}
	s.fake = newFake(t, "statuspage", func(status int, msg string) (string, []byte) {
		return "application/json", jsonBody(map[string]string{"error": msg})
	})
	s.start(s.route)
	return s
}

var (
	spIncidentStatuses  = []string{"investigating", "identified", "monitoring", "resolved"}
	spImpacts           = []string{"none", "minor", "major", "critical"}
	spComponentStatuses = []string{"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
)

func (s *Statuspage) route(req *Request) ([]string, handler) {
	segs := pathSegments(req.Path)
	if len(segs) < 4 || segs[0] != "v1" || segs[1] != "pages" || segs[3] != "incidents" {
		return []string{"no such endpoint " + req.Path}, nil
	}
	var problems []string
	auth := req.Header.Get("Authorization")
	if key, ok := strings.CutPrefix(auth, "OAuth "); !ok || strings.TrimSpace(key) == "" {
		problems = append(problems, `Authorization must be "OAuth <api key>"`)
	}
	notFound := func(what string) handler {
		return func(*Request) (int, string, []byte) {
			return http.StatusNotFound, "application/json", jsonBody(map[string]string{"error": what + " not found"})
		}
	}
	if segs[2] != s.pageID {
		return problems, notFound("Page")
	}
	switch {
	case len(segs) == 5 && segs[4] == "unresolved":
		problems = append(problems, checkCommon(req, http.MethodGet)...)
		return problems, func(*Request) (int, string, []byte) {
			return http.StatusOK, "application/json", jsonBody(s.unresolvedJSON())
		}
	case len(segs) == 4:
		body, problems := decodeBody(req, append(problems, checkCommon(req, http.MethodPost)...), validateStatuspageCreate)
		return problems, func(*Request) (int, string, []byte) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.nextID++
			inc := &StatuspageIncident{
				ID:         fmt.Sprintf("inc%03d", s.nextID),
				Name:       body.Incident.Name,
				Status:     body.Incident.Status,
				Impact:     body.Incident.ImpactOverride,
				Components: map[string]string{},
			}
			if inc.Status == "" {
				inc.Status = "investigating"
			}
			if inc.Impact == "" {
				inc.Impact = "none"
			}
			s.apply(inc, body)
			s.incidents = append(s.incidents, inc)
			return http.StatusCreated, "application/json", jsonBody(s.incidentJSON(inc))
		}
	case len(segs) == 5:
		body, problems := decodeBody(req, append(problems, checkCommon(req, http.MethodPatch)...), validateStatuspageUpdate)
		id := segs[4]
		s.mu.Lock()
		inc := s.find(id)
		s.mu.Unlock()
		if inc == nil {
			return problems, notFound("Incident")
		}
		return problems, func(*Request) (int, string, []byte) {
			s.mu.Lock()
			defer s.mu.Unlock()
			if body.Incident.Name != "" {
				inc.Name = body.Incident.Name
			}
			if body.Incident.Status != "" {
				inc.Status = body.Incident.Status
			}
			if body.Incident.ImpactOverride != "" {
				inc.Impact = body.Incident.ImpactOverride
			}
			s.apply(inc, body)
			return http.StatusOK, "application/json", jsonBody(s.incidentJSON(inc))
		}
	}
	return append(problems, "no such endpoint "+req.Path), nil
}

// apply records the update body and component statuses; s.mu is held.
func (s *Statuspage) apply(inc *StatuspageIncident, body statuspageRequest) {
	if body.Incident.Body != "" || body.Incident.Status != "" {
		inc.Updates = append(inc.Updates, body.Incident.Body)
	}
	for _, id := range body.Incident.ComponentIDs {
		if _, ok := inc.Components[id]; !ok {
			inc.Components[id] = ""
		}
	}
	for id, st := range body.Incident.Components {
		inc.Components[id] = st
		s.components[id] = st
	}
}

func validateStatuspageCreate(body statuspageRequest) []string {
	return validateStatuspage(body, true)
}

func validateStatuspageUpdate(body statuspageRequest) []string {
	return validateStatuspage(body, false)
}

func validateStatuspage(body statuspageRequest, create bool) []string {
	var problems []string
	in := body.Incident
	if create && strings.TrimSpace(in.Name) == "" {
		problems = append(problems, "incident.name is required")
	}
	if in.Status != "" && !slices.Contains(spIncidentStatuses, in.Status) {
		problems = append(problems, fmt.Sprintf("incident.status %q is not one of %s", in.Status, strings.Join(spIncidentStatuses, ", ")))
	}
	if in.ImpactOverride != "" && !slices.Contains(spImpacts, in.ImpactOverride) {
		problems = append(problems, fmt.Sprintf("incident.impact_override %q is not one of %s", in.ImpactOverride, strings.Join(spImpacts, ", ")))
	}
	for id, st := range in.Components {
		if !slices.Contains(spComponentStatuses, st) {
			problems = append(problems, fmt.Sprintf("incident.components[%s] %q is not one of %s", id, st, strings.Join(spComponentStatuses, ", ")))
		}
	}
	for _, id := range in.ComponentIDs {
		if strings.TrimSpace(id) == "" {
			problems = append(problems, "incident.component_ids holds an empty id")
		}
	}
	return problems
}

func (s *Statuspage) find(id string) *StatuspageIncident {
	for _, inc := range s.incidents {
		if inc.ID == id {
			return inc
		}
	}
	return nil
}

// unresolvedJSON lists unresolved incidents newest first, as the API does.
func (s *Statuspage) unresolvedJSON() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for i := len(s.incidents) - 1; i >= 0; i-- {
		if s.incidents[i].Status != "resolved" {
			out = append(out, s.incidentJSON(s.incidents[i]))
		}
	}
	return out
}

// incidentJSON renders an incident in the API's shape; s.mu is held.
func (s *Statuspage) incidentJSON(inc *StatuspageIncident) map[string]any {
	updates := []map[string]any{}
	for i := len(inc.Updates) - 1; i >= 0; i-- { // newest first
		updates = append(updates, map[string]any{"body": inc.Updates[i], "created_at": time.Now().UTC().Format(time.RFC3339)})
	}
	components := []map[string]any{}
	for _, id := range slices.Sorted(maps.Keys(inc.Components)) {
		components = append(components, map[string]any{"id": id, "status": s.components[id]})
	}
	return map[string]any{
		"id": inc.ID, "name": inc.Name, "status": inc.Status, "impact": inc.Impact,
		"page_id": s.pageID, "incident_updates": updates, "components": components,
	}
}

// AddIncident stores an incident as if created earlier (by a previous run
// or a person) and returns its id.
func (s *Statuspage) AddIncident(inc StatuspageIncident) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	c := inc
	c.ID = fmt.Sprintf("inc%03d", s.nextID)
	c.Updates = slices.Clone(inc.Updates)
	c.Components = map[string]string{}
	for id, st := range inc.Components {
		c.Components[id] = st
		s.components[id] = st
	}
	s.incidents = append(s.incidents, &c)
	return c.ID
}

// Incidents returns copies of all incidents, oldest first.
func (s *Statuspage) Incidents() []StatuspageIncident {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []StatuspageIncident
	for _, inc := range s.incidents {
		c := *inc
		c.Updates = slices.Clone(inc.Updates)
		c.Components = map[string]string{}
		for k, v := range inc.Components {
			c.Components[k] = v
		}
		out = append(out, c)
	}
	return out
}

// Unresolved returns the incidents not resolved, oldest first.
func (s *Statuspage) Unresolved() []StatuspageIncident {
	var out []StatuspageIncident
	for _, inc := range s.Incidents() {
		if inc.Status != "resolved" {
			out = append(out, inc)
		}
	}
	return out
}

// ComponentStatus returns a component's status, "" if never set.
func (s *Statuspage) ComponentStatus(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.components[id]
}
