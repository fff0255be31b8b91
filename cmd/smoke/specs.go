package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
	// The very specs make e2e runs; those labelled smoke are this binary's checks.
	_ "github.com/e2e-harness/e2e/suites/editor"
)

// specProcessEnv carries the spec run's settings from the runner to the spec process it starts (the same
// binary). Its presence is what makes main run the specs instead of the runner.
const specProcessEnv = "SMOKE_INTERNAL_SPEC_RUN"

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

// runSpecProcess runs the selected smoke specs in this process, writes the reports make e2e writes into the
// report directory and the results into run.Results. Ginkgo allows one RunSpecs per process, which is one
// reason the runner starts a process for it.
func runSpecProcess(raw string) int {
	var run specRun
	if err := json.Unmarshal([]byte(raw), &run); err != nil {
		fmt.Fprintf(os.Stderr, "smoke: decoding the spec run: %v\n", err)
		return 2
	}
	e2e.Configure(e2e.Config{
		BaseURL:     run.Target,
		OutputDir:   run.ReportDir,
		SpecTimeout: run.Timeout,
		Insecure:    run.Insecure,
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
