package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// Exit codes; --help explains them and their precedence.
const (
	ExitPassed      = 0
	ExitCheckFailed = 1
	ExitCouldNotRun = 2
	ExitUndelivered = 3
)

// IO is what a run reads besides its Config, and where it writes.
type IO struct {
	// Getenv gives the incident systems' and the browser's variables.
	Getenv func(string) string
	// LookupEnv also says whether a variable is set at all (os.LookupEnv): an incident system's required
	// variable that is set but empty is a missing CI secret, not "off". Nil: derived from Getenv, which
	// cannot tell the two apart.
	LookupEnv      func(string) (string, bool)
	Stdout, Stderr io.Writer
}

// Run makes one smoke run and returns its exit code: it checks the browser and the target, the deployed
// version with --expect-version, runs the smoke specs in a spec process of this same binary (see
// [RunSpecProcess]), reports to the incident systems and writes smoke.json.
//
// configProblems are the reasons cfg could not be read whole, one line each. Then nothing is checked: the run
// prints them, reports that it could not run (when cfg still names the environment and a state directory and
// an incident system is configured) and returns ExitCouldNotRun.
func Run(ctx context.Context, cfg Config, configProblems []error, o IO) int {
	lookup := o.LookupEnv
	if lookup == nil {
		lookup = func(name string) (string, bool) { v := o.Getenv(name); return v, v != "" }
	}
	senders, sendersErr := incident.SendersFromLookup(lookup)
	r := &runner{cfg: cfg, getenv: o.Getenv, con: newConsole(o.Stdout, o.Stderr, incident.RedactorFor(senders)),
		senders: senders, started: time.Now(), summary: map[string]string{}}
	r.disabled, _ = incident.DisabledSenders(lookup)
	for _, err := range configProblems {
		r.fail("%v", err)
	}
	if sendersErr != nil {
		// Without a working incident configuration nothing can be reported; say what to fix and stop.
		for _, err := range unjoin(sendersErr) {
			msg := incident.OneLine(err.Error())
			r.problems = append(r.problems, msg)
			r.con.problem("%s", msg)
		}
		reason := "the incident systems are not configured right: " + r.problems[len(configProblems)]
		if len(configProblems) > 0 {
			// The settings themselves are in doubt, the report directory among them: write nothing there.
			r.con.say("exit %d: %s", ExitCouldNotRun, reason)
			return ExitCouldNotRun
		}
		return r.stop(ExitCouldNotRun, reason)
	}
	if len(configProblems) > 0 {
		// Report that the run could not run, if the configuration says enough to know where.
		if cfg.Env != "" && len(senders) > 0 && cfg.StateDir != "" {
			return r.finish(ctx)
		}
		r.con.say("exit %d: the smoke run could not do its job: %s", ExitCouldNotRun, r.problems[0])
		return ExitCouldNotRun
	}
	return r.run(ctx)
}

// runner is one smoke run.
type runner struct {
	cfg      Config
	getenv   func(string) string
	con      *console
	senders  []incident.Sender
	disabled []string      // incident systems SMOKE_DISABLE turned off
	in       *incident.Run // nil without senders
	started  time.Time

	// What the run found out.
	problems  []string // why the run could not do its job (exit 2)
	reportErr error    // the report directory cannot be written: no report, no links to one
	deploy    *deployResult
	version   string // the deployed version as best known: expected, or what the target said
	specs     *specRunResult
	checks    []incident.CheckResult
	summary   map[string]string // alert summaries for the runner's own features
	delivery  *incident.RunResult
}

// deployResult is the outcome of --expect-version.
type deployResult struct {
	Expected string `json:"expected"`
	Served   string `json:"served,omitempty"`
	URL      string `json:"url"`
	Live     bool   `json:"live"`
	Cause    string `json:"cause,omitempty"`
}

// fail records and prints why the run cannot do (all of) its job.
func (r *runner) fail(format string, args ...any) {
	msg := incident.OneLine(fmt.Sprintf(format, args...))
	r.problems = append(r.problems, msg)
	r.con.problem("%s", msg)
}

func (r *runner) run(ctx context.Context) int {
	c := r.cfg
	if c.DeployFailed != "" {
		return r.reportFailedDeploy(ctx)
	}
	expect := ""
	if c.ExpectVersion != "" {
		expect = ", expecting version " + c.ExpectVersion
	}
	from := ""
	if c.Location != "" {
		from = " from " + c.Location
	}
	r.con.say("checking %s at %s%s%s", c.Env, incident.DisplayURL(c.Target), expect, from)
	if code, stopped := r.openIncidents(ctx); stopped {
		return code
	}
	r.checkReportDir()

	// Problems so far (a broken outbox, an unwritable report directory) are reported, but the checks still
	// run: a broken feature must not go unnoticed because of them. The ones below leave nothing to check with.
	before := len(r.problems)
	if err := e2e.CheckBrowser(ctx, r.getenv); err != nil {
		r.fail("no browser: %v", err)
	}
	live := r.checkTarget(ctx)
	if len(r.problems) == before && live {
		r.runChecks(ctx)
	} else if len(r.problems) == before {
		r.con.say("not running the checks: they would test whatever the target serves instead of %s", c.ExpectVersion)
	}
	return r.finish(ctx)
}

