// Package runner is the post-deploy smoke runner behind cmd/smoke: given a [Config], [Run] checks that a
// browser is there and the target answers, that the expected version went live, runs the specs labelled
// "smoke" in a spec process of the same binary ([RunSpecProcess]; it first loads an https target once in the
// browser, which trusts certificates differently from Go), turns their outcome into check results grouped by
// feature, hands those to the incident systems (reports/incident's incident.Run: one alert per feature,
// triggers, resolves, the outbox) and writes smoke.json, and returns the exit code a pipeline acts on. With
// --deploy-failed it only reports a failed deployment, without a browser.
//
// The spec process exists because the incident systems' secrets must stay out of the specs, the browser and
// everything they write, and a crashed or hung browser must not take the alerting down with it (see
// process.go).
//
// What it must not do: read flags or a config file (cmd/smoke does, into a Config; its tags are the grammar),
// copy or reimplement specs (they live in suites/ and are linked by cmd/smoke), print or persist a secret, or
// return 0 when something a person must look at happened.
package runner
