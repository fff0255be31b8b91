package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/launcher/flags"
	"github.com/go-rod/rod/lib/proto"
)

// Browser is one Chromium, launched on this machine or reached over the DevTools protocol. It hands out isolated
// sessions; one Browser per test process is the intended use (a new browser per spec costs ~200 ms).
type Browser struct {
	cfg     browserConfig
	rod     *rod.Browser
	conn    *cdpConn
	version string
	wsURL   string // the browser's DevTools WebSocket

	launched *launchedProcess // nil when connected to a browser someone else runs

	pool        *sessionPool
	background  sync.WaitGroup // sessions being prepared or disposed of in the background
	closeOnce   sync.Once
	closeErr    error
	closed      chan struct{}
	sessionsMu  sync.Mutex
	sessionsOut map[*Session]struct{}
}

type launchedProcess struct {
	launcher *launcher.Launcher
	pid      int
	profile  *profile
	exited   chan struct{}
}

// Open starts a browser the way the options ask: WithControlURL connects to a running browser, WithLauncherURL
// asks a remote rod launcher service, otherwise the machine's Chromium is launched (WithChromeBin,
// /usr/bin/chromium, or a Chrome on PATH). The harness reads no environment variable: the suites' glue turns
// CHROME_BIN, E2E_BROWSER_URL and the others into these options.
func Open(ctx context.Context, opts ...BrowserOption) (*Browser, error) {
	cfg := defaultBrowserConfig()
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.controlURL != "":
		return connect(ctx, cfg)
	case cfg.launcherURL != "":
		return launchRemote(ctx, cfg)
	default:
		return launch(ctx, cfg)
	}
}

// Launch starts the machine's Chromium with the harness's flags: headless, hermetic network, a fresh profile.
func Launch(ctx context.Context, opts ...BrowserOption) (*Browser, error) {
	cfg := defaultBrowserConfig()
	for _, o := range opts {
		o(&cfg)
	}
	return launch(ctx, cfg)
}

// Connect drives a browser that is already running, through its DevTools endpoint (ws://host:port/devtools/…
// or http://host:port, as browserless, Selenium Grid or chromium --remote-debugging-port serve). Close leaves
// that browser running.
func Connect(ctx context.Context, controlURL string, opts ...BrowserOption) (*Browser, error) {
	cfg := defaultBrowserConfig()
	for _, o := range opts {
		o(&cfg)
	}
	cfg.controlURL = controlURL
	return connect(ctx, cfg)
}

// FindChrome returns the browser binary Launch would use: explicit when it is given, else /usr/bin/chromium or
// a Chromium or Chrome on PATH; or an error that says what to install.
func FindChrome(explicit string) (string, error) {
	if explicit != "" {
		return checkBrowserBinary(explicit)
	}
	for _, candidate := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(candidate); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found: install Debian's chromium (apt-get install chromium) or name a Chrome or Chromium binary (CHROME_BIN)")
}

func checkBrowserBinary(path string) (string, error) {
	p, err := exec.LookPath(path)
	if err != nil {
		if _, statErr := os.Stat(path); statErr != nil {
			return "", fmt.Errorf("%s does not exist", path)
		}
		return "", fmt.Errorf("%s is not an executable file", path)
	}
	return p, nil
}

// chromiumFlags are the flags every launched Chromium gets, on top of rod's defaults.
func chromiumFlags(cfg browserConfig) map[string]string {
	flags := map[string]string{
		"headless":                      "",
		"no-sandbox":                    "",
		"disable-gpu":                   "",
		"disable-quic":                  "",
		"no-first-run":                  "",
		"disable-background-networking": "",
		"disable-component-update":      "",
		"disable-sync":                  "",
		"window-size":                   fmt.Sprintf("%d,%d", cfg.windowWidth, cfg.windowHeight),
	}
	if cfg.headed {
		delete(flags, "headless")
	}
	if !cfg.openNetwork {
		flags["host-resolver-rules"] = hostResolverRules(cfg.allowedHosts)
	}
	for k, v := range cfg.extraFlags {
		flags[k] = v
	}
	return flags
}

// setChromiumFlags puts the harness's flags on a launcher, local or managed. rod's own disable-features
// (site-per-process, TranslateUI) stay; ours are appended to them.
func setChromiumFlags(l *launcher.Launcher, cfg browserConfig) {
	for k, v := range chromiumFlags(cfg) {
		if v == "" {
			l.Set(flags.Flag(k))
		} else {
			l.Set(flags.Flag(k), v)
		}
	}
	l.Append("disable-features", disabledFeatures...)
	if cfg.headed {
		l.Delete(flags.Headless) // rod's launcher is headless by default too
	}
}

