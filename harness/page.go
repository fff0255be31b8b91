package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Page is a session's browser tab. Every call that waits takes a context and is also bounded by the harness's
// own default timeouts, so nothing waits forever.
type Page struct {
	session *Session
	rod     *rod.Page
	frameID proto.PageFrameID
	world   *world

	life   context.Context // ends when the page crashes, its session closes or the browser goes away
	cancel context.CancelCauseFunc

	// One action at a time: the mouse and keyboard are shared state of the page.
	actionMu sync.Mutex
	mouseX   float64
	mouseY   float64

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every state change below
	lifecycle map[proto.NetworkLoaderID]map[string]bool
	// documentStatus is the HTTP status of each main-frame document, by loader, as the network events said.
	documentStatus map[proto.NetworkLoaderID]int
	crashErr       error
	drags          []*proto.InputDragIntercepted

	network networkLog
	film    filmstripRecorder
	// filmStarted: the screencast has been asked for (at install with FilmstripAlways, else by StartFilmstrip).
	filmStarted atomic.Bool

	afterFirstLoad func() // run once, after the first Goto or Reload ends (the pool refills then)
	loadedOnce     sync.Once
}

func newPage(s *Session, rp *rod.Page) *Page {
	life, cancel := context.WithCancelCause(context.Background())
	p := &Page{
		session:   s,
		rod:       rp,
		frameID:   rp.FrameID,
		life:      life,
		cancel:    cancel,
		changed:   make(chan struct{}),
		lifecycle: map[proto.NetworkLoaderID]map[string]bool{},

		documentStatus: map[proto.NetworkLoaderID]int{},
	}
	p.world = &world{page: p}
	go func() {
		select {
		case <-s.browser.conn.lost:
			p.fail(&CrashError{What: "the browser process exited"})
		case <-life.Done():
		}
	}()
	go p.listen(rp.Event())
	return p
}

// install prepares a fresh page: the engine in every future document, the untrusted-event binding, and the
// events the harness follows (lifecycle for navigation, console and exceptions for reports).
func (p *Page) install(ctx context.Context) error {
	c, done := p.client(ctx)
	defer done()
	if err := (proto.RuntimeEnable{}).Call(c); err != nil {
		return err
	}
	if err := (proto.PageSetLifecycleEventsEnabled{Enabled: true}).Call(c); err != nil {
		return err
	}
	if _, err := (proto.PageAddScriptToEvaluateOnNewDocument{Source: engineSource, WorldName: worldName}).Call(c); err != nil {
		return err
	}
	if err := (proto.RuntimeAddBinding{Name: untrustedBinding, ExecutionContextName: worldName}).Call(c); err != nil {
		return err
	}
	if err := (proto.NetworkEnable{}).Call(c); err != nil {
		return err
	}
	switch p.session.browser.cfg.filmstrip {
	case FilmstripAlways:
		p.filmStarted.Store(true)
		return p.startScreencast(ctx)
	case FilmstripWhenWaiting:
		return proto.RuntimeAddBinding{Name: waitingBinding, ExecutionContextName: worldName}.Call(c)
	}
	return nil
}

// client is the page bound to ctx and to the page's own life: a call is abandoned when either ends, so a call
// into a crashed page returns at once instead of at its deadline. Call done when the calls are over.
func (p *Page) client(ctx context.Context) (c pageClient, done func()) {
	merged, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(p.life, func() { cancel(context.Cause(p.life)) })
	return pageClient{conn: p.session.browser.conn, session: p.rod.SessionID, ctx: merged}, func() {
		stop()
		cancel(nil)
	}
}

// pageClient sends a page's protocol calls straight to the connection. rod's own page client also keeps the
// parameters of every call it makes, per session and method, for as long as the browser lives: over a long run
// that is memory growing with every spec, for state the harness never reads back.
type pageClient struct {
	conn    *cdpConn
	session proto.TargetSessionID
	ctx     context.Context
}

