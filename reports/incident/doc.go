// Package incident delivers the smoke runner's verdicts to incident systems:
// PagerDuty Events v2, Opsgenie, Atlassian Statuspage, Prometheus
// Alertmanager, Slack incoming webhooks and a generic signed webhook.
//
// It exists so that a broken check after a deploy is never silent: a failing
// check triggers an alert under a stable dedup key (see [DedupKey]), a check
// labelled critical is ranked severity 1 everywhere, a recovered check
// resolves its alert, and a notification that cannot be delivered now is kept
// in an on-disk [Outbox] and sent first by the next run.
//
// The pieces, in the order the runner uses them:
//
//   - [SendersFromEnv] builds the enabled [Sender]s from environment variables
//     (listed by [EnvVars]); secrets are held in [Secret] and scrubbed from
//     output by a [Redactor].
//   - [LoadState] and [State.Update] turn this run's [CheckResult]s into the
//     triggers and resolves to send, remembering which alerts are open.
//   - [Deliverer.Deliver] writes every notification to the outbox, then sends
//     it with one retry policy, and returns a [Report] saying per sender what
//     was delivered, what is still pending and what was rejected.
//
// What this package must not do: drive a browser, import Ginkgo or the
// harness, or depend on anything beyond the standard library. It knows
// nothing about how a check ran, only its outcome. It must never print, log
// or persist a secret: keys, tokens and webhook URLs stay in memory, come from
// the environment at send time, and are never written to the outbox or state.
package incident
