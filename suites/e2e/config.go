package e2e

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/e2e-harness/e2e/harness"
	"github.com/e2e-harness/e2e/internal/config"
)

// Environment variables the suites read. The README documents each; Preflight checks them. The harness itself
// reads none: the glue turns them into harness options (Config.BrowserOptions).
const (
	EnvBaseURL       = "BASE_URL"           // the deployment to test; empty serves the embedded fixture editor
	EnvOutputDir     = "E2E_OUTPUT_DIR"     // where reports and failure artifacts go
	EnvKeepArtifacts = "E2E_KEEP_ARTIFACTS" // 1: keep artifacts of passing specs too
	EnvShard         = "E2E_SHARD"          // i/n: run only the i-th of n deterministic parts of the suite
	EnvSpecTimeout   = "E2E_SPEC_TIMEOUT"   // the time limit of each spec, 30s by default
	EnvInsecure      = "E2E_INSECURE"       // 1: accept a target's invalid TLS certificate
	EnvAssertTimeout = "E2E_ASSERT_TIMEOUT" // how long Eventually waits for an assertion, 5s by default
	EnvWarmPath      = "E2E_WARM_PATH"      // the page prepared sessions load ahead, relative to the base URL
	EnvTrace         = "E2E_TRACE"          // failing (default), on or off: the action trace of failing specs, of all, of none

	// The local loop: watch the browser, slow it down, stop at a failure. Named as make's variables are.
	EnvHeaded         = "HEADED"           // 1: show the browser window (needs a display)
	EnvSlowMotion     = "SLOWMO"           // milliseconds to wait before each action, with the pointer drawn
	EnvPauseOnFailure = "PAUSE_ON_FAILURE" // 1: keep a failed spec's page open until Enter (interactive runs only)

	// EnvRunID is set by make for each run, so that what runs after the suite can tell this run's run.json
	// from an earlier one's.
	EnvRunID = "E2E_RUN_ID"

	// The browser.
	EnvChromeBin         = "CHROME_BIN"             // the Chromium or Chrome binary to launch
	EnvBrowserURL        = "E2E_BROWSER_URL"        // a DevTools endpoint to connect to instead of launching
	EnvLauncherURL       = "E2E_LAUNCHER_URL"       // a rod launcher service (rod-manager) that launches it remotely
	EnvActionTimeout     = "E2E_ACTION_TIMEOUT"     // how long an action waits for its checks, 5s by default
	EnvNavigationTimeout = "E2E_NAVIGATION_TIMEOUT" // how long Goto waits for the load event, 15s by default
	EnvPoolSize          = "E2E_POOL_SIZE"          // isolated sessions prepared ahead per process
	EnvFilmstrip         = "E2E_FILMSTRIP"          // when-waiting (default), on or off: when the screencast filmstrip records
	EnvProtocolTrace     = "E2E_PROTOCOL_TRACE"     // 0: no DevTools protocol trace for failing specs
	EnvProfileRoot       = "E2E_PROFILE_ROOT"       // where launched browsers keep their profiles
)

// Config is how a run is set up. Suites read it from the environment; the smoke runner sets it with Configure.
type Config struct {
	BaseURL       string
	OutputDir     string
	KeepArtifacts bool
	Shard         Shard
	SpecTimeout   time.Duration
	AssertTimeout time.Duration
	Insecure      bool
	// WarmPath, when set, is loaded (relative to the base URL) by every session the pool prepares, so that the
	// app's scripts are compiled and cached in that session before its spec starts. Measured on the fixture
	// editor it saves ~20 ms of a ~120 ms first load, and costs a whole extra load of CPU per spec: worth it
	// only when the browser has CPU to spare. Empty: nothing is loaded ahead.
	WarmPath string
	// Trace says which specs keep an action trace (trace/index.json and its frames): failing ones (the zero
	// value), all, or none.
	Trace TraceMode
	// PauseOnFailure keeps a failed spec's page open until the person at the terminal presses Enter; it
	// pauses only where there is a terminal and CI is not set (PauseAvailable).
	PauseOnFailure bool
	RunID          string
	Browser        BrowserConfig
}