func (c pageClient) Call(ctx context.Context, sessionID, method string, params any) ([]byte, error) {
	return c.conn.Call(ctx, sessionID, method, params)
}

func (c pageClient) GetSessionID() proto.TargetSessionID { return c.session }

func (c pageClient) GetContext() context.Context { return c.ctx }

// explain turns a failed protocol call into the error a person should read: a crash or a closed session beats
// the bare transport error it caused.
func (p *Page) explain(ctx context.Context, err error, during string) error {
	if crash := p.crashed(); crash != nil {
		var ce *CrashError
		if errors.As(crash, &ce) {
			return &CrashError{What: ce.What, During: during}
		}
		return crash
	}
	var ce *CrashError
	if errors.As(err, &ce) {
		return &CrashError{What: ce.What, During: during}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func (p *Page) crashed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.crashErr
}

// fail marks the page dead with err (a crash) and wakes everything that waits on it.
func (p *Page) fail(err error) {
	p.mu.Lock()
	if p.crashErr == nil {
		p.crashErr = err
	}
	p.broadcastLocked()
	p.mu.Unlock()
	p.cancel(err)
}

func (p *Page) shutdown() { p.cancel(errors.New("the session is closed")) }

func (p *Page) broadcastLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// waitFor blocks until cond holds (checked under the page's lock after every event), ctx ends or the page dies.
func (p *Page) waitFor(ctx context.Context, cond func() bool) error {
	for {
		p.mu.Lock()
		if cond() {
			p.mu.Unlock()
			return nil
		}
		if p.crashErr != nil {
			err := p.crashErr
			p.mu.Unlock()
			return err
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-p.life.Done():
			if err := p.crashed(); err != nil {
				return err
			}
			return context.Cause(p.life)
		}
	}
}

// eventAs decodes a protocol event's parameters as the event type E.
func eventAs[E any, PE interface {
	*E
	proto.Event
}](msg *rod.Message) *E {
	var e E
	msg.Load(PE(&e))
	return &e
}

// listen follows the page's protocol events for as long as the page lives.
func (p *Page) listen(events <-chan *rod.Message) {
	for msg := range events {
		switch msg.Method {
		case "Page.lifecycleEvent":
			e := eventAs[proto.PageLifecycleEvent](msg)
			if e.FrameID != p.frameID {
				continue
			}
			p.mu.Lock()
			if e.Name == "init" {
				// A new document: forget old loaders so the map stays small over a long spec.
				if len(p.lifecycle) > 16 {
					p.lifecycle = map[proto.NetworkLoaderID]map[string]bool{}
					p.documentStatus = map[proto.NetworkLoaderID]int{}
				}
			}
			if p.lifecycle[e.LoaderID] == nil {
				p.lifecycle[e.LoaderID] = map[string]bool{}
			}
			p.lifecycle[e.LoaderID][string(e.Name)] = true
			p.broadcastLocked()
			p.mu.Unlock()
		case "Runtime.executionContextCreated":
			// The engine's world in a new document of the main frame: the script added for every new document
			// made it, so the next engine call needs no round trip to look it up.
			e := eventAs[proto.RuntimeExecutionContextCreated](msg)
			if e.Context != nil && e.Context.Name == worldName && frameOf(e.Context) == p.frameID {
				p.world.learn(e.Context.ID)
			}
		case "Runtime.executionContextDestroyed":
			p.world.forget(eventAs[proto.RuntimeExecutionContextDestroyed](msg).ExecutionContextID)
		case "Runtime.executionContextsCleared":
			p.world.forget(0)
		case "Runtime.bindingCalled":
			e := eventAs[proto.RuntimeBindingCalled](msg)
			switch e.Name {
			case untrustedBinding:
				p.session.recordUntrusted(e.Payload)
			case waitingBinding:
				p.StartFilmstrip()
			default:
				p.bindingCalled(e.Name, e.Payload) // a tool's binding (page_scripts.go)
			}
		case "Runtime.consoleAPICalled":
			p.session.recordConsole(eventAs[proto.RuntimeConsoleAPICalled](msg))
		case "Runtime.exceptionThrown":
			p.session.recordPageError(eventAs[proto.RuntimeExceptionThrown](msg))
		case "Page.javascriptDialogOpening":
			e := eventAs[proto.PageJavascriptDialogOpening](msg)
			p.session.recordDialog(e)
			// An unanswered alert() blocks the page's main thread; dismiss it as Playwright does by default.
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				c, done := p.client(ctx)
				defer done()
				_ = proto.PageHandleJavaScriptDialog{Accept: e.Type == proto.PageDialogTypeBeforeunload}.Call(c)
			}()
		case "Network.requestWillBeSent":
			p.network.requestWillBeSent(eventAs[proto.NetworkRequestWillBeSent](msg))
		case "Network.responseReceived":
			e := eventAs[proto.NetworkResponseReceived](msg)
			p.network.responseReceived(e)
			if e.Type == proto.NetworkResourceTypeDocument && e.FrameID == p.frameID && e.Response != nil {
				p.mu.Lock()
				p.documentStatus[e.LoaderID] = e.Response.Status
				p.mu.Unlock()
			}
		case "Network.loadingFinished":
			p.network.loadingFinished(eventAs[proto.NetworkLoadingFinished](msg))
		case "Network.loadingFailed":
			p.network.loadingFailed(eventAs[proto.NetworkLoadingFailed](msg))
		case "Page.screencastFrame":
			p.screencastFrame(eventAs[proto.PageScreencastFrame](msg))
		case "Inspector.targetCrashed":
			p.fail(&CrashError{What: "the page's renderer process crashed"})
		case "Input.dragIntercepted":
			e := eventAs[proto.InputDragIntercepted](msg)
			p.mu.Lock()
			p.drags = append(p.drags, e)
			p.broadcastLocked()
			p.mu.Unlock()
		}
	}
	// The event stream ends when the target is detached or destroyed.
	p.mu.Lock()
	closed := p.crashErr == nil
	p.mu.Unlock()
	if closed {
		select {
		case <-p.life.Done():
		default:
			p.fail(&CrashError{What: "the page was closed or its target went away"})
		}
	}
}

