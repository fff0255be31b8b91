package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/suites/e2e"
)

// SpecProcessEnv carries the spec run's settings from the runner to the spec process it starts: the same
// binary, which must call [RunSpecProcess] with the variable's value instead of running the runner when the
// variable is set. That binary also links the suites (cmd/smoke imports suites/editor): the specs labelled
// smoke are its checks.
const SpecProcessEnv = "SMOKE_INTERNAL_SPEC_RUN"

// specRun is what the spec process needs. It holds no secret: the spec process never sees the incident
// systems' configuration.
type specRun struct {
	Target      string        `json:"target"`
	ReportDir   string        `json:"report_dir"`
	Timeout     time.Duration `json:"timeout"`
	RunTimeout  time.Duration `json:"run_timeout"`
	Retries     int           `json:"retries"`
	LabelFilter string        `json:"label_filter"`
	Focus       string        `json:"focus,omitempty"`
	Insecure    bool          `json:"insecure"`
	Color       bool          `json:"color"`
	Results     string        `json:"results"` // where to write the specRunResult
}

// ginkgoT is the GinkgoTestingT RunSpecs reports an overall failure to; the runner reads the per-spec
// results instead.
type ginkgoT struct{ failed bool }

func (t *ginkgoT) Fail() { t.failed = true }

// RunSpecProcess runs the selected smoke specs in this process, writes the reports make e2e writes into the
// report directory and the results for the runner, and returns the process's exit code. raw is the value of
// SpecProcessEnv. Ginkgo allows one RunSpecs per process, which is one reason the runner starts a process
// for it.
func RunSpecProcess(raw string) int {
	var run specRun
	if err := json.Unmarshal([]byte(raw), &run); err != nil {
		fmt.Fprintf(os.Stderr, "smoke: decoding the spec run: %v\n", err)
		return 2
	}
	// The browser is the environment's (CHROME_BIN, E2E_BROWSER_URL, …), checked by the runner before it
	// started this process.
	browser, err := e2e.BrowserConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "smoke: %v\n", err)
		return 2
	}
	if problem := checkTrust(run, browser); problem != "" {
		if err := writeJSONAtomic(run.Results, specRunResult{Specs: []specResult{}, Problems: []string{problem}}); err != nil {
			fmt.Fprintf(os.Stderr, "smoke: writing the check results: %v\n", err)
			return 2
		}
		return 0
	}
	e2e.Configure(e2e.Config{
		BaseURL:     run.Target,
		OutputDir:   run.ReportDir,
		SpecTimeout: run.Timeout,
		Insecure:    run.Insecure,
		Browser:     browser,
	})

	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = run.LabelFilter
	if run.Focus != "" {
		suiteConfig.FocusStrings = []string{run.Focus}
	}
	// Attempts are Ginkgo's flake attempts: the whole spec, BeforeEach included, runs again on a fresh page.
	suiteConfig.FlakeAttempts = run.Retries + 1
	suiteConfig.Timeout = run.RunTimeout
	// Deploy checks should run in the order the suite declares them, so two runs read alike.
	suiteConfig.RandomizeAllSpecs = false
	suiteConfig.RandomSeed = 1
	reporterConfig.NoColor = !run.Color
	reporterConfig.SilenceSkips = true

	written := false
	ginkgo.ReportAfterSuite("smoke results", func(r ginkgo.Report) {
		if err := writeJSONAtomic(run.Results, resultsFromReport(r)); err != nil {
			fmt.Fprintf(os.Stderr, "smoke: writing the check results: %v\n", err)
			return
		}
		written = true
	})
	gomega.RegisterFailHandler(ginkgo.Fail)
	var t ginkgoT
	ginkgo.RunSpecs(&t, "Smoke", suiteConfig, reporterConfig)
	if !written {
		return 2
	}
	return 0
}

// specRunFor turns the runner's configuration into the spec process's settings.
func specRunFor(c Config, results string, color bool) specRun {
	return specRun{
		Target:      c.Target,
		ReportDir:   c.ReportDir,
		Timeout:     c.Timeout,
		RunTimeout:  c.RunTimeout,
		Retries:     c.Retries,
		LabelFilter: c.labelFilter(),
		Focus:       c.Focus,
		Insecure:    c.Insecure,
		Color:       color,
		Results:     results,
	}
}

// trustCheckTimeout bounds the browser's one look at the target before the checks: a launch and a page load.
const trustCheckTimeout = 90 * time.Second

// checkTrust loads an https target once in a browser started as the checks' will be, before any check runs,
// and returns the run's problem when the browser refuses the target's certificate. The runner's own request to
// the target cannot tell: Go trusts what SSL_CERT_FILE adds (a private CA), Chromium does not read it, and
// every check would then fail with net::ERR_CERT_AUTHORITY_INVALID as if the feature were broken. Anything
// else that goes wrong here is left to the checks, which report it in their own words.
func checkTrust(run specRun, browser e2e.BrowserConfig) string {
	u, err := url.Parse(run.Target)
	if err != nil || u.Scheme != "https" || run.Insecure {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), trustCheckTimeout)
	defer cancel()
	b, err := harness.Open(ctx, append(browser.Options(), harness.WithAllowedHosts(run.Target))...)
	if err != nil {
		return ""
	}
	defer b.Close()
	s, err := b.NewSession(ctx)
	if err != nil {
		return ""
	}
	defer s.Close()
	var nav *harness.NavigationError
	if err := s.Page().Goto(ctx, run.Target, harness.AllowHTTPError()); errors.As(err, &nav) {
		if code := certificateError(nav.Reason); code != "" {
			return untrustedProblem(code)
		}
	}
	return ""
}
