package incident

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// CheckDelivery is the check under which a run reports, through the senders that still work, that others
// could not take its alerts (the smoke runner's exit code 3).
const CheckDelivery = "smoke-delivery"

// RunOptions configure a [Run].
type RunOptions struct {
	// Redactor scrubs what the runner knows to be secret besides the senders' own credentials.
	Redactor *Redactor
	// Deadline bounds each delivery, retries included; what is not delivered by then waits in the outbox.
	Deadline time.Duration
	// Private lists checks that are about the run, not the product (besides CheckDelivery): they stay off the
	// public status page unless STATUSPAGE_COMPONENTS maps them to a component.
	Private []string
	// LockWait is how long to wait for another run to release the state directory (0: 15 minutes).
	LockWait time.Duration
	// Say prints a line of progress for the person watching; Problem a line about something that went wrong
	// but does not stop the delivery. Both may be nil.
	Say, Problem func(format string, args ...any)
	// Log receives retries and failures as they happen, as slog text lines, warnings and worse; nil: none.
	Log io.Writer
}

// Run is one smoke run's exchange with the incident systems: it holds the state directory for the run, sends
// what earlier runs left in the outbox, turns this run's check results into triggers and resolves, and makes a
// delivery problem itself visible. It is the policy on top of the [Deliverer]:
//
//   - the state directory (incidents.json and outbox/) is locked for the run, because two runs interleaving
//     their writes could resend or forget an alert;
//   - the outbox of earlier runs is sent while the checks run ([Run.StartFlush]), so an alert a down API held
//     back goes out as early as possible;
//   - the state is saved after this run's notifications are in the outbox, so a crash in between resends
//     rather than forgets;
//   - when some senders fail, the ones that work get a CheckDelivery alert naming what was kept back or
//     rejected, resolved once every sender works again;
//   - the runner's own checks stay off the public status page.
type Run struct {
	senders []Sender
	outbox  *Outbox // nil when it could not be opened: delivery then has no safety net
	state   *State
	opts    RunOptions
	unlock  func()

	flushed chan *Report // the start-of-run flush, once it is done
	// corrupt are the outbox files this run found unreadable (and moved aside).
	corrupt []*CorruptEntryError
	// interrupted is set when the run was stopped while waiting for the lock.
	interrupted *LockInterruptedError
}

// Interrupted is why OpenRun gave up waiting for the state directory's lock, or nil.
func (r *Run) Interrupted() *LockInterruptedError { return r.interrupted }

// OpenRun locks dir and opens its outbox and state. The problems it returns are for the run's report;
// whatever could be opened is still used, so a run with a broken outbox still sends its alerts. When ctx ends
// while OpenRun waits for another run's lock, it returns at once with a *[LockInterruptedError] among the
// problems' causes (Run.Interrupted) and a Run that must not deliver.
func OpenRun(ctx context.Context, dir string, senders []Sender, opts RunOptions) (*Run, []string) {
	r := &Run{senders: keepPrivateChecksOffStatuspage(senders, append(slices.Clone(opts.Private), CheckDelivery)),
		opts: opts, unlock: func() {}}
	wait := opts.LockWait
	if wait == 0 {
		wait = 15 * time.Minute
	}
	var problems []string
	unlock, err := lockStateDir(ctx, dir, wait, func() { r.say("waiting for another smoke run to release %s", dir) })
	var interrupted *LockInterruptedError
	switch {
	case errors.As(err, &interrupted):
		r.interrupted = interrupted
		r.state = &State{Open: map[string]OpenAlert{}}
		return r, []string{err.Error()}
	case err != nil:
		problems = append(problems, err.Error())
	default:
		r.unlock = unlock
	}
	r.outbox, err = OpenOutbox(filepath.Join(dir, "outbox"))
	if err != nil {
		problems = append(problems, err.Error()+"; alerts are sent without an outbox, so what fails now is lost")
	}
	r.state, err = LoadState(dir)
	var corrupt *CorruptEntryError
	switch {
	case errors.As(err, &corrupt):
		// The file was moved aside; precautionary resolves make up for what it knew.
		r.problem("%v; starting from an empty state", err)
	case err != nil:
		problems = append(problems, err.Error())
		r.state = &State{Open: map[string]OpenAlert{}}
	}
	return r, problems
}

// Close releases the state directory.
func (r *Run) Close() { r.unlock() }

// State is the alerts open before this run's delivery, and after it.
func (r *Run) State() *State { return r.state }

// Outbox is the outbox, or nil when it could not be opened.
func (r *Run) Outbox() *Outbox { return r.outbox }

func (r *Run) say(format string, args ...any) {
	if r.opts.Say != nil {
		r.opts.Say(format, args...)
	}
}

func (r *Run) problem(format string, args ...any) {
	if r.opts.Problem != nil {
		r.opts.Problem(format, args...)
	}
}