// GotoOption changes how Goto and Reload wait.
type GotoOption func(*gotoConfig)

type gotoConfig struct {
	waitFor        string
	allowHTTPError bool
}

// WaitForDOMContentLoaded returns once the document is parsed instead of waiting for the load event.
func WaitForDOMContentLoaded() GotoOption {
	return func(c *gotoConfig) { c.waitFor = "DOMContentLoaded" }
}

// AllowHTTPError accepts a page served with a 4xx or 5xx status (an error page under test).
func AllowHTTPError() GotoOption { return func(c *gotoConfig) { c.allowHTTPError = true } }

// Goto loads rawURL and waits for its load event. A network error, an HTTP error status (unless
// AllowHTTPError) or a page that does not finish loading in time is a *NavigationError.
func (p *Page) Goto(ctx context.Context, rawURL string, opts ...GotoOption) error {
	cfg := gotoConfig{waitFor: "load"}
	for _, o := range opts {
		o(&cfg)
	}
	defer p.firstLoadDone()
	return p.load(ctx, rawURL, cfg)
}

// Phases of a navigation, for *NavigationError.
const (
	phaseNavigate = "sending the navigation"
	phaseLoad     = "waiting for the load event"
	phaseStatus   = "checking the response"
	phaseReload   = "reloading"
)