// BrowserConfig is which browser a run drives and how; zero values leave the harness's defaults.
type BrowserConfig struct {
	ChromeBin         string
	BrowserURL        string // connect to this DevTools endpoint instead of launching
	LauncherURL       string // ask this rod launcher service to launch the browser
	ActionTimeout     time.Duration
	NavigationTimeout time.Duration
	PoolSize          *int
	Filmstrip         *harness.FilmstripMode
	ProtocolTrace     *bool
	ProfileRoot       string
	Headed            bool
	SlowMotion        time.Duration
}

// Defaults when the environment does not say otherwise.
const (
	DefaultSpecTimeout   = 30 * time.Second
	DefaultAssertTimeout = 5 * time.Second
)

// ConfigFromEnv reads the documented variables; every malformed value is reported, each naming its variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{SpecTimeout: DefaultSpecTimeout, AssertTimeout: DefaultAssertTimeout}
	err := config.ReadEnv(getenv,
		config.Var{Name: EnvBaseURL, Set: func(raw string) (err error) { cfg.BaseURL, err = ParseBaseURL(raw); return err }},
		config.Var{Name: EnvOutputDir, Set: config.String(&cfg.OutputDir)},
		config.Var{Name: EnvKeepArtifacts, Set: config.Bool(&cfg.KeepArtifacts)},
		config.Var{Name: EnvInsecure, Set: config.Bool(&cfg.Insecure)},
		config.Var{Name: EnvShard, Set: func(raw string) (err error) { cfg.Shard, err = ParseShard(raw); return err }},
		config.Var{Name: EnvSpecTimeout, Set: config.Duration(&cfg.SpecTimeout)},
		config.Var{Name: EnvAssertTimeout, Set: config.Duration(&cfg.AssertTimeout)},
		config.Var{Name: EnvWarmPath, Set: config.String(&cfg.WarmPath)},
		config.Var{Name: EnvTrace, Set: func(raw string) (err error) { cfg.Trace, err = ParseTraceMode(raw); return err }},
		config.Var{Name: EnvPauseOnFailure, Set: config.Bool(&cfg.PauseOnFailure)},
		config.Var{Name: EnvRunID, Set: config.String(&cfg.RunID)},
	)
	if cfg.OutputDir == "" {
		cfg.OutputDir = defaultOutputDir()
	}
	browser, browserErr := BrowserConfigFromEnv(getenv)
	cfg.Browser = browser
	return cfg, errors.Join(err, browserErr)
}

// BrowserConfigFromEnv reads the browser's variables (CHROME_BIN, E2E_BROWSER_URL, E2E_LAUNCHER_URL, the action
// and navigation timeouts, the pool, filmstrip, protocol trace and profile root, HEADED and SLOWMO).
func BrowserConfigFromEnv(getenv func(string) string) (BrowserConfig, error) {
	var b BrowserConfig
	var pool int
	var film harness.FilmstripMode
	var trace bool
	err := config.ReadEnv(getenv,
		config.Var{Name: EnvChromeBin, Set: config.String(&b.ChromeBin)},
		config.Var{Name: EnvBrowserURL, Set: config.Check(&b.BrowserURL, harness.CheckDevToolsURL)},
		config.Var{Name: EnvLauncherURL, Set: config.Check(&b.LauncherURL, harness.CheckDevToolsURL)},
		config.Var{Name: EnvActionTimeout, Set: config.Duration(&b.ActionTimeout)},
		config.Var{Name: EnvNavigationTimeout, Set: config.Duration(&b.NavigationTimeout)},
		config.Var{Name: EnvPoolSize, Set: func(raw string) error {
			err := config.Int(&pool, 0, 16)(raw)
			if err == nil {
				b.PoolSize = &pool
			}
			return err
		}},
		config.Var{Name: EnvFilmstrip, Set: func(raw string) error {
			mode, err := ParseFilmstripMode(raw)
			if err == nil {
				film = mode
				b.Filmstrip = &film
			}
			return err
		}},
		config.Var{Name: EnvProtocolTrace, Set: func(raw string) error {
			err := config.Bool(&trace)(raw)
			if err == nil {
				b.ProtocolTrace = &trace
			}
			return err
		}},
		config.Var{Name: EnvProfileRoot, Set: config.AbsPath(&b.ProfileRoot)},
		config.Var{Name: EnvHeaded, Set: config.Bool(&b.Headed)},
		config.Var{Name: EnvSlowMotion, Set: func(raw string) (err error) { b.SlowMotion, err = ParseSlowMotion(raw); return err }},
	)
	return b, err
}

