package recorder

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

//go:embed injected/recorder.js
var pageScript string

const (
	// world is the recorder's isolated JavaScript world in every frame of the recorded page.
	world = "__e2e_recorder"
	// binding is how the page side reports to the recorder.
	binding = "__e2eRecord"
	// chooseTimeout bounds the harness's check of one action's locators: a page that hangs must not stall the
	// recording of the actions after it.
	chooseTimeout = 5 * time.Second
)

// Recorder records what a person (or a test driving the page with the harness's trusted input) does in one
// page, until Stop writes it as a spec.
type Recorder struct {
	opts    Options
	browser *harness.Browser
	owned   bool // the recorder launched or connected the browser, and closes it
	session *harness.Session
	page    *harness.Page
	script  *harness.InitScript

	life   context.Context // ends with Stop or Close: locator checks under way give up
	cancel context.CancelFunc

	mu       sync.Mutex
	epoch    int
	messages []message
	flushes  map[string]chan struct{}
	done     chan struct{}
	doneOnce sync.Once

	closeOnce sync.Once
}

// Start opens the browser the options name, a session in it with the recorder installed, and the start URL.
func Start(ctx context.Context, opts Options) (*Recorder, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Recorder{opts: opts, flushes: map[string]chan struct{}{}, done: make(chan struct{})}
	r.life, r.cancel = context.WithCancel(context.Background())
	if err := r.open(ctx); err != nil {
		r.Close()
		return nil, err
	}
	go r.watch()
	if err := r.page.Goto(ctx, opts.URL); err != nil {
		r.Close()
		return nil, fmt.Errorf("recorder: opening %s: %w", opts.URL, err)
	}
	return r, nil
}

func (r *Recorder) open(ctx context.Context) error {
	o := r.opts
	if o.Browser != nil {
		r.browser = o.Browser
	} else {
		opts := append(r.browserOptions(), harness.WithHeaded(!o.Headless))
		if o.BrowserURL != "" {
			opts = append(opts, harness.WithControlURL(o.BrowserURL))
		}
		b, err := harness.Open(ctx, opts...)
		if err != nil {
			return fmt.Errorf("recorder: %w", err)
		}
		r.browser, r.owned = b, true
	}
	s, err := r.browser.NewSession(ctx)
	if err != nil {
		return fmt.Errorf("recorder: %w", err)
	}
	r.session, r.page = s, s.Page()
	// The binding first: the script reports the document it starts in at once.
	script, err := r.page.AddInitScript(ctx, world, "0")
	if err != nil {
		return fmt.Errorf("recorder: %w", err)
	}
	if err := script.ExposeBinding(ctx, binding, r.receive); err != nil {
		return fmt.Errorf("recorder: %w", err)
	}
	config, _ := json.Marshal(map[string]any{"testIdAttribute": o.TestIDAttribute, "overlay": o.Overlay})
	source := strings.Replace(pageScript, "/*CONFIG*/ { testIdAttribute: 'data-testid', overlay: false }", string(config), 1)
	if source == pageScript {
		return errors.New("recorder: the page script has no configuration slot")
	}
	if _, err := r.page.AddInitScript(ctx, world, source); err != nil {
		return fmt.Errorf("recorder: %w", err)
	}
	r.script = script
	return nil
}

// browserOptions: a recording needs no pool, filmstrip or protocol trace (the trace would hold every message
// the page sends), and its pages may reach the target's host.
func (r *Recorder) browserOptions() []harness.BrowserOption {
	opts := []harness.BrowserOption{
		harness.WithPoolSize(0), harness.WithFilmstrip(harness.FilmstripOff), harness.WithProtocolTrace(false),
		harness.WithTestIDAttribute(r.opts.TestIDAttribute), harness.WithAllowedHosts(r.opts.URL),
	}
	return append(opts, r.opts.BrowserOptions...)
}

// watch closes Done when the page or the browser goes away (a person closed the window). The harness offers
// no channel for a page's end, so it asks twice a second; nothing waits on this but Done's readers.
func (r *Recorder) watch() {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-r.life.Done():
			return
		case <-r.browser.Crashed():
			r.markDone()
			return
		case <-tick.C:
			if r.session.Crashed() != nil {
				r.markDone()
				return
			}
		}
	}
}