func (p *Page) load(ctx context.Context, rawURL string, cfg gotoConfig) error {
	if _, err := url.Parse(rawURL); err != nil {
		return &NavigationError{URL: rawURL, Phase: phaseNavigate, Reason: "not a URL: " + err.Error()}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, p.session.browser.cfg.navigationTimeout)
	defer cancel()
	c, done := p.client(ctx)
	defer done()
	res, err := proto.PageNavigate{URL: rawURL}.Call(c)
	if err != nil {
		return p.navigationFailed(ctx, rawURL, phaseNavigate, start, err)
	}
	if res.ErrorText != "" {
		return &NavigationError{URL: rawURL, Phase: phaseNavigate, Reason: res.ErrorText, Hint: p.navigationHint(rawURL, res.ErrorText)}
	}
	if res.LoaderID == "" {
		return nil // a same-document navigation (#fragment): nothing to load
	}
	if err := p.waitLoaded(ctx, res.LoaderID, cfg.waitFor, rawURL, start); err != nil {
		return err
	}
	if !cfg.allowHTTPError {
		return p.checkStatus(ctx, rawURL, res.LoaderID, start)
	}
	return nil
}

// navigationFailed turns a failed step of a navigation into the *NavigationError a person reads: which URL,
// how far it got, and why (a crash, the navigation timeout, the caller's deadline).
func (p *Page) navigationFailed(ctx context.Context, rawURL, phase string, start time.Time, err error) error {
	err = p.explain(ctx, err, phase+" "+rawURL)
	reason := err.Error()
	switch {
	case errors.Is(err, ErrBrowserCrashed):
	case errors.Is(err, context.DeadlineExceeded):
		reason = fmt.Sprintf("no answer within %s", time.Since(start).Round(time.Millisecond))
	case errors.Is(err, context.Canceled):
		reason = "the navigation was cancelled (the spec ended or was interrupted)"
	}
	return &NavigationError{URL: rawURL, Phase: phase, Reason: reason, Err: err}
}

func (p *Page) waitLoaded(ctx context.Context, loader proto.NetworkLoaderID, event, rawURL string, start time.Time) error {
	err := p.waitFor(ctx, func() bool { return p.lifecycle[loader][event] })
	if errors.Is(err, context.DeadlineExceeded) {
		return &NavigationError{URL: rawURL, Phase: phaseLoad, Err: err,
			Reason: fmt.Sprintf("the page did not reach its %s event within %s", event, time.Since(start).Round(time.Millisecond)),
			Hint:   "a request that never finishes keeps the load event from firing; allow more time (WithNavigationTimeout, E2E_NAVIGATION_TIMEOUT in the suites) or wait with WaitForDOMContentLoaded"}
	}
	if err != nil {
		return p.navigationFailed(ctx, rawURL, phaseLoad, start, err)
	}
	return nil
}

// checkStatus fails a navigation whose document came with an HTTP error status: as the network events said
// (they arrive before the load event), else as the document itself says.
func (p *Page) checkStatus(ctx context.Context, rawURL string, loader proto.NetworkLoaderID, start time.Time) error {
	p.mu.Lock()
	status, seen := p.documentStatus[loader]
	p.mu.Unlock()
	if seen {
		return httpStatusError(rawURL, status)
	}
	var nav struct {
		Status int    `json:"status"`
		URL    string `json:"url"`
	}
	if err := p.world.call(ctx, "navigationStatus", nil, &nav); err != nil {
		if errors.Is(err, errContextGone) {
			return nil
		}
		return p.navigationFailed(ctx, rawURL, phaseStatus, start, err)
	}
	return httpStatusError(rawURL, nav.Status)
}

func httpStatusError(rawURL string, status int) error {
	if status >= 400 {
		return &NavigationError{URL: rawURL, Phase: phaseStatus, Reason: fmt.Sprintf("the server answered HTTP %d", status)}
	}
	return nil
}

func (p *Page) navigationHint(rawURL, errorText string) string {
	if !strings.Contains(errorText, "ERR_NAME_NOT_RESOLVED") {
		return ""
	}
	cfg := p.session.browser.cfg
	if cfg.openNetwork || p.session.browser.launched == nil {
		return ""
	}
	return fmt.Sprintf("the browser is hermetic: only loopback and the allowed hosts %v resolve; allow %q with WithAllowedHosts", cfg.allowedHosts, hostOf(rawURL))
}

