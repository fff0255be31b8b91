package e2e

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Environment variables the suites read. The README documents each; Preflight checks them.
const (
	EnvBaseURL       = "BASE_URL"           // the deployment to test; empty serves the embedded fixture editor
	EnvOutputDir     = "E2E_OUTPUT_DIR"     // where reports and failure artifacts go
	EnvKeepArtifacts = "E2E_KEEP_ARTIFACTS" // 1: keep artifacts of passing specs too
	EnvShard         = "E2E_SHARD"          // i/n: run only the i-th of n deterministic parts of the suite
	EnvSpecTimeout   = "E2E_SPEC_TIMEOUT"   // the time limit of each spec, 30s by default
	EnvInsecure      = "E2E_INSECURE"       // 1: accept a target's invalid TLS certificate
	EnvAssertTimeout = "E2E_ASSERT_TIMEOUT" // how long Eventually waits for an assertion, 5s by default
	EnvWarmPath      = "E2E_WARM_PATH"      // the page prepared sessions load ahead, relative to the base URL
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
}

// Defaults when the environment does not say otherwise.
const (
	DefaultSpecTimeout   = 30 * time.Second
	DefaultAssertTimeout = 5 * time.Second
)

// ConfigFromEnv reads the documented variables; a malformed value is an error naming the variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{SpecTimeout: DefaultSpecTimeout, AssertTimeout: DefaultAssertTimeout, OutputDir: getenv(EnvOutputDir),
		WarmPath: getenv(EnvWarmPath)}
	var errs []error
	if raw := getenv(EnvBaseURL); raw != "" {
		u, err := ParseBaseURL(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", EnvBaseURL, raw, err))
		}
		cfg.BaseURL = u
	}
	if cfg.OutputDir == "" {
		cfg.OutputDir = defaultOutputDir()
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{EnvKeepArtifacts, &cfg.KeepArtifacts}, {EnvInsecure, &cfg.Insecure}} {
		switch v := getenv(b.name); v {
		case "", "0", "false":
		case "1", "true":
			*b.dst = true
		default:
			errs = append(errs, fmt.Errorf("%s=%q: want 1 or 0", b.name, v))
		}
	}
	if raw := getenv(EnvShard); raw != "" {
		s, err := ParseShard(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", EnvShard, raw, err))
		}
		cfg.Shard = s
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{EnvSpecTimeout, &cfg.SpecTimeout}, {EnvAssertTimeout, &cfg.AssertTimeout}} {
		raw := getenv(d.name)
		if raw == "" {
			continue
		}
		v, err := time.ParseDuration(raw)
		if err != nil || v <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a positive duration such as 30s", d.name, raw))
			continue
		}
		*d.dst = v
	}
	return cfg, errors.Join(errs...)
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
	dir, err := os.Getwd()
	if err != nil {
		return "e2e-report"
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "out", "e2e")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "e2e-report")
		}
	}
}