func (r *Recorder) markDone() { r.doneOnce.Do(func() { close(r.done) }) }

// Page is the recorded page: a test drives it with the harness's trusted input, as a person would with the
// mouse and keyboard.
func (r *Recorder) Page() *harness.Page { return r.page }

// Done is closed when the recorded page or its browser went away, so the recording is over.
func (r *Recorder) Done() <-chan struct{} { return r.done }

// receive handles one message from the page, in the order the page sent them. Locators are chosen now, while
// the page is as close as it gets to how it was at the moment of the action.
func (r *Recorder) receive(payload string) {
	m, err := decodeMessage(payload)
	if err != nil {
		r.opts.Log(err.Error())
		return
	}
	switch m.Type {
	case "flush":
		r.mu.Lock()
		if ch := r.flushes[m.Token]; ch != nil {
			close(ch)
			delete(r.flushes, m.Token)
		}
		r.mu.Unlock()
		return
	case "error":
		r.opts.Log("recorder page script: " + m.Message)
		return
	}
	ctx, cancel := context.WithTimeout(r.life, chooseTimeout)
	defer cancel()
	if m.Target != nil {
		m.chosen, err = choose(ctx, r.page, m.Target)
		if err != nil {
			r.opts.Log("recorder: " + err.Error())
		}
	}
	if m.Source != nil {
		m.chosenSource, err = choose(ctx, r.page, m.Source)
		if err != nil {
			r.opts.Log("recorder: " + err.Error())
		}
	}
	for _, c := range []*chosenLocator{m.chosen, m.chosenSource} {
		if c != nil && c.checked == checkedByPage {
			r.opts.Log(fmt.Sprintf("recorder: %s was unique when it was used, and gone before the harness could check it again (a menu that closed, a page that navigated): it is written as the page saw it", c.code))
		}
	}
	r.mu.Lock()
	if m.Type == "document" {
		r.epoch++
	}
	m.epoch = r.epoch
	r.messages = append(r.messages, m)
	r.mu.Unlock()
}

// flush waits until every message the page sent before now has been received. The page sends a marker after
// what its pending timers still had to send; bindings deliver in order, so the marker comes last.
func (r *Recorder) flush(ctx context.Context) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	ch := make(chan struct{})
	r.mu.Lock()
	r.flushes[token] = ch
	r.mu.Unlock()
	marker, _ := json.Marshal(map[string]string{"type": "flush", "token": token})
	expr := fmt.Sprintf(`new Promise((resolve) => setTimeout(() => { globalThis.%s(%q); resolve(true); }, 0))`, binding, marker)
	if _, err := r.script.Evaluate(ctx, expr); err != nil {
		return // the page is gone: what arrived is all there is
	}
	select {
	case <-ch:
	case <-ctx.Done():
	case <-r.done:
	}
}

// Stop ends the recording and returns the spec it wrote, gofmt-formatted. It closes the session, and the
// browser when the recorder opened it. The spec is written from what arrived even when the page is already
// gone (a person closed the window).
func (r *Recorder) Stop(ctx context.Context) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	select {
	case <-r.done:
	default:
		r.flush(ctx)
	}
	r.mu.Lock()
	msgs := append([]message(nil), r.messages...)
	r.mu.Unlock()
	steps, passwords := buildSteps(msgs, r.opts.BaseURL)
	closeErr := r.Close()
	src, err := writeSpec(specInfo{pkg: r.opts.Package, describe: r.opts.Describe, it: r.opts.It, base: r.opts.BaseURL}, steps)
	if err != nil {
		return src, err
	}
	for _, env := range passwords {
		r.opts.Log(fmt.Sprintf("recorder: a password was typed; the spec reads it from $%s, so set it when you run the spec", env))
	}
	return src, closeErr
}

// Close ends the recording without writing anything: the session closes, and the browser when the recorder
// opened it. It is safe to call more than once.
func (r *Recorder) Close() error {
	var err error
	r.closeOnce.Do(func() {
		r.cancel()
		if r.session != nil {
			_ = r.session.Close()
		}
		if r.owned && r.browser != nil {
			err = r.browser.Close()
		}
		r.markDone()
	})
	return err
}
