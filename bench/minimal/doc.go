// Package minimal is the page of make bench's minimal scenario: one contenteditable field, an Insert button
// shown while the field has the focus, a two-entry menu that inserts a chip at the caret, no animations. It
// stands for the browser's own floor under the editor's Insert flow, so that what a spec costs beyond it is the
// test tool's. It must stay tiny and self-contained: nothing loaded from elsewhere, nothing that animates.
package minimal
