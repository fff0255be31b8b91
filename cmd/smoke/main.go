package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// Exit codes; --help explains them and their precedence.
const (
	exitPassed      = 0
	exitCheckFailed = 1
	exitCouldNotRun = 2
	exitUndelivered = 3
)

func main() {
	if raw, ok := os.LookupEnv(specProcessEnv); ok {
		os.Exit(runSpecProcess(raw))
	}
	os.Exit(run(interruptible(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// interruptible returns a context cancelled by the first SIGINT or SIGTERM: the run then stops its checks,
// still reports what it knows and exits 2. A second signal ends the runner at once (whatever it was delivering
// is safe in the outbox). Signals within a second of the first count as the same one, because Ctrl-C in a
// terminal reaches every process of the group and a supervisor often adds its own.
func interruptible() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		first := time.Now()
		cancel()
		for range sigs {
			if time.Since(first) > time.Second {
				fmt.Fprintln(os.Stderr, "smoke: interrupted again: exiting now; undelivered notifications stay in the outbox")
				os.Exit(exitCouldNotRun)
			}
		}
	}()
	return ctx
}

// runner is one smoke run.
type runner struct {
	cfg     Config
	getenv  func(string) string
	con     *console
	senders []incident.Sender
	in      *incidents // nil without senders
	started time.Time

	// What the run found out.
	problems []string // why the run could not do its job (exit 2)
	deploy   *deployResult
	version  string // the deployed version as best known: expected, or what the target said
	specs    *specRunResult
	checks   []incident.CheckResult
	summary  map[string]string // alert summaries for the runner's own checks
	delivery *delivery
}

// deployResult is the outcome of --expect-version.
type deployResult struct {
	Expected string `json:"expected"`
	Served   string `json:"served,omitempty"`
	URL      string `json:"url"`
	Live     bool   `json:"live"`
	Cause    string `json:"cause,omitempty"`
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, cfgErrs := loadConfig(args, getenv)
	if len(cfgErrs) == 1 && errors.Is(cfgErrs[0], errHelp) {
		printUsage(stdout)
		return exitPassed
	}
	senders, sendersErr := incident.SendersFromEnv(getenv)
	red := incident.RedactorFor(senders)
	r := &runner{cfg: cfg, getenv: getenv, con: newConsole(stdout, stderr, red), senders: senders,
		started: time.Now(), summary: map[string]string{}}

	for _, err := range cfgErrs {
		r.fail("%v", err)
	}
	if sendersErr != nil {
		// Without a working incident configuration nothing can be reported; say what to fix and stop.
		for _, err := range unjoin(sendersErr) {
			r.con.problem("%v", err)
		}
		return exitCouldNotRun
	}
	if len(cfgErrs) > 0 {
		// Report that the run could not run, if the configuration says enough to know where.
		if cfg.Env != "" && len(senders) > 0 && cfg.StateDir != "" {
			r.finish(ctx)
		}
		return exitCouldNotRun
	}
	return r.run(ctx)
}

// fail records and prints why the run cannot do (all of) its job.
func (r *runner) fail(format string, args ...any) {
	msg := oneLine(fmt.Sprintf(format, args...))
	r.problems = append(r.problems, msg)
	r.con.problem("%s", msg)
}

func (r *runner) run(ctx context.Context) int {
	c := r.cfg
	expect := ""
	if c.ExpectVersion != "" {
		expect = ", expecting version " + c.ExpectVersion
	}
	r.con.say("checking %s at %s%s", c.Env, displayURL(c.Target), expect)
	if len(r.senders) == 0 {
		r.con.say("no incident system is configured (smoke --help lists the variables): failures are only printed here")
	} else {
		var names []string
		for _, s := range r.senders {
			names = append(names, s.Name())
		}
		r.con.say("reporting to %s (state in %s)", strings.Join(names, ", "), c.StateDir)
	}
	if len(r.senders) > 0 {
		r.openIncidents(ctx)
	}
	if r.in != nil {
		defer r.in.close()
	}

	if err := r.checkBrowser(ctx); err != nil {
		r.fail("no browser: %v", err)
	}
	live := r.checkTarget(ctx)
	if len(r.problems) == 0 && live {
		r.runChecks(ctx)
	} else if len(r.problems) == 0 {
		r.con.say("not running the checks: they would test whatever the target serves instead of %s", c.ExpectVersion)
	}
	return r.finish(ctx)
}

func (r *runner) openIncidents(ctx context.Context) {
	in, problems := openIncidents(r.cfg.StateDir, r.senders, r.con.red, r.con, r.cfg.DeliveryTimeout)
	for _, p := range problems {
		r.fail("%s", p)
	}
	r.in = in
	in.startFlush(context.WithoutCancel(ctx))
}

// checkBrowser makes sure there is a browser to drive before anything else, with the one line that says what
// to install or set.
func (r *runner) checkBrowser(ctx context.Context) error {
	if _, err := harness.OptionsFromEnv(r.getenv); err != nil {
		return err
	}
	if u := r.getenv(harness.EnvBrowserURL); u != "" {
		return harness.CheckEndpoint(ctx, u)
	}
	if r.getenv(harness.EnvLauncher) != "" {
		return nil
	}
	bin, err := harness.FindChrome(r.getenv(harness.EnvChromeBin))
	if err != nil {
		return err
	}
	return harness.CheckBrowserBinary(ctx, bin)
}

// checkTarget checks the deployed version (with --expect-version) and that the target answers. It returns
// false when the deploy is not live; a target the runner cannot use at all is recorded as a problem.
func (r *runner) checkTarget(ctx context.Context) (live bool) {
	c := r.cfg
	client := targetClient(c.Insecure)
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
	r.deploy = &deployResult{Expected: c.ExpectVersion, Served: p.Version, URL: displayURL(p.URL)}
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
	res, err := runSpecs(ctx, c, r.con, isTerminal(r.con.out))
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
		r.openIncidents(ctx)
		defer r.in.close()
	}
	r.printResults()
	if r.in != nil {
		r.delivery = r.in.deliver(context.WithoutCancel(ctx), r.cfg.Env, r.change(), r.checks, r.summary)
		r.printDelivery()
	}
	r.warnAboutOrphans()
	code, reason := r.exitCode()
	if err := r.writeSummary(code, reason); err != nil {
		r.con.problem("%v", err)
	}
	r.con.say("exit %d: %s", code, reason)
	return code
}

// checkResults maps the run's findings to what the incident state understands.
func (r *runner) checkResults() []incident.CheckResult {
	c := r.cfg
	base := func(check string, critical bool) incident.CheckResult {
		return incident.CheckResult{Env: c.Env, Check: check, Critical: critical, Version: r.version,
			TargetURL: displayURL(c.Target), Details: map[string]string{}}
	}
	var out []incident.CheckResult
	if r.deploy != nil {
		cr := base(checkDeployLive, true)
		cr.Outcome = incident.Passed
		if !r.deploy.Live {
			cr.Outcome = incident.Failed
			cr.Step = "GET " + r.deploy.URL
			cr.Cause = r.deploy.Cause
			r.linkSummary(&cr)
			r.summary[checkDeployLive] = fmt.Sprintf("SEV1: Deploy not live on %s: %s", c.Env, r.deploy.Cause)
		}
		out = append(out, cr)
	}
	if r.specs != nil {
		for _, s := range r.specs.Specs {
			cr := base(s.Check, s.Critical)
			cr.Details["spec"] = s.Spec
			cr.Details["attempts"] = fmt.Sprint(s.Attempts)
			switch s.Outcome {
			case specPassed:
				cr.Outcome = incident.Passed
			case specFailed, specFlaky:
				cr.Outcome = incident.Failed
				if s.Outcome == specFlaky {
					cr.Outcome = incident.Flaky
				}
				cr.Step, cr.Cause = s.Step, s.Cause
				if s.Location != "" {
					cr.Details["location"] = s.Location
				}
				if s.PageURL != "" {
					cr.Details["page_url"] = s.PageURL
				}
				r.linkReport(&cr, s.Screenshot)
			default:
				// Nothing was learnt about the page; the check keeps whatever alert it had.
				cr.Outcome = incident.Skipped
			}
			out = append(out, cr)
		}
	}
	if c.Env != "" {
		cr := base(checkRunner, false)
		cr.Outcome = incident.Passed
		if len(r.problems) > 0 {
			cr.Outcome = incident.Failed
			cr.Step = "running the smoke checks"
			cr.Cause = strings.Join(r.problems, "\n")
			r.linkSummary(&cr)
			r.summary[checkRunner] = fmt.Sprintf("Smoke run on %s could not run: %s", c.Env, r.problems[0])
		}
		out = append(out, cr)
	}
	return out
}

// linkReport points an alert at the report and the failure screenshot: links under --report-url, or file
// paths in the details when the report is not published.
func (r *runner) linkReport(cr *incident.CheckResult, screenshot string) {
	report := "smoke.json"
	for _, name := range []string{"report.html", "report.json"} {
		if _, err := os.Stat(filepath.Join(r.cfg.ReportDir, name)); err == nil {
			report = name
			break
		}
	}
	if r.cfg.ReportURL != "" {
		cr.ReportURL = r.reportLink(report)
		if screenshot != "" {
			cr.ScreenshotURL = r.reportLink(screenshot)
		}
		return
	}
	cr.Details["report_path"] = absPath(filepath.Join(r.cfg.ReportDir, report))
	if screenshot != "" {
		cr.Details["screenshot_path"] = absPath(filepath.Join(r.cfg.ReportDir, filepath.FromSlash(screenshot)))
	}
}

// linkSummary points an alert about the run itself at smoke.json, the one report such a run always writes.
func (r *runner) linkSummary(cr *incident.CheckResult) {
	if r.cfg.ReportURL != "" {
		cr.ReportURL = r.reportLink("smoke.json")
		return
	}
	if r.cfg.ReportDir != "" {
		cr.Details["report_path"] = absPath(filepath.Join(r.cfg.ReportDir, "smoke.json"))
	}
}

func (r *runner) reportLink(rel string) string {
	base, err := url.Parse(r.cfg.ReportURL)
	if err != nil {
		return r.cfg.ReportURL + rel
	}
	base.Path = path.Join(base.Path, rel)
	return base.String()
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// change is this run's deploy marker: PagerDuty shows it next to the incidents it may explain.
func (r *runner) change() incident.Change {
	version := r.version
	if version == "" {
		version = "unknown version"
	}
	failed, flaky, passed := 0, 0, 0
	for _, cr := range r.checks {
		if internalCheck(cr.Check) {
			continue
		}
		switch cr.Outcome {
		case incident.Failed:
			failed++
		case incident.Flaky:
			flaky++
		case incident.Passed:
			passed++
		}
	}
	verdict := fmt.Sprintf("%d passed, %d failed, %d flaky", passed, failed, flaky)
	switch {
	case r.deploy != nil && !r.deploy.Live:
		verdict = "DEPLOY NOT LIVE: " + r.deploy.Cause
	case len(r.problems) > 0:
		verdict = "smoke run could not run: " + r.problems[0]
	}
	ch := incident.Change{
		Env:       r.cfg.Env,
		Version:   r.version,
		Summary:   fmt.Sprintf("Deploy of %s to %s: smoke checks %s", version, r.cfg.Env, verdict),
		TargetURL: displayURL(r.cfg.Target),
		Details:   map[string]string{"checks": fmt.Sprintf("%d passed, %d failed, %d flaky", passed, failed, flaky)},
	}
	if r.cfg.ReportURL != "" {
		ch.ReportURL = r.reportLink("smoke.json")
	}
	return ch
}

// warnAboutOrphans names open alerts of this environment that no check of this run answered: a renamed or
// removed spec leaves its alert open until someone resolves it.
func (r *runner) warnAboutOrphans() {
	if r.in == nil || r.specs == nil || r.cfg.LabelFilter != "" || r.cfg.Focus != "" {
		return
	}
	ran := map[string]bool{}
	for _, cr := range r.checks {
		ran[cr.Check] = true
	}
	var orphans []string
	for key, a := range r.in.state.Open {
		if a.Env == r.cfg.Env && !ran[a.Check] && !internalCheck(a.Check) {
			orphans = append(orphans, key)
		}
	}
	slices.Sort(orphans)
	for _, key := range orphans {
		r.con.problem("alert %s is open, but no check of that name ran (renamed or removed spec?); resolve it by hand", key)
	}
}

// exitCode applies the documented precedence: a failed check (1) before a run that could not run (2) before
// undelivered alerts (3).
func (r *runner) exitCode() (int, string) {
	var failed []string
	for _, cr := range r.checks {
		if cr.Outcome == incident.Failed && cr.Check != checkRunner {
			failed = append(failed, cr.Check)
		}
	}
	switch {
	case r.deploy != nil && !r.deploy.Live:
		return exitCheckFailed, "deploy not live: " + r.deploy.Cause
	case len(failed) > 0:
		return exitCheckFailed, fmt.Sprintf("%d %s failed: %s", len(failed), plural(len(failed), "check", "checks"), strings.Join(failed, ", "))
	case len(r.problems) > 0:
		return exitCouldNotRun, "the smoke run could not do its job: " + r.problems[0]
	case r.delivery != nil && r.delivery.failed():
		return exitUndelivered, "alerts could not all be delivered; what is pending is kept in the outbox for the next run"
	}
	flaky := 0
	for _, cr := range r.checks {
		if cr.Outcome == incident.Flaky {
			flaky++
		}
	}
	if flaky > 0 {
		return exitPassed, fmt.Sprintf("all checks passed, %d only on a retry (reported as %s)", flaky, plural(flaky, "a warning", "warnings"))
	}
	return exitPassed, "all checks passed"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
