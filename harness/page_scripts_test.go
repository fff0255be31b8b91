package harness_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// toolScript announces every document it runs in through the binding, and keeps a global that only its own
// world can see.
const toolScript = `(() => {
	globalThis.__tool = { documents: (globalThis.__tool ? globalThis.__tool.documents : 0) + 1 };
	const where = window === window.top ? 'top' : 'frame';
	globalThis.__toolSend(where + ' ' + location.pathname.split('/').pop() + ' ' + document.readyState);
})()`

func exposeTool(t *testing.T, p *harness.Page) (*harness.InitScript, <-chan string) {
	t.Helper()
	ctx := context.Background()
	script, err := p.AddInitScript(ctx, "__tool_world", "0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 64)
	if err := script.ExposeBinding(ctx, "__toolSend", func(payload string) { got <- payload }); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddInitScript(ctx, "__tool_world", toolScript); err != nil {
		t.Fatal(err)
	}
	return script, got
}

func receive(t *testing.T, got <-chan string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case payload := <-got:
			if payload != w {
				t.Fatalf("binding delivered %q, want %q", payload, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("binding delivered nothing, want %q", w)
		}
	}
}

func TestInitScriptRunsInEveryDocumentInAWorldPageScriptsCannotReach(t *testing.T) {
	p, ctx := openWithContext(t, "button.html")
	_, got := exposeTool(t, p)
	receive(t, got, "top button.html complete") // it ran at once in the document that was there

	if err := p.Goto(ctx, pages.URL+"/init_script.html"); err != nil {
		t.Fatal(err)
	}
	// Before any page script: the document is still loading. The frame's document gets it too.
	receive(t, got, "top init_script.html loading", "frame init_script_frame.html loading")
	// The page's own script saw neither the tool's global nor its binding.
	wantText(t, p.ByCSS("#out"), "undefined undefined")
	out, err := p.Evaluate(ctx, `[typeof window.__tool, typeof window.__toolSend].join(' ')`)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `"undefined undefined"` {
		t.Fatalf("the main world sees the tool's world: %s", out)
	}
	if err := p.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	receive(t, got, "top init_script.html loading", "frame init_script_frame.html loading")
}

func TestInitScriptEvaluateReadsItsOwnWorld(t *testing.T) {
	p, ctx := openWithContext(t, "button.html")
	script, got := exposeTool(t, p)
	receive(t, got, "top button.html complete")
	if err := p.Goto(ctx, pages.URL+"/init_script.html"); err != nil {
		t.Fatal(err)
	}
	receive(t, got, "top init_script.html loading", "frame init_script_frame.html loading")
	out, err := script.Evaluate(ctx, `globalThis.__tool.documents`)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := json.Unmarshal(out, &n); err != nil || n != 1 {
		t.Fatalf("the tool's world of the new document counts %s documents, want 1 (err %v)", out, err)
	}
	// A binding call made from Evaluate arrives after everything the page sent before it.
	if _, err := script.Evaluate(ctx, `__toolSend('flush'), true`); err != nil {
		t.Fatal(err)
	}
	receive(t, got, "flush")
	if _, err := script.Evaluate(ctx, `Promise.reject(new Error('nope'))`); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("a rejected promise should be an error naming it, got %v", err)
	}
}

func TestInitScriptRefusesTheHarnessesOwnNames(t *testing.T) {
	p, ctx := openWithContext(t, "button.html")
	if _, err := p.AddInitScript(ctx, "", "0"); err == nil {
		t.Fatal("an empty world name was accepted")
	}
	if _, err := p.AddInitScript(ctx, "__e2e_harness", "0"); err == nil {
		t.Fatal("the harness's own world was accepted")
	}
	script, err := p.AddInitScript(ctx, "__tool_world", "0")
	if err != nil {
		t.Fatal(err)
	}
	if err := script.ExposeBinding(ctx, "__e2eUntrusted", func(string) {}); err == nil {
		t.Fatal("the harness's own binding name was accepted")
	}
}
