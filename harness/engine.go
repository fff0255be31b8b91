package harness

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/go-rod/rod/lib/proto"
	"github.com/ysmood/gson"
)

//go:embed injected/engine.js
var engineSource string

const (
	// worldName is the isolated JavaScript world the engine lives in, in every frame of a session's page.
	worldName = "__e2e_harness"
	// untrustedBinding is the function the engine calls to report an untrusted input event to the harness.
	untrustedBinding = "__e2eUntrusted"
	// waitingBinding is the function the engine calls the first time a document makes the harness wait.
	waitingBinding = "__e2eWaiting"
)

// callEngine runs one engine function in the harness's world and wraps the answer, so a missing engine (a page
// that existed before the session installed it, such as the first about:blank) is told apart from a result.
const callEngine = `function (method, args) {
	const engine = globalThis.__e2eH;
	if (!engine) return { missing: true };
	return Promise.resolve(engine[method](args)).then((value) => ({ value }));
}`

// world is the handle to the engine in the page's main frame. The execution context changes with every
// navigation; the handle finds the new one on demand.
type world struct {
	page *Page

	mu    sync.Mutex
	ctxID proto.RuntimeExecutionContextID
}

// errContextGone: the document the call ran in went away (the page navigated) before answering.
var errContextGone = errors.New("the page navigated while the harness was reading it")

func (w *world) contextID(ctx context.Context) (proto.RuntimeExecutionContextID, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctxID != 0 {
		return w.ctxID, nil
	}
	c, done := w.page.client(ctx)
	defer done()
	res, err := proto.PageCreateIsolatedWorld{FrameID: w.page.frameID, WorldName: worldName}.Call(c)
	if err != nil {
		return 0, err
	}
	w.ctxID = res.ExecutionContextID
	return w.ctxID, nil
}

// learn keeps the id of the engine's world in the main frame's new document, as the browser announced it.
func (w *world) learn(id proto.RuntimeExecutionContextID) {
	w.mu.Lock()
	w.ctxID = id
	w.mu.Unlock()
}

// frameOf is the frame an execution context belongs to ("" when the browser does not say).
func frameOf(c *proto.RuntimeExecutionContextDescription) proto.PageFrameID {
	if f, ok := c.AuxData["frameId"]; ok {
		return proto.PageFrameID(f.Str())
	}
	return ""
}

func (w *world) forget(id proto.RuntimeExecutionContextID) {
	w.mu.Lock()
	if w.ctxID == id || id == 0 {
		w.ctxID = 0
	}
	w.mu.Unlock()
}

// call runs engine[method](args) and decodes its result into out.
func (w *world) call(ctx context.Context, method string, args, out any) error {
	c, done := w.page.client(ctx)
	defer done()
	for attempt := 0; ; attempt++ {
		id, err := w.contextID(ctx)
		if err != nil {
			return w.page.explain(ctx, err, engineTask(method))
		}
		res, err := proto.RuntimeCallFunctionOn{
			FunctionDeclaration: callEngine,
			ExecutionContextID:  id,
			Arguments:           []*proto.RuntimeCallArgument{{Value: gson.New(method)}, {Value: gson.New(args)}},
			AwaitPromise:        true,
			ReturnByValue:       true,
		}.Call(c)
		if err != nil {
			if isContextGone(err) && attempt < 3 {
				w.forget(id)
				if method == "verify" || method == "confirm" {
					// The armed state lived in the old document; starting over would report a false failure.
					return errContextGone
				}
				continue
			}
			return w.page.explain(ctx, err, engineTask(method))
		}
		if res.ExceptionDetails != nil {
			return fmt.Errorf("harness engine %s: %s", method, exceptionText(res.ExceptionDetails))
		}
		var answer struct {
			Missing bool            `json:"missing"`
			Value   json.RawMessage `json:"value"`
		}
		if err := res.Result.Value.Unmarshal(&answer); err != nil {
			return fmt.Errorf("harness engine %s: decoding its answer: %w", method, err)
		}
		if answer.Missing {
			if attempt >= 3 {
				return fmt.Errorf("harness engine %s: the engine could not be installed in the page", method)
			}
			if err := w.install(ctx, c, id); err != nil {
				return err
			}
			continue
		}
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(answer.Value, out); err != nil {
			return fmt.Errorf("harness engine %s: decoding its answer: %w", method, err)
		}
		return nil
	}
}

func (w *world) install(ctx context.Context, c pageClient, id proto.RuntimeExecutionContextID) error {
	res, err := proto.RuntimeEvaluate{Expression: engineSource, ContextID: id}.Call(c)
	if err != nil {
		if isContextGone(err) {
			w.forget(id)
			return nil
		}
		return w.page.explain(ctx, err, "installing the engine")
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("installing the harness engine: %s", exceptionText(res.ExceptionDetails))
	}
	return nil
}

func exceptionText(d *proto.RuntimeExceptionDetails) string {
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

// engineTask says in words what an engine call was doing, for errors about the browser going away meanwhile.
func engineTask(method string) string {
	switch method {
	case "prepare", "confirm":
		return "checking the element"
	case "verify", "dropOutcome", "dragState":
		return "checking where the input went"
	case "query", "waitForState", "navigationStatus":
		return "reading the page"
	}
	return "talking to the page"
}
