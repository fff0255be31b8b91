package runner

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/e2e-harness/e2e/reports/incident"
)

// internalFeature tells the runner's own verdicts from the product's features.
func internalFeature(feature string) bool {
	return feature == CheckRunner || feature == incident.CheckDelivery || feature == FeatureDeploy
}

// featureOf is the feature a check result belongs to.
func featureOf(cr incident.CheckResult) string {
	if cr.Feature != "" {
		return cr.Feature
	}
	return cr.Check
}

// checkResults maps the run's findings to what the incident state understands.
func (r *runner) checkResults() []incident.CheckResult {
	c := r.cfg
	base := func(check string, critical bool) incident.CheckResult {
		return incident.CheckResult{Env: c.Env, Check: check, Critical: critical, Version: r.version,
			TargetURL: incident.DisplayURL(c.Target), Details: map[string]string{}}
	}
	if c.Target == "" {
		base = func(check string, critical bool) incident.CheckResult {
			return incident.CheckResult{Env: c.Env, Check: check, Critical: critical, Version: r.version, Details: map[string]string{}}
		}
	}
	deploy := func(check, title string) incident.CheckResult {
		cr := base(check, true)
		cr.Feature, cr.FeatureName, cr.Title = FeatureDeploy, "Deploy", title
		return cr
	}
	var out []incident.CheckResult
	if c.DeployFailed != "" {
		cr := deploy(CheckDeployFailed, "the deploy pipeline's own verdict")
		cr.Outcome = incident.Failed
		version := firstNonEmpty(c.ExpectVersion, "(version not given)")
		cr.Step = fmt.Sprintf("deploying %s to %s", version, c.Env)
		cr.Cause = c.DeployFailed
		r.linkSummary(&cr)
		r.summary[FeatureDeploy] = fmt.Sprintf("SEV1: Deploy of %s to %s failed: %s", version, c.Env, truncate(incident.OneLine(c.DeployFailed), 400))
		out = append(out, cr)
	}
	if r.deploy != nil {
		cr := deploy(CheckDeployLive, "the deployed version is live")
		cr.Outcome = incident.Passed
		if !r.deploy.Live {
			cr.Outcome = incident.Failed
			cr.Step = "GET " + r.deploy.URL
			cr.Cause = r.deploy.Cause
			r.linkSummary(&cr)
			r.summary[FeatureDeploy] = fmt.Sprintf("SEV1: Deploy not live on %s: %s", c.Env, r.deploy.Cause)
		}
		out = append(out, cr)
		if r.deploy.Live {
			// The version the pipeline meant to deploy is served: whatever failed deploy an earlier run
			// reported is over.
			failed := deploy(CheckDeployFailed, "the deploy pipeline's own verdict")
			failed.Outcome = incident.Passed
			out = append(out, failed)
		}
	}
	if r.specs != nil {
		for _, s := range r.specs.Specs {
			cr := base(s.Check, s.Critical)
			cr.Feature, cr.FeatureName, cr.Title = s.Feature, s.FeatureName, s.Title
			// The spec's text, attempts and source line are in smoke.json and the report; the alert lists the
			// check by its title, step and cause.
			switch s.Outcome {
			case specPassed:
				cr.Outcome = incident.Passed
			case specFailed, specFlaky:
				cr.Outcome = incident.Failed
				if s.Outcome == specFlaky {
					cr.Outcome = incident.Flaky
				}
				cr.Step, cr.Cause = s.Step, s.Cause
				if s.PageURL != "" {
					cr.Details["page_url"] = incident.DisplayURL(s.PageURL)
				}
				r.linkReport(&cr, s.Screenshot)
			default:
				// Nothing was learnt about the page; the check keeps whatever alert it had.
				cr.Outcome = incident.Skipped
			}
			out = append(out, cr)
		}
	}
	if c.Env != "" && c.DeployFailed == "" {
		cr := base(CheckRunner, false)
		cr.Outcome = incident.Passed
		if len(r.problems) > 0 {
			cr.Outcome = incident.Failed
			cr.Step = "running the smoke checks"
			cr.Cause = strings.Join(r.problems, "\n")
			r.linkSummary(&cr)
			r.summary[CheckRunner] = fmt.Sprintf("Smoke run on %s could not run: %s", c.Env, r.problems[0])
		}
		out = append(out, cr)
	}
	return out
}

// linkReport points an alert at the report and the failure screenshot: links under --report-url, or file
// paths in the details when the report is not published.
func (r *runner) linkReport(cr *incident.CheckResult, screenshot string) {
	if r.reportErr != nil {
		cr.Details["report"] = "not written: the report directory cannot be written"
		return
	}
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
	if r.reportErr != nil {
		cr.Details["report"] = "not written: the report directory cannot be written"
		return
	}
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
		if internalFeature(featureOf(cr)) {
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
	case r.cfg.DeployFailed != "":
		verdict = "DEPLOY FAILED: " + truncate(incident.OneLine(r.cfg.DeployFailed), 300)
	case r.deploy != nil && !r.deploy.Live:
		verdict = "DEPLOY NOT LIVE: " + r.deploy.Cause
	case len(r.problems) > 0:
		verdict = "smoke run could not run: " + r.problems[0]
	}
	ch := incident.Change{
		Env:       r.cfg.Env,
		Version:   r.version,
		Summary:   fmt.Sprintf("Deploy of %s to %s: smoke checks %s", version, r.cfg.Env, verdict),
		TargetURL: incident.DisplayURL(r.cfg.Target),
		Details:   map[string]string{"checks": fmt.Sprintf("%d passed, %d failed, %d flaky", passed, failed, flaky)},
	}
	if r.cfg.DeployFailed != "" {
		ch.Summary = fmt.Sprintf("Deploy of %s to %s: %s", version, r.cfg.Env, verdict)
		ch.Details = map[string]string{"deploy": "failed"}
	}
	if r.cfg.Target == "" {
		ch.TargetURL = ""
	}
	if r.cfg.Location != "" {
		ch.Details["location"] = r.cfg.Location
	}
	if r.cfg.ReportURL != "" && r.reportErr == nil {
		ch.ReportURL = r.reportLink("smoke.json")
	}
	return ch
}

// warnAboutOrphans names open alerts of this environment that no check of this run answered: a renamed or
// removed feature leaves its alert open until someone resolves it.
func (r *runner) warnAboutOrphans() {
	if r.in == nil || !r.complete() {
		return
	}
	ran := map[string]bool{}
	for _, cr := range r.checks {
		ran[featureOf(cr)] = true
	}
	var orphans []string
	for key, a := range r.in.State().Open {
		if a.Env == r.cfg.Env && !a.PerCheck && !ran[a.Check] && !internalFeature(a.Check) {
			orphans = append(orphans, key)
		}
	}
	slices.Sort(orphans)
	for _, key := range orphans {
		r.con.problem("alert %s is open, but no check of that feature ran (renamed or removed feature?); resolve it by hand", key)
	}
}