// Options are the harness options for this browser configuration.
func (b BrowserConfig) Options() []harness.BrowserOption {
	var opts []harness.BrowserOption
	add := func(cond bool, o harness.BrowserOption) {
		if cond {
			opts = append(opts, o)
		}
	}
	add(b.ChromeBin != "", harness.WithChromeBin(b.ChromeBin))
	add(b.BrowserURL != "", harness.WithControlURL(b.BrowserURL))
	add(b.LauncherURL != "", harness.WithLauncherURL(b.LauncherURL))
	add(b.ActionTimeout > 0, harness.WithActionTimeout(b.ActionTimeout))
	add(b.NavigationTimeout > 0, harness.WithNavigationTimeout(b.NavigationTimeout))
	add(b.PoolSize != nil, harness.WithPoolSize(deref(b.PoolSize)))
	add(b.Filmstrip != nil, harness.WithFilmstrip(deref(b.Filmstrip)))
	add(b.ProtocolTrace != nil, harness.WithProtocolTrace(deref(b.ProtocolTrace)))
	add(b.ProfileRoot != "", harness.WithProfileRoot(b.ProfileRoot))
	add(b.Headed, harness.WithHeaded(true))
	add(b.SlowMotion > 0, harness.WithSlowMotion(b.SlowMotion))
	return opts
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// maxSlowMotion bounds SLOWMO: a person watching wants a fraction of a second to a few seconds per action; more
// is a typo (SLOWMO=5000000) that would make every action outlast its spec's time limit.
const maxSlowMotion = 10 * time.Second

// ParseSlowMotion reads SLOWMO: milliseconds (SLOWMO=500), or a Go duration (500ms, 1.5s).
func ParseSlowMotion(raw string) (time.Duration, error) {
	raw = strings.TrimSpace(raw)
	d, err := time.ParseDuration(raw)
	if n, intErr := strconv.Atoi(raw); intErr == nil {
		d, err = time.Duration(n)*time.Millisecond, nil
	}
	if err != nil || d < 0 || d > maxSlowMotion {
		return 0, fmt.Errorf("want milliseconds from 0 to %d, e.g. SLOWMO=500", maxSlowMotion.Milliseconds())
	}
	return d, nil
}

// ParseBaseURL checks a target URL and returns it with a trailing slash, so relative paths resolve below it.
func ParseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("want an http:// or https:// URL, got %q", raw)
	}
	if u.Host == "" {
		return "", errors.New("the URL has no host")
	}
	if u.Port() != "" {
		if p, err := strconv.Atoi(u.Port()); err != nil || p < 1 || p > 65535 {
			return "", fmt.Errorf("port %q is not a port number", u.Port())
		}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("a base URL has no query or fragment")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// defaultOutputDir is out/e2e at the module root when run from inside the module, ./e2e-report otherwise.
func defaultOutputDir() string {
	if root := config.ModuleRoot(); root != "" {
		return filepath.Join(root, "out", "e2e")
	}
	return "e2e-report"
}

// ParseFilmstripMode reads E2E_FILMSTRIP: when-waiting, or a yes/no word for on (from the first paint) or off.
func ParseFilmstripMode(raw string) (harness.FilmstripMode, error) {
	if strings.EqualFold(strings.TrimSpace(raw), "when-waiting") {
		return harness.FilmstripWhenWaiting, nil
	}
	on, err := config.ParseBool(raw)
	if err != nil {
		return harness.FilmstripWhenWaiting, errors.New("want when-waiting (the default: from the first wait on the page), on (from the first paint) or off")
	}
	if on {
		return harness.FilmstripAlways, nil
	}
	return harness.FilmstripOff, nil
}
