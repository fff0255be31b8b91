package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/reports/incident"
)

// SummaryFormat names the version of smoke.json.
const SummaryFormat = "smoke-summary/v1"

// summaryFile is smoke.json: what a pipeline step or a person needs to know about the run without reading
// Ginkgo's report — the exit code and why, each check's outcome, the alerts sent and what became of them.
type summaryFile struct {
	Format     string           `json:"format"`
	Env        string           `json:"env"`
	Target     string           `json:"target"`
	Version    string           `json:"version,omitempty"`
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt time.Time        `json:"finished_at"`
	ExitCode   int              `json:"exit_code"`
	ExitReason string           `json:"exit_reason"`
	Deploy     *deployResult    `json:"deploy,omitempty"`
	Checks     []summaryCheck   `json:"checks"`
	Problems   []string         `json:"problems,omitempty"`
	Alerts     []string         `json:"alerts,omitempty"`
	Delivery   []summarySender  `json:"delivery,omitempty"`
	Specs      []specResult     `json:"specs,omitempty"`
	Outbox     *summaryOutbox   `json:"outbox,omitempty"`
	Config     summaryConfigRef `json:"config"`
}

type summaryCheck struct {
	Check         string `json:"check"`
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
	Errors    []string `json:"errors,omitempty"`
}

type summaryOutbox struct {
	Dir     string `json:"dir"`
	Pending int    `json:"pending"`
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
	s := summaryFile{
		Format: SummaryFormat, Env: r.cfg.Env, Target: displayURL(r.cfg.Target), Version: r.version,
		StartedAt: r.started.UTC(), FinishedAt: time.Now().UTC(), ExitCode: code, ExitReason: reason,
		Deploy: r.deploy, Checks: []summaryCheck{}, Problems: r.problems,
		Config: summaryConfigRef{LabelFilter: r.cfg.labelFilter(), Focus: r.cfg.Focus, Retries: r.cfg.Retries,
			Timeout: r.cfg.Timeout.String(), StateDir: r.cfg.StateDir, ReportURL: r.cfg.ReportURL},
	}
	for _, cr := range r.checks {
		s.Checks = append(s.Checks, summaryCheck{
			Check: cr.Check, Critical: cr.Critical, Outcome: string(cr.Outcome), Step: cr.Step, Cause: cr.Cause,
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
				ss := summarySender{Sender: sr.Sender, Delivered: len(sr.Delivered), Pending: len(sr.Pending), Rejected: len(sr.Rejected)}
				for _, del := range append(append([]incident.Delivery{}, sr.Pending...), sr.Rejected...) {
					ss.Errors = append(ss.Errors, fmt.Sprintf("%s: %v", del.Notification, del.Err))
				}
				s.Delivery = append(s.Delivery, ss)
			}
		}
		if r.in != nil && r.in.outbox != nil {
			entries, _, _ := r.in.outbox.List()
			s.Outbox = &summaryOutbox{Dir: filepath.Join(r.cfg.StateDir, "outbox"), Pending: len(entries)}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // causes quote HTML elements; keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encoding smoke.json: %w", err)
	}
	return writeFileAtomic(filepath.Join(r.cfg.ReportDir, "smoke.json"), []byte(r.con.red.Scrub(buf.String())))
}

// printResults lists every check's outcome, failures with their step, cause and screenshot.
func (r *runner) printResults() {
	if len(r.checks) == 0 {
		return
	}
	r.con.say("results for %s:", r.cfg.Env)
	for _, cr := range r.checks {
		if cr.Check == checkRunner && cr.Outcome == incident.Passed {
			continue
		}
		critical := ""
		if cr.Critical {
			critical = " (critical)"
		}
		switch cr.Outcome {
		case incident.Passed:
			r.con.detail("passed   %s%s", cr.Check, critical)
		case incident.Skipped:
			r.con.detail("not run  %s%s: its alert stays as it was", cr.Check, critical)
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
}

func (r *runner) printReport(rep *incident.Report) {
	for _, line := range strings.Split(strings.TrimRight(rep.String(), "\n"), "\n") {
		if line != "" {
			r.con.detail("%s", line)
		}
	}
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
