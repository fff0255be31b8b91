package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/fixtures"
	"github.com/e2e-harness/e2e/harness"
)

var (
	configMu  sync.Mutex
	runConfig Config
	configErr error
	configSet bool

	baseURL string // resolved in SynchronizedBeforeSuite: BASE_URL or the embedded fixture's address

	browserMu      sync.Mutex
	browser        *harness.Browser
	browserVersion string // of this process's browser, for the reports
)

// Configure sets the run's configuration instead of reading the environment (the smoke runner does this).
func Configure(c Config) {
	configMu.Lock()
	defer configMu.Unlock()
	runConfig, configErr, configSet = c, nil, true
	if runConfig.SpecTimeout <= 0 {
		runConfig.SpecTimeout = DefaultSpecTimeout
	}
	if runConfig.AssertTimeout <= 0 {
		runConfig.AssertTimeout = DefaultAssertTimeout
	}
	if runConfig.OutputDir == "" {
		runConfig.OutputDir = defaultOutputDir()
	}
}

// CurrentConfig is the run's configuration: what Configure set, or else the environment's.
func CurrentConfig() (Config, error) {
	configMu.Lock()
	defer configMu.Unlock()
	if !configSet {
		runConfig, configErr = ConfigFromEnv(os.Getenv)
		configSet = true
	}
	return runConfig, configErr
}

// Timeout is the time limit to put on every spec that drives a browser (E2E_SPEC_TIMEOUT, 30 s by default):
// It("…", func(ctx SpecContext) {…}, e2e.Timeout()).
func Timeout() SpecTimeout {
	cfg, _ := CurrentConfig()
	return SpecTimeout(cfg.SpecTimeout)
}

// BaseURL is the address of the application under test, with a trailing slash.
func BaseURL() string { return baseURL }

// URL resolves a path against the base URL: URL("?doc=x") or URL("preview?doc=x").
func URL(path string) string {
	base, err := url.Parse(baseURL)
	if err != nil {
		return baseURL + path
	}
	ref, err := url.Parse(path)
	if err != nil {
		return baseURL + path
	}
	return base.ResolveReference(ref).String()
}

var setupOnce sync.Once

// SetupSuite registers what every suite needs around its specs: the target and a browser per process, the
// shard filter, the label registry and the reports: var _ = e2e.SetupSuite(). A second call registers
// nothing, so spec packages and their test files may both call it.
func SetupSuite() bool {
	setupOnce.Do(setupSuite)
	return true
}

func setupSuite() {
	SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
		cfg, err := CurrentConfig()
		if err != nil {
			AbortSuite("configuration: " + err.Error())
		}
		// Artifacts of an earlier run would end up in this run's report folder and CI upload.
		if err := os.RemoveAll(filepath.Join(cfg.OutputDir, "specs")); err != nil {
			AbortSuite("clearing old artifacts: " + err.Error())
		}
		if cfg.BaseURL != "" {
			if err := CheckTarget(ctx, cfg.BaseURL, cfg.Insecure); err != nil {
				AbortSuite(err.Error())
			}
			return []byte(cfg.BaseURL)
		}
		srv, err := fixtures.Serve(context.Background(), "127.0.0.1:0")
		if err != nil {
			AbortSuite("serving the fixture editor: " + err.Error())
		}
		DeferCleanup(srv.Close)
		return []byte(srv.URL() + "/")
	}, func(ctx SpecContext, target []byte) {
		baseURL = string(target)
		cfg, _ := CurrentConfig()
		gomega.SetDefaultEventuallyTimeout(cfg.AssertTimeout)
		gomega.SetDefaultEventuallyPollingInterval(25 * time.Millisecond)
		if _, err := openBrowser(ctx); err != nil {
			AbortSuite(err.Error())
		}
		DeferCleanup(closeBrowser)
	}, NodeTimeout(90*time.Second))

	BeforeEach(func() {
		cfg, _ := CurrentConfig()
		if !cfg.Shard.Includes(CurrentSpecReport().FullText()) {
			Skip(fmt.Sprintf("in another shard than %s", cfg.Shard))
		}
	})

	ReportBeforeSuite(func(r Report) {
		if err := checkLabels(r); err != nil {
			AbortSuite(err.Error())
		}
	})

	ReportAfterSuite("e2e reports", func(r Report) {
		cfg, _ := CurrentConfig()
		if err := writeReports(r, cfg); err != nil {
			fmt.Fprintln(os.Stderr, "writing reports:", err)
		}
	})
}

func browserOptions(cfg Config) []harness.BrowserOption {
	opts := append(cfg.Browser.Options(), harness.WithAllowedHosts(baseURL))
	if cfg.WarmPath != "" {
		opts = append(opts, harness.WithWarmURL(URL(cfg.WarmPath)))
	}
	if cfg.Insecure {
		opts = append(opts, harness.WithFlag("ignore-certificate-errors", ""))
	}
	return opts
}

func openBrowser(ctx context.Context) (*harness.Browser, error) {
	cfg, _ := CurrentConfig()
	b, err := harness.Open(ctx, browserOptions(cfg)...)
	if err != nil {
		return nil, fmt.Errorf("starting the browser: %w", err)
	}
	browserMu.Lock()
	browser = b
	browserVersion = b.Version()
	browserMu.Unlock()
	endWithParent() // the browser and this process end when the process that started it dies (orphan.go)
	return b, nil
}

// currentBrowser returns this process's browser, launching a new one when the last one crashed: a crash
// fails the spec it happened in, not the rest of the suite.
func currentBrowser(ctx context.Context) (*harness.Browser, error) {
	browserMu.Lock()
	b := browser
	browserMu.Unlock()
	if b == nil {
		return nil, fmt.Errorf("no browser: SetupSuite was not called in this suite")
	}
	// One round trip (~0.3 ms) finds out a browser that died between specs, before a spec is given its page.
	pingErr := b.Ping(ctx)
	if pingErr == nil {
		return b, nil
	}
	select {
	case <-b.Crashed():
		_ = b.Close()
		return openBrowser(ctx)
	default:
		return nil, fmt.Errorf("the browser does not answer, but its connection is open: %w", pingErr)
	}
}

func closeBrowser() {
	browserMu.Lock()
	b := browser
	browser = nil
	browserMu.Unlock()
	if b != nil {
		gomega.Expect(b.Close()).To(gomega.Succeed())
	}
}

// Browser is this process's browser (for specs that need a second session, say).
func Browser(ctx context.Context) *harness.Browser {
	GinkgoHelper()
	b, err := currentBrowser(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return b
}
