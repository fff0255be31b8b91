// Package demo is what cmd/smoke-demo shows: the post-deploy smoke runner doing its job end to end on this
// machine. [Run] builds cmd/smoke (or takes a built binary), serves the fixture editor and its reports on
// loopback, starts a real Prometheus Alertmanager (through reports/incident/incidenttest, the one the tests
// use) and runs the smoke runner three times, as three deploys would:
//
//  1. a healthy deploy: exit 0, no alert;
//  2. a deploy with the incident's bug (the blur-hides-button regression): exit 1, one severity 1 alert in
//     Alertmanager's GET /api/v2/alerts, notified to its receiver;
//  3. the fix: exit 0, the alert resolved.
//
// It prints each step and what it checked. What it must not do: reach the internet, leave a process behind
// (Alertmanager, the fixture server, the smoke runner and its Chromium are stopped at the end, on failure and
// on Ctrl-C too), or look at the runner's internals: it judges the runner by its exit codes and by what
// reaches Alertmanager, as a pipeline and an on-call engineer would.
package demo