// reportFailedDeploy is the pipeline's failure path (--deploy-failed): no browser and no target, only the
// severity 1 "deploy" alert, delivered like any other.
func (r *runner) reportFailedDeploy(ctx context.Context) int {
	c := r.cfg
	r.version = c.ExpectVersion
	version := c.ExpectVersion
	if version == "" {
		version = "(version not given)"
	}
	r.con.say("reporting a FAILED DEPLOY of %s to %s: %s", version, c.Env, incident.OneLine(c.DeployFailed))
	if code, stopped := r.openIncidents(ctx); stopped {
		return code
	}
	r.checkReportDir()
	return r.finish(ctx)
}

// openIncidents says where alerts go, opens the state directory and starts sending what earlier runs left in
// the outbox. stopped says the run was interrupted while waiting for the state directory: then it has ended,
// with code.
func (r *runner) openIncidents(ctx context.Context) (code int, stopped bool) {
	off := ""
	if len(r.disabled) > 0 {
		off = "; turned off by " + incident.DisableVar + ": " + strings.Join(r.disabled, ", ")
	}
	if len(r.senders) == 0 {
		r.con.say("no incident system is configured (smoke --help lists the variables)%s: failures are only printed here", off)
		return 0, false
	}
	var names []string
	for _, s := range r.senders {
		names = append(names, s.Name())
	}
	r.con.say("reporting to %s (state in %s)%s", strings.Join(names, ", "), r.cfg.StateDir, off)
	r.open(ctx)
	if why := r.in.Interrupted(); why != nil {
		r.in.Close()
		r.in = nil
		r.problems = append(r.problems, why.Error())
		r.con.problem("%v", why)
		return r.stop(ExitCouldNotRun, why.Error()+": nothing was checked or sent"), true
	}
	return 0, false
}

// open opens the state directory and starts the flush of the outbox.
func (r *runner) open(ctx context.Context) {
	in, problems := incident.OpenRun(ctx, r.cfg.StateDir, r.senders, incident.RunOptions{
		Redactor: r.con.red,
		Deadline: r.cfg.DeliveryTimeout,
		Private:  []string{CheckRunner, FeatureDeploy, CheckDeployLive},
		Say:      r.con.say,
		Problem:  r.con.problem,
		Log:      r.con.lineWriter(r.con.out),
	})
	r.in = in
	if in.Interrupted() != nil {
		return
	}
	for _, p := range problems {
		r.fail("%s", p)
	}
	in.StartFlush(context.WithoutCancel(ctx))
}

// checkReportDir makes sure the report directory can be written before anything links to it: a run whose
// reports vanish must not send alerts pointing at them.
func (r *runner) checkReportDir() {
	dir := r.cfg.ReportDir
	if dir == "" {
		return
	}
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp(dir, ".smoke-write-check-*"); err == nil {
			name := f.Name()
			err = f.Close()
			_ = os.Remove(name)
		}
	}
	if err != nil {
		r.reportErr = err
		r.fail("the report directory %s cannot be written (%s): no report is kept, and alerts carry no link to one", dir, e2e.RootCause(err))
	}
}

// stop ends a run that delivers nothing: it writes smoke.json if it can and prints the last line.
func (r *runner) stop(code int, reason string) int {
	if err := r.writeSummary(code, reason); err != nil {
		r.con.problem("%v", err)
	}
	r.con.say("exit %d: %s", code, reason)
	return code
}

