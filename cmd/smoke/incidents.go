package main

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

// internalCheck tells the runner's own verdicts from the product's checks.
func internalCheck(check string) bool {
	return check == checkRunner || check == checkDelivery || check == checkDeployLive
}

// privateStatuspage keeps the runner's own verdicts (a run that could not run, undelivered alerts, a deploy
// that did not go live) off the public status page: customers are not affected by them. An operator who wants
// one there maps it to a component in STATUSPAGE_COMPONENTS, e.g. deploy-live=<component id>.
type privateStatuspage struct{ *incident.Statuspage }

func (s privateStatuspage) Accepts(n incident.Notification) bool {
	if n.Alert != nil && internalCheck(n.Alert.Check) && s.Components[n.Alert.Check] == "" {
		return false
	}
	return s.Statuspage.Accepts(n)
}

// shortName cuts name to limit characters, keeping it unique with a hash of the whole.
func shortName(name string, limit int) string {
	if len(name) <= limit {
		return name
	}
	sum := sha1.Sum([]byte(name))
	return strings.TrimRight(name[:limit-9], "-.") + "-" + hex.EncodeToString(sum[:4])
}

func wrapSenders(senders []incident.Sender) []incident.Sender {
	out := make([]incident.Sender, 0, len(senders))
	for _, s := range senders {
		switch s := s.(type) {
		case *incident.Statuspage:
			out = append(out, privateStatuspage{s})
		default:
			out = append(out, s)
		}
	}
	return out
}

// incidents is the runner's link to the incident systems: the senders, the outbox they are fed through and
// the state that says which alerts are open.
type incidents struct {
	senders []incident.Sender
	outbox  *incident.Outbox // nil when it could not be opened: delivery then has no safety net
	state   *incident.State
	red     *incident.Redactor
	con     *console
	timeout time.Duration
	unlock  func()

	flushed chan *incident.Report // the start-of-run flush, once it is done
}

// openIncidents locks the state directory and opens the outbox and state. Problems are returned for the run's
// report; whatever could be opened is still used.
func openIncidents(stateDir string, senders []incident.Sender, red *incident.Redactor, con *console, timeout time.Duration) (*incidents, []string) {
	in := &incidents{senders: wrapSenders(senders), red: red, con: con, timeout: timeout, unlock: func() {}}
	var problems []string
	unlock, err := lockStateDir(stateDir, 15*time.Minute, func() {
		con.say("waiting for another smoke run to release %s", stateDir)
	})
	if err != nil {
		problems = append(problems, err.Error())
	} else {
		in.unlock = unlock
	}
	in.outbox, err = incident.OpenOutbox(filepath.Join(stateDir, "outbox"))
	if err != nil {
		problems = append(problems, err.Error()+"; alerts are sent without an outbox, so what fails now is lost")
	}
	in.state, err = incident.LoadState(stateDir)
	var corrupt *incident.CorruptEntryError
	switch {
	case errors.As(err, &corrupt):
		// The file was moved aside; precautionary resolves make up for what it knew.
		con.problem("%v; starting from an empty state", err)
	case err != nil:
		problems = append(problems, err.Error())
		in.state = &incident.State{Open: map[string]incident.OpenAlert{}}
	}
	return in, problems
}

