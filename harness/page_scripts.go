package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/go-rod/rod/lib/proto"
)

// InitScript is a script of the caller's that the page runs in every document of every frame, in an isolated
// JavaScript world of its own: page scripts cannot see or patch it, and it sees the same DOM. Tools built on
// the harness (the spec recorder) use it to watch a page; specs do not need it.
type InitScript struct {
	page  *Page
	world string
}

// AddInitScript runs source in the isolated world named world: at once in the documents the page has now, and
// before any page script in every document loaded after (navigations, reloads, iframes). The world must not
// be the harness's own. Each call adds one script; use one world per tool.
func (p *Page) AddInitScript(ctx context.Context, world, source string) (*InitScript, error) {
	if world == "" || world == worldName {
		return nil, fmt.Errorf("adding an init script: the world name %q is empty or the harness's own", world)
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	c, done := p.client(ctx)
	defer done()
	if _, err := (proto.PageAddScriptToEvaluateOnNewDocument{Source: source, WorldName: world, RunImmediately: true}).Call(c); err != nil {
		return nil, p.explain(ctx, err, "adding an init script")
	}
	return &InitScript{page: p, world: world}, nil
}

// ExposeBinding makes globalThis[name](payload string) callable in the script's world, in every frame and
// every document: each call delivers payload to handle, in the order the page made the calls, on a goroutine
// of the binding's own (a slow handle delays later payloads, never the page or the harness). Page scripts in
// the main world cannot call it. Payloads are still the page's words: check them before trusting them.
// Deliveries stop when the page is closed.
func (s *InitScript) ExposeBinding(ctx context.Context, name string, handle func(payload string)) error {
	if name == "" || name == untrustedBinding || name == waitingBinding || handle == nil {
		return fmt.Errorf("exposing a binding: the name %q is empty or the harness's own, or there is no handler", name)
	}
	p := s.page
	q := p.bindings().add(name, handle, p.life.Done())
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	c, done := p.client(ctx)
	defer done()
	if err := (proto.RuntimeAddBinding{Name: name, ExecutionContextName: s.world}).Call(c); err != nil {
		p.bindings().remove(name, q)
		return p.explain(ctx, err, "exposing a binding")
	}
	return nil
}

// Evaluate runs a JavaScript expression in the script's world of the page's top document and returns its JSON
// value, awaiting a promise. A navigation under way is waited out: the expression runs in the new document.
func (s *InitScript) Evaluate(ctx context.Context, expression string) (json.RawMessage, error) {
	p := s.page
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	c, done := p.client(ctx)
	defer done()
	for attempt := 0; ; attempt++ {
		w, err := proto.PageCreateIsolatedWorld{FrameID: p.frameID, WorldName: s.world}.Call(c)
		if err != nil {
			return nil, p.explain(ctx, err, "evaluating in "+s.world)
		}
		res, err := proto.RuntimeEvaluate{Expression: expression, ContextID: w.ExecutionContextID, AwaitPromise: true, ReturnByValue: true}.Call(c)
		if err != nil {
			if isContextGone(err) && attempt < 3 {
				continue
			}
			return nil, p.explain(ctx, err, "evaluating in "+s.world)
		}
		if res.ExceptionDetails != nil {
			return nil, fmt.Errorf("evaluating in %s: %s", s.world, exceptionText(res.ExceptionDetails))
		}
		return json.RawMessage(res.Result.Value.JSON("", "")), nil
	}
}

// pageBindings holds each page's exposed bindings, so that the page needs no field for a tool's feature.
var pageBindings sync.Map // *Page → *bindingSet

type bindingSet struct {
	mu     sync.Mutex
	byName map[string]*bindingQueue
}

func (p *Page) bindings() *bindingSet {
	v, loaded := pageBindings.LoadOrStore(p, &bindingSet{byName: map[string]*bindingQueue{}})
	if !loaded {
		context.AfterFunc(p.life, p.forgetBindings)
	}
	return v.(*bindingSet)
}

func (b *bindingSet) add(name string, handle func(string), stop <-chan struct{}) *bindingQueue {
	q := &bindingQueue{handle: handle, wake: make(chan struct{}, 1)}
	b.mu.Lock()
	b.byName[name] = q
	b.mu.Unlock()
	go q.run(stop)
	return q
}

func (b *bindingSet) remove(name string, q *bindingQueue) {
	b.mu.Lock()
	if b.byName[name] == q {
		delete(b.byName, name)
	}
	b.mu.Unlock()
	q.close()
}

// bindingCalled hands a Runtime.bindingCalled payload to its binding's queue; listen calls it for every binding
// that is not the harness's own.
func (p *Page) bindingCalled(name, payload string) {
	v, ok := pageBindings.Load(p)
	if !ok {
		return
	}
	set := v.(*bindingSet)
	set.mu.Lock()
	q := set.byName[name]
	set.mu.Unlock()
	if q != nil {
		q.push(payload)
	}
}

// forgetBindings drops the page's bindings once it is gone.
func (p *Page) forgetBindings() {
	v, ok := pageBindings.LoadAndDelete(p)
	if !ok {
		return
	}
	set := v.(*bindingSet)
	set.mu.Lock()
	defer set.mu.Unlock()
	for _, q := range set.byName {
		q.close()
	}
}

// bindingQueue delivers one binding's payloads in order. The page's event loop only appends to it, so a slow
// handler can never hold up navigation, input or crash detection.
type bindingQueue struct {
	handle func(string)

	mu      sync.Mutex
	pending []string
	closed  bool
	wake    chan struct{}
}

func (q *bindingQueue) push(payload string) {
	q.mu.Lock()
	if !q.closed {
		q.pending = append(q.pending, payload)
	}
	q.mu.Unlock()
	q.signal()
}

func (q *bindingQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *bindingQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take empties the queue; closed says whether the queue is closed and will receive nothing more.
func (q *bindingQueue) take() (payloads []string, closed bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	payloads, q.pending = q.pending, nil
	return payloads, q.closed
}

func (q *bindingQueue) run(stop <-chan struct{}) {
	for {
		payloads, closed := q.take()
		for _, payload := range payloads {
			q.handle(payload)
		}
		if closed {
			return
		}
		select {
		case <-q.wake:
		case <-stop:
			q.close() // what arrived before the page went away is still delivered
		}
	}
}