// disabledFeatures are Chromium features the harness turns off. AutofillServerCommunication looks up Google's
// hosts all through a run. The omnibox popups are Chrome's own address-bar UI, which the new headless mode
// preloads as two WebUI renderers in every window, so in every isolated session: measured here they were a
// third of the CPU a spec cost on a 2-core machine, for a UI no headless test can see.
var disabledFeatures = []string{"AutofillServerCommunication", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"}

// hostResolverRules makes every host name but the allowed ones and loopback fail to resolve. Without it Chromium
// looks up Google's hosts (autofill, accounts, updates) throughout a run, ~180 queries per 20 specs measured here.
func hostResolverRules(allowed []string) string {
	parts := []string{"MAP * ~NOTFOUND"}
	seen := map[string]bool{}
	for _, h := range append(append([]string(nil), allowed...), "127.0.0.1", "localhost") {
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		parts = append(parts, "EXCLUDE "+h)
	}
	return strings.Join(parts, " , ")
}

// ErrNoDisplay: a headed browser was asked for, and Chromium found no display to open its window on.
var ErrNoDisplay = errors.New("a headed browser needs a display, and Chromium found none (no X server or $DISPLAY): run headless, or under xvfb-run")

// startTimeout bounds starting or reaching a browser when the caller's context has no deadline: a binary that
// never prints its DevTools address, or an endpoint that accepts and never answers, must not hang a run.
const startTimeout = 60 * time.Second

func launch(ctx context.Context, cfg browserConfig) (*Browser, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	bin, err := FindChrome(cfg.chromeBin)
	if err != nil {
		return nil, err
	}
	prof, err := newProfile(cfg.profileRoot)
	if err != nil {
		return nil, err
	}
	l := launcher.New().Context(ctx).Bin(bin).Leakless(true).UserDataDir(prof.userDataDir).
		Env(append(os.Environ(), "TMPDIR="+prof.tmpDir)...)
	setChromiumFlags(l, cfg)
	if cfg.stderr != nil {
		l.Logger(lineWriter(cfg.stderr))
	}
	wsURL, err := l.Launch()
	if err != nil {
		_ = prof.remove()
		if cfg.headed && strings.Contains(err.Error(), "Missing X server") {
			return nil, ErrNoDisplay
		}
		return nil, fmt.Errorf("launching %s: %w (is it a Chrome or Chromium binary?)", bin, launchFailure(err))
	}
	proc := &launchedProcess{launcher: l, pid: l.PID(), profile: prof, exited: make(chan struct{})}
	go func() {
		l.Cleanup() // returns when the process has exited
		close(proc.exited)
	}()
	if err := prof.guard(proc.pid); err != nil {
		proc.kill()
		_ = prof.remove()
		return nil, err
	}
	b, err := attach(ctx, cfg, wsURL, nil)
	if err != nil {
		proc.kill()
		_ = prof.remove()
		return nil, fmt.Errorf("connecting to the launched browser: %w", err)
	}
	b.launched = proc
	return b, nil
}

func launchFailure(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("it did not print a DevTools address before the deadline")
	}
	return err
}

func connect(ctx context.Context, cfg browserConfig) (*Browser, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	wsURL := cfg.controlURL
	if !strings.HasPrefix(wsURL, "ws") {
		resolved, err := launcher.ResolveURL(wsURL)
		if err != nil {
			return nil, fmt.Errorf("no DevTools endpoint answers at %s: %w", cfg.controlURL, err)
		}
		wsURL = resolved
	}
	b, err := attach(ctx, cfg, wsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to the browser at %s: %w", cfg.controlURL, err)
	}
	return b, nil
}

// launchRemote asks a rod launcher.Manager on another host to start a browser with our flags; the manager
// proxies the DevTools connection and kills that browser when the connection closes.
func launchRemote(ctx context.Context, cfg browserConfig) (*Browser, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	l, err := launcher.NewManaged(cfg.launcherURL)
	if err != nil {
		return nil, fmt.Errorf("the launcher service at %s did not answer: %w", cfg.launcherURL, err)
	}
	setChromiumFlags(l, cfg)
	u, header := l.ClientHeader()
	b, err := attach(ctx, cfg, u, header)
	if err != nil {
		return nil, fmt.Errorf("launching a browser through the launcher service at %s: %w", cfg.launcherURL, err)
	}
	return b, nil
}