// Reload reloads the page and waits for its load event.
func (p *Page) Reload(ctx context.Context, opts ...GotoOption) error {
	cfg := gotoConfig{waitFor: "load"}
	for _, o := range opts {
		o(&cfg)
	}
	defer p.firstLoadDone()
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, p.session.browser.cfg.navigationTimeout)
	defer cancel()
	before := p.loaders()
	c, done := p.client(ctx)
	defer done()
	if err := (proto.PageReload{}).Call(c); err != nil {
		return p.navigationFailed(ctx, "(reload)", phaseReload, start, err)
	}
	var loader proto.NetworkLoaderID
	err := p.waitFor(ctx, func() bool {
		for id, events := range p.lifecycle {
			if !before[id] && events["init"] {
				loader = id
				return true
			}
		}
		return false
	})
	if err != nil {
		return p.navigationFailed(ctx, "(reload)", phaseReload, start, err)
	}
	return p.waitLoaded(ctx, loader, cfg.waitFor, "(reload)", start)
}

func (p *Page) firstLoadDone() {
	p.loadedOnce.Do(func() {
		if p.afterFirstLoad != nil {
			p.afterFirstLoad()
		}
	})
}

func (p *Page) loaders() map[proto.NetworkLoaderID]bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[proto.NetworkLoaderID]bool{}
	for id := range p.lifecycle {
		out[id] = true
	}
	return out
}

// URL is the address of the page's current document.
func (p *Page) URL(ctx context.Context) (string, error) {
	var out struct {
		URL string `json:"url"`
	}
	if err := p.world.call(ctx, "navigationStatus", nil, &out); err != nil {
		return "", &ReadError{What: "reading the page's URL", Err: err}
	}
	return out.URL, nil
}

// Title is the document's title.
func (p *Page) Title(ctx context.Context) (string, error) {
	var out struct {
		Title string `json:"title"`
	}
	if err := p.world.call(ctx, "navigationStatus", nil, &out); err != nil {
		return "", &ReadError{What: "reading the page's title", Err: err}
	}
	return out.Title, nil
}

// Screenshot captures the viewport as PNG.
func (p *Page) Screenshot(ctx context.Context) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, done := p.client(ctx)
	defer done()
	res, err := proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng}.Call(c)
	if err != nil {
		return nil, &ReadError{What: "taking a screenshot", Err: p.explain(ctx, err, "taking a screenshot")}
	}
	return res.Data, nil
}

// InspectURL is where a person can open Chromium's DevTools on this page while it is kept open (a spec paused
// on its failure): the inspector served by the browser's own DevTools endpoint. Empty when the endpoint is not
// an HTTP one the harness knows (a launcher service's proxy).
func (p *Page) InspectURL() string {
	u, err := url.Parse(p.session.browser.wsURL)
	if err != nil || u.Host == "" || p.session.browser.cfg.launcherURL != "" {
		return ""
	}
	scheme := "http"
	if u.Scheme == "wss" {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s/devtools/inspector.html?%s=%s/devtools/page/%s", scheme, u.Host, u.Scheme, u.Host, p.rod.TargetID)
}

// Session is the session the page belongs to.
func (p *Page) Session() *Session { return p.session }

// Evaluate runs a JavaScript expression in the page's own (main) world and returns its JSON value, awaiting a
// promise. It is for setting up state and reading what no locator shows; it is not a user action, and input
// events it dispatches are reported as untrusted.
func (p *Page) Evaluate(ctx context.Context, expression string) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	c, done := p.client(ctx)
	defer done()
	res, err := proto.RuntimeEvaluate{Expression: expression, AwaitPromise: true, ReturnByValue: true}.Call(c)
	if err != nil {
		return nil, &EvaluationError{Expression: shortScript(expression), Err: p.explain(ctx, err, "evaluating a script")}
	}
	if res.ExceptionDetails != nil {
		return nil, &EvaluationError{Expression: shortScript(expression), Exception: exceptionText(res.ExceptionDetails)}
	}
	return json.RawMessage(res.Result.Value.JSON("", "")), nil
}