func (r *Run) deliverer(senders []Sender, outbox *Outbox) *Deliverer {
	d := NewDeliverer(senders, outbox)
	d.Policy = DefaultRetryPolicy()
	d.Policy.Deadline = r.opts.Deadline
	d.Redactor = r.opts.Redactor
	if r.opts.Log != nil {
		// Retries and failures are worth seeing while they happen; deliveries are summed up at the end.
		d.Logger = slog.New(slog.NewTextHandler(r.opts.Log, &slog.HandlerOptions{
			Level: slog.LevelWarn,
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.Attr{}
				}
				return a
			},
		}))
	}
	return d
}

// StartFlush sends what earlier runs left in the outbox in the background; [Run.Deliver] waits for it.
func (r *Run) StartFlush(ctx context.Context) {
	r.flushed = make(chan *Report, 1)
	if r.outbox == nil || r.interrupted != nil {
		r.flushed <- nil
		return
	}
	entries, corrupt, err := r.outbox.List()
	if err != nil {
		r.problem("%v", err)
	}
	r.corrupt = append(r.corrupt, corrupt...)
	if len(entries) == 0 {
		r.flushed <- nil
		return
	}
	r.say("sending %d notification(s) earlier runs left in the outbox", len(entries))
	go func() {
		rep, err := r.deliverer(r.senders, r.outbox).Flush(ctx)
		if err != nil {
			r.problem("sending the outbox: %v", err)
		}
		r.flushed <- rep
	}()
}

// RunResult is what became of a run's notifications.
type RunResult struct {
	Notifications []string // what this run sent, e.g. "trigger smoke/prod/x (critical)"
	Flush         *Report  // what the start-of-run flush of earlier runs' outbox did
	Report        *Report
	Meta          *Report  // the CheckDelivery alert's own delivery
	Problems      []string // the delivery could not even be attempted, or the state not saved
	// Corrupt describes each unreadable outbox file, found now or kept from an earlier run: each may hold a
	// notification that never went out, so it stays (in outbox/corrupt/) until a person deleted it.
	Corrupt []string
	// Untold lists the dedup keys of this run's triggers that no incident system took: not delivered, and not
	// an unchanged repeat of an alert that is open already.
	Untold []string
}

// Failed reports whether anything was kept back, rejected or lost on the way. What the start-of-run flush
// left pending does not count on its own: Deliver tried it again, and its report says what is still pending.
func (d *RunResult) Failed() bool {
	if len(d.Problems) > 0 || len(d.Corrupt) > 0 || (d.Report != nil && !d.Report.OK()) {
		return true
	}
	return d.Flush != nil && (d.Flush.Rejected() > 0 || len(d.Flush.Storage) > 0)
}

// Batch is one run's findings for [Run.Deliver].
type Batch struct {
	Env     string
	Change  Change
	Results []CheckResult
	// Summaries replaces the headline of a feature's trigger, for features whose default headline would say
	// too little (the runner's own).
	Summaries map[string]string
	Update    UpdateOptions
}

// Deliver turns this run's check results into one trigger or resolve per feature, sends them after the
// deploy marker, saves the state and reports undelivered alerts through the senders that work.
func (r *Run) Deliver(ctx context.Context, b Batch) *RunResult {
	red := RedactorFor(r.senders).merge(r.opts.Redactor)
	out := &RunResult{}
	if r.interrupted != nil {
		out.Problems = append(out.Problems, r.interrupted.Error())
		return out
	}
	if r.flushed != nil {
		out.Flush = <-r.flushed
	}
	now := time.Now()
	alerts := r.state.UpdateRun(b.Results, now, b.Update)
	notes := []Notification{b.Change.Notification()}
	for _, a := range alerts {
		if s := b.Summaries[a.Check]; s != "" && a.Action == ActionTrigger {
			a.Summary = s
		}
		notes = append(notes, a.Notification())
	}
	for _, n := range notes {
		out.Notifications = append(out.Notifications, n.String())
	}
	rep, err := r.deliverer(r.senders, r.outbox).Deliver(ctx, notes...)
	if err != nil {
		out.Problems = append(out.Problems, red.Scrub(err.Error()))
		return out
	}
	out.Report = rep
	r.corrupt = append(r.corrupt, rep.Corrupt...)
	out.Corrupt = r.corruptFiles()
	out.Untold = untold(alerts, rep)
	// The notifications are in the outbox now: saving the state after them cannot lose a trigger or resolve.
	if err := r.state.Save(); err != nil {
		out.Problems = append(out.Problems, red.Scrub(err.Error()))
	}
	out.Meta = r.reportDelivery(ctx, b.Env, rep, b.Change, now)
	return out
}