func attach(ctx context.Context, cfg browserConfig, wsURL string, header map[string][]string) (*Browser, error) {
	conn, err := dialCDP(ctx, wsURL, header)
	if err != nil {
		return nil, err
	}
	r := rod.New().Client(conn).NoDefaultDevice()
	if err := r.Connect(); err != nil {
		_ = conn.close()
		return nil, err
	}
	v, err := proto.BrowserGetVersion{}.Call(r.Context(ctx))
	if err != nil {
		_ = conn.close()
		return nil, err
	}
	b := &Browser{cfg: cfg, rod: r, conn: conn, version: v.Product, wsURL: wsURL, closed: make(chan struct{}), sessionsOut: map[*Session]struct{}{}}
	b.pool = newSessionPool(b, cfg.poolSize)
	return b, nil
}

// Version is the browser's product string, e.g. "Chrome/156.0.8078.79".
func (b *Browser) Version() string { return b.version }

// PID is the launched browser's process id, 0 when connected to a browser run elsewhere.
func (b *Browser) PID() int {
	if b.launched == nil {
		return 0
	}
	return b.launched.pid
}

// CommandLine is the command line the browser runs with, as it reports it: to check which flags a launched or
// connected browser really has (a connected browser keeps the flags it was started with).
func (b *Browser) CommandLine(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := proto.BrowserGetBrowserCommandLine{}.Call(b.rod.Context(ctx))
	if err != nil {
		return nil, fmt.Errorf("reading the browser's command line: %w", err)
	}
	return res.Arguments, nil
}

// Crashed is closed when the connection to the browser is lost: the process died or the remote end went away.
func (b *Browser) Crashed() <-chan struct{} { return b.conn.lost }

// Ping asks the browser for its version: a browser that died while nobody was talking to it is found out
// here, and Crashed is closed.
func (b *Browser) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := (proto.BrowserGetVersion{}).Call(b.rod.Context(ctx)); err != nil {
		return fmt.Errorf("the browser does not answer: %w", err)
	}
	return nil
}

// Close ends every session, then the browser (a launched one is stopped and its profile removed; a connected
// one is left running). It waits for all of it, and is safe to call more than once.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		close(b.closed)
		b.pool.stop()
		b.sessionsMu.Lock()
		open := make([]*Session, 0, len(b.sessionsOut))
		for s := range b.sessionsOut {
			open = append(open, s)
		}
		b.sessionsMu.Unlock()
		for _, s := range open {
			_ = s.Close()
		}
		waitGroupFor(&b.background, 5*time.Second)
		if b.launched == nil {
			b.closeErr = b.conn.close()
			return
		}
		b.closeErr = b.launched.stop(b.rod)
		_ = b.conn.close()
	})
	return b.closeErr
}

func (p *launchedProcess) stop(r *rod.Browser) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_ = proto.BrowserClose{}.Call(r.Context(ctx))
	cancel()
	select {
	case <-p.exited:
	case <-time.After(3 * time.Second):
		p.kill()
		<-p.exited
	}
	return p.profile.remove()
}

// kill ends the browser's whole process group (renderers, GPU and zygote processes included).
func (p *launchedProcess) kill() {
	if p.pid > 0 {
		_ = syscall.Kill(-p.pid, syscall.SIGKILL)
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
}

func waitGroupFor(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// lineWriter passes each complete line written to it to f.
func lineWriter(f func(string)) io.Writer {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			f(sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	return pw
}

// CheckBrowserBinary runs bin --version and makes sure it is a Chrome or Chromium, so a wrong CHROME_BIN is
// reported as such rather than as a launch that never prints a DevTools address.
func CheckBrowserBinary(ctx context.Context, bin string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").CombinedOutput()
	// Debian's wrapper script may print a shell warning first; the version is the line that names the browser.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	version := lines[0]
	for _, l := range lines {
		if strings.Contains(l, "Chromium") || strings.Contains(l, "Chrome") {
			version = l
		}
	}
	if err != nil || !(strings.Contains(version, "Chromium") || strings.Contains(version, "Chrome")) {
		if len(version) > 80 {
			version = version[:80] + "…"
		}
		return fmt.Errorf("%s is not a Chrome or Chromium browser (its --version said %q); name one (CHROME_BIN) or install Debian's chromium", bin, version)
	}
	return nil
}

// CheckEndpoint makes sure a DevTools endpoint answers.
func CheckEndpoint(ctx context.Context, controlURL string) error {
	if err := CheckDevToolsURL(controlURL); err != nil {
		return fmt.Errorf("%q: %w", controlURL, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	wsURL := controlURL
	if !strings.HasPrefix(wsURL, "ws") {
		resolved, err := launcher.ResolveURL(controlURL)
		if err != nil {
			return fmt.Errorf("no DevTools endpoint answers at %s: %v", controlURL, err)
		}
		wsURL = resolved
	}
	conn, err := dialCDP(ctx, wsURL, nil)
	if err != nil {
		return fmt.Errorf("no DevTools endpoint answers at %s: %v", controlURL, err)
	}
	return conn.close()
}
