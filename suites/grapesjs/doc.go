// Package grapesjs drives GrapesJS, an open-source page builder nobody here wrote, the way its users do: it
// drags blocks from the block manager into the canvas iframe (native HTML5 drag and drop), selects and
// deletes components with the mouse, edits text with the rich text editor inside the iframe, undoes with the
// keyboard and sets styles in the style manager; and it checks each result in what GrapesJS exports
// (editor.getHtml(), editor.getCss()) and on the canvas. It is the proof that the harness's trusted input,
// frame handling and native drag and drop work on a real third-party editor, where Playwright's dragTo
// returns without error and drops nothing.
//
// GrapesJS comes from npm at the version pinned in package.json and package-lock.json (`npm ci --prefix
// suites/grapesjs`), and the suite serves it on loopback with a host page of its own (builder.html); nothing
// is fetched at run time. Without node_modules the suite stops with one line saying to run npm ci.
//
// What the suite must not do: perform a user action through a script (page.Evaluate only reads GrapesJS's
// state), or let untrusted input pass unexamined. GrapesJS itself re-dispatches the input of its canvas on
// the <iframe> element; the suite accepts those copies, and only those, each checked.
//
// The specs live in _test files: unlike the fixture editor's, they need the GrapesJS server that
// TestGrapesJS starts, so the smoke runner has no use for them.
package grapesjs
