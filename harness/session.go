package harness

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// Session is one spec's private corner of the browser: its own browser context (cookies, storage and cache are
// not shared with any other session) and one page. Close it when the spec ends.
type Session struct {
	browser   *Browser
	contextID proto.BrowserBrowserContextID
	page      *Page
	createdAt time.Time

	mu              sync.Mutex
	actions         []ActionRecord
	console         []ConsoleMessage
	pageErrors      []PageError
	dialogs         []string
	untrusted       []UntrustedEvent
	untrustedReason string // non-empty: the spec declared why it produces untrusted events
	secrets         []string
	trace           *protocolTrace

	closeOnce sync.Once
}

// NewSession returns an isolated session. Sessions are prepared ahead in a small pool, so this usually returns
// at once; the first page load is the only per-spec cost left.
func (b *Browser) NewSession(ctx context.Context) (*Session, error) {
	select {
	case <-b.closed:
		return nil, fmt.Errorf("new session: the browser is closed")
	case <-b.conn.lost:
		return nil, fmt.Errorf("new session: %w", &CrashError{What: "the browser process exited"})
	default:
	}
	ctx, cancel := context.WithTimeout(ctx, sessionTimeout)
	defer cancel()
	s, err := b.pool.take(ctx)
	if err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	s.createdAt = time.Now()
	b.sessionsMu.Lock()
	b.sessionsOut[s] = struct{}{}
	b.sessionsMu.Unlock()
	return s, nil
}

// WarmUp waits until the pool of prepared sessions is full, so that the next NewSession returns at once. Suites
// call it before their first spec; it is optional.
func (b *Browser) WarmUp(ctx context.Context) error { return b.pool.full(ctx) }

// prepareSession creates the browser context and page and installs the harness in it.
func (b *Browser) prepareSession(ctx context.Context) (*Session, error) {
	bc, err := proto.TargetCreateBrowserContext{DisposeOnDetach: true}.Call(b.rod.Context(ctx))
	if err != nil {
		return nil, fmt.Errorf("creating a browser context: %w", err)
	}
	s := &Session{browser: b, contextID: bc.BrowserContextID}
	fail := func(step string, err error) (*Session, error) {
		s.forgetTrace()
		b.dispose(s.contextID)
		return nil, fmt.Errorf("%s: %w", step, err)
	}
	width, height := b.cfg.windowWidth, b.cfg.windowHeight
	target, err := proto.TargetCreateTarget{
		URL: "about:blank", BrowserContextID: bc.BrowserContextID, Width: &width, Height: &height,
	}.Call(b.rod.Context(ctx))
	if err != nil {
		return fail("opening a page", err)
	}
	rp, err := attachPage(ctx, b, target.TargetID)
	if err != nil {
		return fail("attaching to the page", err)
	}
	if b.cfg.protocolTrace {
		s.trace = newProtocolTrace(4000)
		b.conn.tracers.Store(string(rp.SessionID), s.trace)
	}
	s.page = newPage(s, rp)
	if err := s.page.install(ctx); err != nil {
		return fail("installing the harness in the page", err)
	}
	if b.cfg.warmURL != "" {
		// Best effort: a warm-up that fails leaves a working, only slower, session.
		_ = s.page.load(ctx, b.cfg.warmURL, gotoConfig{waitFor: "load", allowHTTPError: true})
	}
	return s, nil
}

// sessionTimeout bounds preparing a session when the caller's context has no deadline.
const sessionTimeout = 30 * time.Second

// attachPage attaches to a target within ctx. rod's PageFromTarget takes no context (the page it makes lives
// on the browser's), so a browser that never answers would block it forever: it runs aside, and a late page
// is closed when it arrives.
func attachPage(ctx context.Context, b *Browser, id proto.TargetTargetID) (*rod.Page, error) {
	type attached struct {
		page *rod.Page
		err  error
	}
	done := make(chan attached, 1)
	go func() {
		p, err := b.rod.PageFromTarget(id)
		done <- attached{p, err}
	}()
	select {
	case a := <-done:
		return a.page, a.err
	case <-ctx.Done():
		go func() {
			if a := <-done; a.err == nil {
				_ = a.page.Close()
			}
		}()
		return nil, fmt.Errorf("the browser did not attach the page: %w", ctx.Err())
	}
}

// dispose closes a browser context and everything in it, in the background: nobody waits for it but Close.
func (b *Browser) dispose(id proto.BrowserBrowserContextID) {
	b.background.Add(1)
	go func() {
		defer b.background.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = proto.TargetDisposeBrowserContext{BrowserContextID: id}.Call(b.rod.Context(ctx))
	}()
}

// Page is the session's page.
func (s *Session) Page() *Page { return s.page }

// Browser is the browser the session lives in.
func (s *Session) Browser() *Browser { return s.browser }

// Close ends the session and its browser context. It does not wait for the browser to finish disposing of it.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.page.shutdown()
		s.forgetTrace()
		s.browser.rod.RemoveState(s.page.rod.TargetID) // rod keeps every page it attached to in a cache
		s.browser.sessionsMu.Lock()
		delete(s.browser.sessionsOut, s)
		s.browser.sessionsMu.Unlock()
		s.browser.dispose(s.contextID)
	})
	return nil
}

// AllowUntrustedEvents declares that this session's spec produces untrusted (script-dispatched) input events on
// purpose, and why. Without it, CheckUntrustedEvents fails the spec when any reach the page.
func (s *Session) AllowUntrustedEvents(reason string) {
	if reason == "" {
		reason = "no reason given"
	}
	s.mu.Lock()
	s.untrustedReason = reason
	s.mu.Unlock()
}

// UntrustedEventsReason is the reason given to AllowUntrustedEvents, empty when none was.
func (s *Session) UntrustedEventsReason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.untrustedReason
}

// MarkSecret makes the session mask value wherever it would appear in its action log and artifacts.
func (s *Session) MarkSecret(value string) {
	if value == "" {
		return
	}
	s.mu.Lock()
	s.secrets = append(s.secrets, value)
	s.mu.Unlock()
}

func (s *Session) forgetTrace() {
	if s.page != nil {
		s.browser.conn.tracers.Delete(string(s.page.rod.SessionID))
		s.browser.conn.heard.Delete(string(s.page.rod.SessionID))
	}
}

// Crashed is the crash that ended the session's page (its renderer or the whole browser), nil while it lives.
func (s *Session) Crashed() error {
	if err := s.page.crashed(); err != nil {
		return err
	}
	select {
	case <-s.browser.conn.lost:
		// The page learns of it a moment later; the answer must not depend on that moment.
		return &CrashError{What: "the browser process exited"}
	default:
		return nil
	}
}