// checkTarget checks the deployed version (with --expect-version) and that the target answers. It returns
// false when the deploy is not live; a target the runner cannot use at all is recorded as a problem.
func (r *runner) checkTarget(ctx context.Context) (live bool) {
	c := r.cfg
	client := e2e.TargetClient(c.Insecure)
	if c.ExpectVersion == "" {
		if err := e2e.CheckTarget(ctx, c.Target, c.Insecure); err != nil {
			r.fail("%v", err)
			return true
		}
		// Not a check, only a label for the alerts: a target without a version endpoint is fine.
		if p := probeVersion(ctx, client, c.versionURL()); p.Err == nil {
			r.version = p.Version
			r.con.say("the target says it serves version %s", p.Version)
		}
		return true
	}

	r.version = c.ExpectVersion
	p := waitForVersion(ctx, client, c.versionURL(), c.ExpectVersion, c.VersionWait)
	r.deploy = &deployResult{Expected: c.ExpectVersion, Served: p.Version, URL: incident.DisplayURL(p.URL)}
	switch {
	case p.TLS:
		// A certificate the runner refuses says nothing about the deploy: fix the runner's setup.
		r.deploy = nil
		r.fail("version check: %v", p.Err)
		return true
	case p.Err != nil:
		r.deploy.Cause = p.Err.Error()
	case p.Version != c.ExpectVersion:
		r.deploy.Cause = fmt.Sprintf("%s serves version %s, not %s", r.deploy.URL, p.Version, c.ExpectVersion)
	default:
		r.deploy.Live = true
		r.con.say("deploy is live: %s serves version %s", r.deploy.URL, p.Version)
		if err := e2e.CheckTarget(ctx, c.Target, c.Insecure); err != nil {
			r.fail("%v", err)
		}
		return true
	}
	r.con.say("DEPLOY NOT LIVE: %s", r.deploy.Cause)
	return false
}

// runChecks runs the smoke specs in the spec process.
func (r *runner) runChecks(ctx context.Context) {
	c := r.cfg
	retries := "no retries"
	if c.Retries > 0 {
		retries = fmt.Sprintf("%d %s", c.Retries, plural(c.Retries, "retry", "retries"))
	}
	focus := ""
	if c.Focus != "" {
		focus = fmt.Sprintf(", focus %q", c.Focus)
	}
	r.con.say("running the checks labelled %q%s, %s, %s per attempt", c.labelFilter(), focus, retries, c.Timeout)
	res, err := runSpecs(ctx, c, r.con, isTerminal(r.con.out), r.reportErr != nil)
	if err != nil {
		r.fail("%v", err)
		return
	}
	r.specs = &res
	for _, p := range res.Problems {
		r.fail("%s", harnessCause(p))
	}
	if len(res.Specs) == 0 && len(res.Problems) == 0 {
		r.fail("no smoke check matches the label filter %q%s: nothing was checked", c.labelFilter(), focus)
	}
	for _, s := range res.Specs {
		if s.Outcome == specInfrastructure {
			r.fail("the browser crashed during %q (%s): an infrastructure failure, not a finding about the site", s.Spec, s.Infrastructure)
		}
	}
}

// finish turns what the run found into check results, reports them and returns the exit code.
func (r *runner) finish(ctx context.Context) int {
	r.checks = r.checkResults()
	if r.in == nil && len(r.senders) > 0 && r.cfg.Env != "" {
		// A configuration error stopped the run before it opened the state; report it anyway.
		if _, stopped := r.openIncidents(ctx); stopped {
			return ExitCouldNotRun
		}
	}
	if r.in != nil {
		defer r.in.Close()
	}
	r.printResults()
	if r.in != nil {
		r.delivery = r.in.Deliver(context.WithoutCancel(ctx), incident.Batch{
			Env: r.cfg.Env, Change: r.change(), Results: r.checks, Summaries: r.summary,
			Update: incident.UpdateOptions{Complete: r.complete(), Keep: []string{CheckRunner, CheckDeployLive, CheckDeployFailed},
				Location: r.cfg.Location},
		})
		r.printDelivery()
	}
	r.warnAboutOrphans()
	code, reason := r.exitCode()
	if err := r.writeSummary(code, reason); err != nil {
		// The alerts are out; what they link to is not there. Say so in the exit code too.
		r.con.problem("%v", err)
		if r.reportErr == nil {
			r.problems = append(r.problems, "writing smoke.json: "+incident.OneLine(err.Error()))
			code, reason = r.exitCode()
			reason += " (smoke.json could not be written, so alerts may link to a missing report)"
		}
	}
	r.con.say("exit %d: %s", code, reason)
	return code
}

// complete says the run ran every smoke check there is, so an alert no check answered belongs to a check
// that is gone.
func (r *runner) complete() bool {
	return r.specs != nil && r.cfg.LabelFilter == "" && r.cfg.Focus == ""
}