// corruptFiles describes this run's unreadable outbox files and those earlier runs kept.
func (r *Run) corruptFiles() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.corrupt {
		out = append(out, c.Error()+"; it may hold a notification that never went out: read it, then delete it")
		seen[c.MovedTo] = true
	}
	if r.outbox == nil {
		return out
	}
	kept, err := r.outbox.Kept()
	if err != nil {
		return append(out, err.Error())
	}
	for _, f := range kept {
		if !seen[f] {
			out = append(out, "unreadable outbox entry kept by an earlier run at "+f+": it may hold a notification that never went out: read it, then delete it")
		}
	}
	return out
}

// untold lists the triggers no sender took: not delivered by any, and not a repeat that every sender either
// skipped or took.
func untold(alerts []Alert, rep *Report) []string {
	var keys []string
	for _, a := range alerts {
		if a.Action != ActionTrigger {
			continue
		}
		delivered, failed := false, false
		for _, s := range rep.Senders {
			for _, d := range s.Delivered {
				delivered = delivered || isTrigger(d.Notification, a.DedupKey)
			}
			for _, list := range [][]Delivery{s.Pending, s.Rejected, s.Lost} {
				for _, d := range list {
					failed = failed || isTrigger(d.Notification, a.DedupKey)
				}
			}
		}
		if !delivered && (!a.Repeat || failed || len(rep.Senders) == 0) {
			keys = append(keys, a.DedupKey)
		}
	}
	return keys
}

func isTrigger(n Notification, key string) bool {
	return n.Alert != nil && n.Alert.Action == ActionTrigger && n.Alert.DedupKey == key
}

// reportDelivery makes a delivery problem visible in the incident systems too: when some senders failed, the
// ones that work get a CheckDelivery alert naming what was kept back or rejected; once every sender works
// again, that alert is resolved. It goes without the outbox: it is about the outbox's own contents, which the
// next run sends anyway.
func (r *Run) reportDelivery(ctx context.Context, env string, rep *Report, change Change, now time.Time) *Report {
	var failing, problems []string
	for _, s := range rep.Senders {
		if len(s.Pending) == 0 && len(s.Rejected) == 0 && len(s.Lost) == 0 {
			continue
		}
		failing = append(failing, s.Sender)
		s.eachUndelivered([3]string{"kept in the outbox", "rejected", "lost (the outbox could not keep it)"},
			func(fate string, d Delivery) {
				problems = append(problems, fmt.Sprintf("%s %s: %v", d.Notification, fate, d.Err))
			})
	}
	var healthy []Sender
	for _, s := range r.senders {
		if !slices.Contains(failing, s.Name()) {
			healthy = append(healthy, s)
		}
	}
	_, open := r.state.Open[DedupKey(env, CheckDelivery)]
	var alerts []Alert
	var senders []Sender
	switch {
	case env == "":
		return nil
	case len(failing) > 0 && len(healthy) > 0:
		alerts = r.state.Update([]CheckResult{{
			Env: env, Check: CheckDelivery, Outcome: Failed,
			Step:    "delivering alerts to " + strings.Join(failing, ", "),
			Cause:   strings.Join(problems, "\n"),
			Version: change.Version, TargetURL: change.TargetURL, ReportURL: change.ReportURL,
		}}, now)
		first, _, _ := strings.Cut(strings.TrimSpace(problems[0]), "\n")
		for i := range alerts {
			alerts[i].Summary = fmt.Sprintf("Smoke alerts for %s could not be delivered to %s: %s", env, strings.Join(failing, ", "), first)
		}
		senders = healthy
	case len(failing) == 0 && open:
		alerts = r.state.Update([]CheckResult{{Env: env, Check: CheckDelivery, Outcome: Passed}}, now)
		senders = r.senders
	default:
		return nil
	}
	var notes []Notification
	for _, a := range alerts {
		notes = append(notes, a.Notification())
	}
	meta, err := r.deliverer(senders, nil).Deliver(ctx, notes...)
	if err != nil {
		r.problem("reporting the delivery problem: %v", err)
		return nil
	}
	if err := r.state.Save(); err != nil {
		r.problem("%v", err)
	}
	return meta
}

// privateStatuspage keeps a run's verdicts about itself (it could not run, alerts were not delivered, a deploy
// did not go live) off the public status page: customers are not affected by them. An operator who wants one
// there maps it to a component in STATUSPAGE_COMPONENTS, e.g. deploy-live=<component id>.
type privateStatuspage struct {
	*Statuspage
	private []string
}

func (s privateStatuspage) Accepts(n Notification) bool {
	if n.Alert != nil && slices.Contains(s.private, n.Alert.Check) && s.Components[n.Alert.Check] == "" {
		return false
	}
	return s.Statuspage.Accepts(n)
}

func keepPrivateChecksOffStatuspage(senders []Sender, private []string) []Sender {
	out := make([]Sender, 0, len(senders))
	for _, s := range senders {
		if sp, ok := s.(*Statuspage); ok {
			s = privateStatuspage{Statuspage: sp, private: private}
		}
		out = append(out, s)
	}
	return out
}
