package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// SummaryFormat names the version of smoke.json.
const SummaryFormat = "smoke-summary/v2"

// summaryFile is smoke.json: what a pipeline step or a person needs to know about the run without reading
// Ginkgo's report — the exit code and why, each check's outcome, the alerts sent and what became of them.
type summaryFile struct {
	Format     string    `json:"format"`
	Env        string    `json:"env"`
	Target     string    `json:"target"`
	Version    string    `json:"version,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Location   string    `json:"location,omitempty"`
	ExitCode   int       `json:"exit_code"`
	ExitReason string    `json:"exit_reason"`
	// Delivered is false when the run raised an alert that no incident system took: a failure nobody was
	// told about. Untold lists those alerts' dedup keys.
	Delivered    bool             `json:"delivered"`
	Untold       []string         `json:"untold,omitempty"`
	DeployFailed string           `json:"deploy_failed,omitempty"`
	Deploy       *deployResult    `json:"deploy,omitempty"`
	Features     []summaryFeature `json:"features"`
	Checks       []summaryCheck   `json:"checks"`
	Problems     []string         `json:"problems,omitempty"`
	Alerts       []string         `json:"alerts,omitempty"`
	Delivery     []summarySender  `json:"delivery,omitempty"`
	Specs        []specResult     `json:"specs,omitempty"`
	Outbox       *summaryOutbox   `json:"outbox,omitempty"`
	// Report says the report directory could not be written, when it could not.
	Report string           `json:"report_error,omitempty"`
	Config summaryConfigRef `json:"config"`
}

// summaryFeature is one feature's verdict: what its one alert says.
type summaryFeature struct {
	Feature  string   `json:"feature"`
	Name     string   `json:"name,omitempty"`
	DedupKey string   `json:"dedup_key"`
	Outcome  string   `json:"outcome"` // failed, flaky, passed, skipped
	Critical bool     `json:"critical"`
	Checks   int      `json:"checks"`
	Failing  []string `json:"failing,omitempty"`
}

type summaryCheck struct {
	Check         string `json:"check"`
	Feature       string `json:"feature"`
	Critical      bool   `json:"critical"`
	Outcome       string `json:"outcome"`
	Step          string `json:"step,omitempty"`
	Cause         string `json:"cause,omitempty"`
	ReportURL     string `json:"report_url,omitempty"`
	ScreenshotURL string `json:"screenshot_url,omitempty"`
	ReportPath    string `json:"report_path,omitempty"`
	Screenshot    string `json:"screenshot_path,omitempty"`
}

type summarySender struct {
	Sender    string   `json:"sender"`
	Delivered int      `json:"delivered"`
	Pending   int      `json:"pending"`
	Rejected  int      `json:"rejected"`
	Lost      int      `json:"lost,omitempty"`
	Errors    []string `json:"errors,omitempty"`
}

type summaryOutbox struct {
	Dir     string `json:"dir"`
	Pending int    `json:"pending"`
	// Corrupt describes unreadable entries, kept in outbox/corrupt/ for a person.
	Corrupt []string `json:"corrupt,omitempty"`
}

type summaryConfigRef struct {
	LabelFilter string `json:"label_filter"`
	Focus       string `json:"focus,omitempty"`
	Retries     int    `json:"retries"`
	Timeout     string `json:"timeout"`
	StateDir    string `json:"state_dir"`
	ReportURL   string `json:"report_url,omitempty"`
}

// writeSummary writes smoke.json into the report directory, scrubbed like everything else the runner writes.
func (r *runner) writeSummary(code int, reason string) error {
	if r.cfg.ReportDir == "" {
		return nil
	}
	if r.reportErr != nil {
		return fmt.Errorf("not writing smoke.json: the report directory %s cannot be written (%s)", r.cfg.ReportDir, e2e.RootCause(r.reportErr))
	}
	told, _ := r.told()
	s := summaryFile{
		Format: SummaryFormat, Env: r.cfg.Env, Version: r.version, Location: r.cfg.Location,
		StartedAt: r.started.UTC(), FinishedAt: time.Now().UTC(), ExitCode: code, ExitReason: reason,
		Delivered: told, DeployFailed: r.cfg.DeployFailed,
		Deploy: r.deploy, Features: r.features(), Checks: []summaryCheck{}, Problems: r.problems,
		Config: summaryConfigRef{LabelFilter: r.cfg.labelFilter(), Focus: r.cfg.Focus, Retries: r.cfg.Retries,
			Timeout: r.cfg.Timeout.String(), StateDir: r.cfg.StateDir, ReportURL: r.cfg.ReportURL},
	}
	if r.cfg.Target != "" {
		s.Target = incident.DisplayURL(r.cfg.Target)
	}
	if r.delivery != nil {
		s.Untold = r.delivery.Untold
	}
	for _, cr := range r.checks {
		s.Checks = append(s.Checks, summaryCheck{
			Check: cr.Check, Feature: featureOf(cr), Critical: cr.Critical, Outcome: string(cr.Outcome), Step: cr.Step, Cause: cr.Cause,
			ReportURL: cr.ReportURL, ScreenshotURL: cr.ScreenshotURL,
			ReportPath: cr.Details["report_path"], Screenshot: cr.Details["screenshot_path"],
		})
	}
	if r.specs != nil {
		s.Specs = r.specs.Specs
	}
	if d := r.delivery; d != nil {
		s.Alerts = d.Notifications
		for _, rep := range []*incident.Report{d.Report, d.Meta} {
			if rep == nil {
				continue
			}
			for _, sr := range rep.Senders {
				ss := summarySender{Sender: sr.Sender, Delivered: len(sr.Delivered), Pending: len(sr.Pending), Rejected: len(sr.Rejected), Lost: len(sr.Lost)}
				for _, del := range append(append(append([]incident.Delivery{}, sr.Pending...), sr.Rejected...), sr.Lost...) {
					ss.Errors = append(ss.Errors, fmt.Sprintf("%s: %v", del.Notification, del.Err))
				}
				s.Delivery = append(s.Delivery, ss)
			}
		}
		if r.in != nil && r.in.Outbox() != nil {
			entries, _, _ := r.in.Outbox().List()
			s.Outbox = &summaryOutbox{Dir: filepath.Join(r.cfg.StateDir, "outbox"), Pending: len(entries), Corrupt: d.Corrupt}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // causes quote HTML elements; keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encoding smoke.json: %w", err)
	}
	return incident.WriteFileAtomic(filepath.Join(r.cfg.ReportDir, "smoke.json"), []byte(r.con.red.Scrub(buf.String())), 0o644)
}

// features sums the checks up per feature, in the order they ran: one line, one alert each.
func (r *runner) features() []summaryFeature {
	out := []summaryFeature{}
	index := map[string]int{}
	for _, cr := range r.checks {
		f := featureOf(cr)
		i, ok := index[f]
		if !ok {
			i = len(out)
			index[f] = i
			out = append(out, summaryFeature{Feature: f, Name: cr.FeatureName, DedupKey: incident.DedupKey(r.cfg.Env, f), Outcome: string(incident.Skipped)})
		}
		sf := &out[i]
		if cr.Outcome != incident.Skipped {
			sf.Checks++
		}
		switch {
		case cr.Outcome == incident.Failed:
			sf.Outcome = string(incident.Failed)
			sf.Critical = sf.Critical || cr.Critical
			sf.Failing = append(sf.Failing, cr.Check)
		case cr.Outcome == incident.Flaky && sf.Outcome != string(incident.Failed):
			sf.Outcome = string(incident.Flaky)
			sf.Failing = append(sf.Failing, cr.Check)
		case cr.Outcome == incident.Flaky:
			sf.Failing = append(sf.Failing, cr.Check)
		case cr.Outcome == incident.Passed && sf.Outcome == string(incident.Skipped):
			sf.Outcome = string(incident.Passed)
		}
	}
	return out
}

// printResults lists every feature's verdict and under it each check's outcome, failures with their step,
// cause and screenshot.
func (r *runner) printResults() {
	if len(r.checks) == 0 {
		return
	}
	r.con.say("results for %s:", r.cfg.Env)
	for _, f := range r.features() {
		if f.Feature == CheckRunner && f.Outcome == string(incident.Passed) {
			continue
		}
		name := firstNonEmpty(f.Name, f.Feature)
		critical := ""
		if f.Critical {
			critical = ", severity 1"
		}
		switch f.Outcome {
		case string(incident.Failed):
			r.con.say("BROKEN   %s (%s): %d of %d %s failing%s", name, f.DedupKey, len(f.Failing), f.Checks, plural(f.Checks, "check", "checks"), critical)
		case string(incident.Flaky):
			r.con.say("FLAKY    %s (%s): %d of %d %s passed only on a retry", name, f.DedupKey, len(f.Failing), f.Checks, plural(f.Checks, "check", "checks"))
		case string(incident.Passed):
			r.con.say("ok       %s: %d %s passed", name, f.Checks, plural(f.Checks, "check", "checks"))
		default:
			r.con.say("not run  %s: its alert stays as it was", name)
		}
		for _, cr := range r.checks {
			if featureOf(cr) == f.Feature {
				r.printCheck(cr)
			}
		}
	}
}

func (r *runner) printCheck(cr incident.CheckResult) {
	if cr.Check == CheckRunner && cr.Outcome == incident.Passed {
		return
	}
	critical := ""
	if cr.Critical {
		critical = " (critical)"
	}
	switch cr.Outcome {
	case incident.Passed:
		r.con.detail("passed   %s%s", cr.Check, critical)
	case incident.Skipped:
		r.con.detail("not run  %s%s", cr.Check, critical)
	case incident.Flaky:
		r.con.detail("FLAKY    %s%s: failed at step %q, then passed on a retry (sent as a warning)", cr.Check, critical, cr.Step)
		r.con.detail("         %s", truncate(firstLine(cr.Cause), 1000))
	case incident.Failed:
		r.con.detail("FAILED   %s%s at step %q", cr.Check, critical, cr.Step)
		for _, line := range strings.Split(cr.Cause, "\n") {
			r.con.detail("         %s", truncate(line, 1000))
		}
		if shot := firstNonEmpty(cr.ScreenshotURL, cr.Details["screenshot_path"]); shot != "" {
			r.con.detail("         screenshot: %s", shot)
		}
	}
}

// printDelivery says what was sent and what became of it.
func (r *runner) printDelivery() {
	d := r.delivery
	if d == nil {
		return
	}
	if d.Flush != nil {
		r.con.say("outbox of earlier runs:")
		r.printReport(d.Flush)
	}
	r.con.say("sent %s", strings.Join(d.Notifications, "; "))
	if d.Report != nil {
		r.printReport(d.Report)
	}
	if d.Meta != nil {
		r.con.say("reported the delivery problem through the senders that work:")
		r.printReport(d.Meta)
	}
	for _, p := range d.Problems {
		r.con.problem("%s", p)
	}
	for _, c := range d.Corrupt {
		r.con.problem("%s", c)
	}
}

func (r *runner) printReport(rep *incident.Report) {
	for _, line := range strings.Split(strings.TrimRight(rep.String(), "\n"), "\n") {
		if line != "" {
			r.con.detail("%s", line)
		}
	}
}