// exitCode applies the documented precedence: a failed check (1) before a run that could not run (2) before
// undelivered alerts (3). The reason says, for 1 and 2, whether anybody was told.
func (r *runner) exitCode() (int, string) {
	var broken []string
	seen := map[string]int{}
	for _, cr := range r.checks {
		if cr.Outcome != incident.Failed || cr.Check == CheckRunner || internalFeature(featureOf(cr)) {
			continue
		}
		f := featureOf(cr)
		if _, ok := seen[f]; !ok {
			broken = append(broken, f)
		}
		seen[f]++
	}
	code, reason := ExitPassed, ""
	switch {
	case r.cfg.DeployFailed != "":
		code, reason = ExitCheckFailed, "deploy failed: "+incident.OneLine(r.cfg.DeployFailed)
	case r.deploy != nil && !r.deploy.Live:
		code, reason = ExitCheckFailed, "deploy not live: "+r.deploy.Cause
	case len(broken) > 0:
		var parts []string
		for _, f := range broken {
			parts = append(parts, fmt.Sprintf("%s (%d %s)", f, seen[f], plural(seen[f], "check", "checks")))
		}
		code, reason = ExitCheckFailed, fmt.Sprintf("%d %s broken: %s", len(broken), plural(len(broken), "feature", "features"), strings.Join(parts, ", "))
	case len(r.problems) > 0:
		code, reason = ExitCouldNotRun, "the smoke run could not do its job: "+r.problems[0]
	}
	undelivered := r.undelivered()
	if code != ExitPassed {
		told, why := r.told()
		if !told {
			reason += " — and nobody was told: " + why
		}
		if undelivered != "" {
			reason += "; " + undelivered
		}
		return code, reason
	}
	if undelivered != "" {
		return ExitUndelivered, undelivered
	}
	flaky := 0
	for _, cr := range r.checks {
		if cr.Outcome == incident.Flaky {
			flaky++
		}
	}
	if flaky > 0 {
		return ExitPassed, fmt.Sprintf("all checks passed, %d only on a retry (reported as %s)", flaky, plural(flaky, "a warning", "warnings"))
	}
	return ExitPassed, "all checks passed"
}

// told reports whether every alert this run raised reached at least one incident system, and if not, why.
func (r *runner) told() (bool, string) {
	triggers := false
	for _, cr := range r.checks {
		triggers = triggers || cr.Outcome == incident.Failed
	}
	switch {
	case !triggers:
		return true, ""
	case len(r.senders) == 0 && len(r.disabled) > 0:
		return false, "every incident system is turned off (" + incident.DisableVar + ")"
	case len(r.senders) == 0:
		return false, "no incident system is configured"
	case r.delivery == nil:
		return false, "the alerts were not sent"
	case len(r.delivery.Problems) > 0 && r.delivery.Report == nil:
		return false, r.delivery.Problems[0]
	case len(r.delivery.Untold) > 0:
		return false, fmt.Sprintf("no incident system took the alert %s (see the delivery lines above)", strings.Join(r.delivery.Untold, ", "))
	}
	return true, ""
}

// undelivered says what of the delivery went wrong, precisely: what waits in the outbox, what an API refused,
// what is lost because the outbox could not keep it, what needs a person. Empty: nothing.
func (r *runner) undelivered() string {
	d := r.delivery
	if d == nil || !d.Failed() {
		return ""
	}
	var pending, rejected, lost, storage int
	for _, rep := range []*incident.Report{d.Report, d.Meta} {
		if rep == nil {
			continue
		}
		pending += rep.Pending()
		rejected += rep.Rejected()
		lost += rep.Lost()
		storage += len(rep.Storage)
	}
	var parts []string
	if pending > 0 {
		parts = append(parts, fmt.Sprintf("%d %s kept in the outbox for the next run", pending, plural(pending, "notification", "notifications")))
	}
	if rejected > 0 {
		parts = append(parts, fmt.Sprintf("%d rejected by an API (not kept: sending it again cannot succeed)", rejected))
	}
	if lost > 0 {
		parts = append(parts, fmt.Sprintf("%d lost: not delivered, and the outbox could not keep %s", lost, plural(lost, "it", "them")))
	}
	if storage > 0 && lost == 0 {
		parts = append(parts, fmt.Sprintf("%d outbox %s failed (delivered anyway, but not crash-safe)", storage, plural(storage, "write", "writes")))
	}
	if n := len(d.Corrupt); n > 0 {
		parts = append(parts, fmt.Sprintf("%d unreadable outbox %s kept in %s for a person to read and delete", n, plural(n, "file", "files"),
			filepath.Join(r.cfg.StateDir, "outbox", "corrupt")))
	}
	if d.Flush != nil && d.Flush.Rejected() > 0 {
		parts = append(parts, fmt.Sprintf("%d notification(s) of earlier runs rejected", d.Flush.Rejected()))
	}
	parts = append(parts, d.Problems...)
	if len(parts) == 0 {
		parts = append(parts, "see the delivery lines above")
	}
	return "alerts could not all be delivered: " + strings.Join(parts, "; ")
}

// isTerminal reports whether w is a terminal, where Ginkgo's colours help rather than litter a CI log.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// unjoin splits an errors.Join result into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