func (in *incidents) deliverer(senders []incident.Sender, outbox *incident.Outbox) *incident.Deliverer {
	d := incident.NewDeliverer(senders, outbox)
	d.Policy = incident.DefaultRetryPolicy()
	d.Policy.Deadline = in.timeout
	d.Redactor = in.red
	// Retries and failures are worth seeing while they happen; deliveries are summed up at the end.
	d.Logger = slog.New(slog.NewTextHandler(in.con.lineWriter(in.con.out), &slog.HandlerOptions{
		Level: slog.LevelWarn,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
	return d
}

// startFlush sends what earlier runs left in the outbox while the checks run, so an alert a down API held
// back goes out as early as possible and does not wait for this run's browser.
func (in *incidents) startFlush(ctx context.Context) {
	in.flushed = make(chan *incident.Report, 1)
	if in.outbox == nil {
		in.flushed <- nil
		return
	}
	entries, _, _ := in.outbox.List()
	if len(entries) == 0 {
		in.flushed <- nil
		return
	}
	in.con.say("sending %d notification(s) earlier runs left in the outbox", len(entries))
	go func() {
		rep, err := in.deliverer(in.senders, in.outbox).Flush(ctx)
		if err != nil {
			in.con.problem("sending the outbox: %v", err)
		}
		in.flushed <- rep
	}()
}

// delivery is what became of this run's notifications.
type delivery struct {
	Notifications []string         // what this run sent, e.g. "trigger smoke/prod/x (critical)"
	Flush         *incident.Report // what the start-of-run flush of earlier runs' outbox did
	Report        *incident.Report
	Meta          *incident.Report // the smoke-delivery alert's own delivery
	Problems      []string         // the delivery could not even be attempted, or the state not saved
}

// failed reports whether anything was kept back, rejected or lost on the way. What the start-of-run flush
// left pending does not count on its own: Deliver tried it again, and its report says what is still pending.
func (d *delivery) failed() bool {
	if len(d.Problems) > 0 || (d.Report != nil && !d.Report.OK()) {
		return true
	}
	return d.Flush != nil && (d.Flush.Rejected() > 0 || len(d.Flush.Corrupt) > 0 || len(d.Flush.Storage) > 0)
}

// deliver turns this run's check results into triggers and resolves, sends them with the deploy marker, saves
// the state and reports undelivered alerts through the senders that work.
func (in *incidents) deliver(ctx context.Context, env string, change incident.Change, results []incident.CheckResult, summaries map[string]string) *delivery {
	out := &delivery{}
	if in.flushed != nil {
		out.Flush = <-in.flushed
	}
	now := time.Now()
	alerts := in.state.Update(results, now)
	notes := []incident.Notification{change.Notification()}
	for _, a := range alerts {
		if s := summaries[a.Check]; s != "" && a.Action == incident.ActionTrigger {
			a.Summary = s
		}
		notes = append(notes, a.Notification())
	}
	for _, n := range notes {
		out.Notifications = append(out.Notifications, n.String())
	}
	rep, err := in.deliverer(in.senders, in.outbox).Deliver(ctx, notes...)
	if err != nil {
		out.Problems = append(out.Problems, in.red.Scrub(err.Error()))
		return out
	}
	out.Report = rep
	// The notifications are in the outbox now: saving the state after them cannot lose a trigger or resolve.
	if err := in.state.Save(); err != nil {
		out.Problems = append(out.Problems, in.red.Scrub(err.Error()))
	}
	out.Meta = in.reportDelivery(ctx, env, rep, change, now)
	return out
}

// reportDelivery makes exit code 3 visible in the incident systems too: when some senders failed, the ones
// that work get a smoke-delivery alert naming what was kept back or rejected; once every sender works again,
// that alert is resolved. It goes without the outbox: it is about the outbox's own contents, which the next
// run sends anyway.
func (in *incidents) reportDelivery(ctx context.Context, env string, rep *incident.Report, change incident.Change, now time.Time) *incident.Report {
	var failing, problems []string
	for _, s := range rep.Senders {
		if len(s.Pending) == 0 && len(s.Rejected) == 0 {
			continue
		}
		failing = append(failing, s.Sender)
		for _, d := range s.Pending {
			problems = append(problems, fmt.Sprintf("%s kept in the outbox: %v", d.Notification, d.Err))
		}
		for _, d := range s.Rejected {
			problems = append(problems, fmt.Sprintf("%s rejected: %v", d.Notification, d.Err))
		}
	}
	var healthy []incident.Sender
	for _, s := range in.senders {
		if !slices.Contains(failing, s.Name()) {
			healthy = append(healthy, s)
		}
	}
	_, open := in.state.Open[incident.DedupKey(env, checkDelivery)]
	var alerts []incident.Alert
	var senders []incident.Sender
	switch {
	case env == "":
		return nil
	case len(failing) > 0 && len(healthy) > 0:
		alerts = in.state.Update([]incident.CheckResult{{
			Env: env, Check: checkDelivery, Outcome: incident.Failed,
			Step:    "delivering alerts to " + strings.Join(failing, ", "),
			Cause:   strings.Join(problems, "\n"),
			Version: change.Version, TargetURL: change.TargetURL, ReportURL: change.ReportURL,
		}}, now)
		for i := range alerts {
			alerts[i].Summary = fmt.Sprintf("Smoke alerts for %s could not be delivered to %s: %s", env, strings.Join(failing, ", "), firstLine(problems[0]))
		}
		senders = healthy
	case len(failing) == 0 && open:
		alerts = in.state.Update([]incident.CheckResult{{Env: env, Check: checkDelivery, Outcome: incident.Passed}}, now)
		senders = in.senders
	default:
		return nil
	}
	var notes []incident.Notification
	for _, a := range alerts {
		notes = append(notes, a.Notification())
	}
	meta, err := in.deliverer(senders, nil).Deliver(ctx, notes...)
	if err != nil {
		in.con.problem("reporting the delivery problem: %v", err)
		return nil
	}
	if err := in.state.Save(); err != nil {
		in.con.problem("%v", err)
	}
	return meta
}

func (in *incidents) close() { in.unlock() }
