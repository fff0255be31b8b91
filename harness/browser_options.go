package harness

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Defaults that every option below can override.
const (
	DefaultWindowWidth       = 1280
	DefaultWindowHeight      = 720
	DefaultActionTimeout     = 5 * time.Second
	DefaultNavigationTimeout = 15 * time.Second
	DefaultPoolSize          = 1
)

// BrowserOption configures Launch, Connect and Open.
type BrowserOption func(*browserConfig)

type browserConfig struct {
	chromeBin         string
	controlURL        string // connect to this DevTools endpoint instead of launching
	launcherURL       string // a rod launcher.Manager that launches the browser for us
	allowedHosts      []string
	openNetwork       bool
	extraFlags        map[string]string
	windowWidth       int
	windowHeight      int
	poolSize          int
	actionTimeout     time.Duration
	navigationTimeout time.Duration
	testIDAttribute   string
	profileRoot       string
	stderr            func(string)
	warmURL           string
	filmstrip         FilmstripMode
	protocolTrace     bool
	headed            bool
	slowMotion        time.Duration
}

func defaultBrowserConfig() browserConfig {
	return browserConfig{
		extraFlags:        map[string]string{},
		windowWidth:       DefaultWindowWidth,
		windowHeight:      DefaultWindowHeight,
		poolSize:          DefaultPoolSize,
		actionTimeout:     DefaultActionTimeout,
		navigationTimeout: DefaultNavigationTimeout,
		testIDAttribute:   "data-testid",
		filmstrip:         FilmstripWhenWaiting,
		protocolTrace:     true,
	}
}

// WithChromeBin launches this binary instead of looking for one.
func WithChromeBin(path string) BrowserOption { return func(c *browserConfig) { c.chromeBin = path } }

// WithAllowedHosts lets pages resolve these host names (or the hosts of these URLs). Everything else but
// loopback resolves to nothing: the browser is hermetic by default, so a spec cannot depend on, or leak to, a
// host nobody named.
func WithAllowedHosts(hostsOrURLs ...string) BrowserOption {
	return func(c *browserConfig) {
		for _, h := range hostsOrURLs {
			if host := hostOf(h); host != "" {
				c.allowedHosts = append(c.allowedHosts, host)
			}
		}
	}
}

// WithHeaded shows the browser window (a display is needed: DISPLAY or WAYLAND_DISPLAY), for a person to watch
// a spec or record one. Launched browsers are headless by default.
func WithHeaded(on bool) BrowserOption { return func(c *browserConfig) { c.headed = on } }

// WithSlowMotion waits d before every action and shows the mouse pointer on the page as a dot (red while a
// button is pressed), so a person watching a headed browser can follow what the spec does. The dot is an
// element the harness adds to the page, invisible to pointer events; use this only to watch, never in CI.
func WithSlowMotion(d time.Duration) BrowserOption {
	return func(c *browserConfig) { c.slowMotion = d }
}

// WithOpenNetwork turns the hermetic host-resolver rules off.
func WithOpenNetwork() BrowserOption { return func(c *browserConfig) { c.openNetwork = true } }

// WithFlag adds a Chromium command-line flag (value may be empty for a switch).
func WithFlag(name, value string) BrowserOption {
	return func(c *browserConfig) { c.extraFlags[strings.TrimLeft(name, "-")] = value }
}

// WithWindowSize sets the browser window, and so the viewport, in CSS pixels.
func WithWindowSize(width, height int) BrowserOption {
	return func(c *browserConfig) { c.windowWidth, c.windowHeight = width, height }
}

// WithPoolSize sets how many isolated sessions are prepared ahead while specs run (0 turns the pool off).
func WithPoolSize(n int) BrowserOption { return func(c *browserConfig) { c.poolSize = n } }

// WithActionTimeout sets how long an action waits for its checks before it fails.
func WithActionTimeout(d time.Duration) BrowserOption {
	return func(c *browserConfig) { c.actionTimeout = d }
}

// WithNavigationTimeout sets how long Goto and Reload wait for the page's load event.
func WithNavigationTimeout(d time.Duration) BrowserOption {
	return func(c *browserConfig) { c.navigationTimeout = d }
}

// WithTestIDAttribute changes the attribute ByTestID matches (data-testid by default).
func WithTestIDAttribute(name string) BrowserOption {
	return func(c *browserConfig) { c.testIDAttribute = name }
}

// WithControlURL connects to a running browser's DevTools WebSocket instead of launching one.
func WithControlURL(wsURL string) BrowserOption {
	return func(c *browserConfig) { c.controlURL = wsURL }
}

// WithLauncherURL asks a remote rod launcher.Manager (rod-manager) to launch the browser.
func WithLauncherURL(u string) BrowserOption { return func(c *browserConfig) { c.launcherURL = u } }

// WithWarmURL makes the pool load this URL in every session it prepares. The first page of a site in a new
// browser context costs a renderer process (~100 ms here); loading any page of the site under test ahead moves
// that cost out of the spec. Use a cheap page of the same site (a health check, the app root).
func WithWarmURL(u string) BrowserOption { return func(c *browserConfig) { c.warmURL = u } }

// WithFilmstrip says when a session's page records its screencast: the filmstrip of a failing spec and the
// before and after frames of its action trace (FilmstripWhenWaiting by default).
func WithFilmstrip(mode FilmstripMode) BrowserOption {
	return func(c *browserConfig) { c.filmstrip = mode }
}

// WithProtocolTrace turns the per-session record of DevTools protocol traffic on or off (on by default).
func WithProtocolTrace(on bool) BrowserOption { return func(c *browserConfig) { c.protocolTrace = on } }

// WithProfileRoot keeps browser profiles under this directory instead of $TMPDIR/e2e-harness.
func WithProfileRoot(dir string) BrowserOption { return func(c *browserConfig) { c.profileRoot = dir } }

// WithBrowserLog receives each line Chromium writes to stderr (dropped by default).
func WithBrowserLog(f func(line string)) BrowserOption {
	return func(c *browserConfig) { c.stderr = f }
}

// CheckDevToolsURL accepts the addresses a DevTools endpoint or a launcher service has: ws(s):// or http(s)://
// with a host. Connect and the glue's E2E_BROWSER_URL and E2E_LAUNCHER_URL use it, so they agree on what a
// browser address is.
func CheckDevToolsURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme != "ws" && u.Scheme != "wss" && u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("want a ws://, wss://, http:// or https:// URL, got scheme %q", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("the URL has no host")
	}
	return nil
}

// hostOf accepts "example.com", "example.com:8443" or a URL and returns the host name.
func hostOf(s string) string {
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return ""
		}
		return u.Hostname()
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		return h
	}
	return strings.Trim(s, "[]")
}
