// Package incidenttest provides stand-ins for the incident systems the
// incident package talks to, for tests of that package and of the smoke
// runner.
//
// The fakes (NewPagerDuty, NewOpsgenie, NewStatuspage, NewSlack,
// NewWebhook) are httptest servers that check every request against the
// documented API: method, path, required headers, Content-Type, required
// fields, allowed values and length limits. A request that breaks the
// schema is answered with 400, as the real API would, and fails the test
// (unless AllowInvalid was called). Each fake records what it received and
// keeps the state a real system would (open alerts, incidents), so a test
// can assert on outcomes rather than on bytes. Answers can be scripted per
// call with Script: success, 400 with the API's error body, 429 with
// Retry-After, 500, or a hang that only ends when the client gives up.
//
// StartAlertmanager runs the real Prometheus Alertmanager binary on
// loopback, with a webhook receiver that records its notifications;
// RunAlertmanager does the same for a program (cmd/smoke-demo shows the
// smoke runner against it).
//
// Nothing here reaches the internet, and nothing here is meant for
// production code.
package incidenttest
