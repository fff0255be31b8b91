// Package incident delivers the smoke runner's verdicts to incident systems:
// PagerDuty Events v2, Opsgenie, Atlassian Statuspage, Prometheus
// Alertmanager, Slack incoming webhooks and a generic signed webhook.
//
// It exists so that a broken feature after a deploy is never silent, and
// pages once: the checks of a feature share one alert under a stable dedup
// key (see [DedupKey]) that lists every failing check, a failing check
// labelled critical makes it severity 1 everywhere, a recovered feature
// resolves it, and a notification that cannot be delivered now is kept in an
// on-disk [Outbox] and sent first by the next run.
//
// The pieces, in the order the runner uses them:
//
//   - [SendersFromLookup] builds the enabled [Sender]s from environment
//     variables (listed by [EnvVars]; a required one set but empty is an
//     error unless SMOKE_DISABLE turns its system off); secrets are held in
//     [Secret] and scrubbed from output by a [Redactor].
//   - [LoadState] and [State.UpdateRun] turn this run's [CheckResult]s into
//     one trigger or resolve per feature, remembering which alerts are open,
//     and retire the per-check alerts of the format before features.
//   - [Deliverer.Deliver] writes every notification to the outbox, then sends
//     it with one retry policy, and returns a [Report] saying per sender what
//     was delivered, what is still pending and what was rejected.
//   - [OpenRun] puts these together for one smoke run, as the policy the
//     runner follows: it locks the state directory (giving up at once when
//     the run is interrupted), sends what earlier runs left in the outbox,
//     delivers this run's [Batch], saves the state, raises a smoke-delivery
//     alert through the senders that work when others could not take the
//     alerts, and says which alerts no system took and which outbox files
//     could not be read.
//
// [DisplayURL], [OneLine] and [WriteFileAtomic] are how the runner shows a
// URL without its credentials, keeps a problem on one line and writes a file
// a reader never sees half of; it uses these so that there is one of each.
//
// What this package must not do: drive a browser, import Ginkgo or the
// harness, or depend on anything beyond the standard library. It knows
// nothing about how a check ran, only its outcome. It must never print, log
// or persist a secret: keys, tokens and webhook URLs stay in memory, come from
// the environment at send time, and are never written to the outbox or state.
package incident
