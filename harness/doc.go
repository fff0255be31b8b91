// Package harness drives a real headless Chromium with trusted input, the way a person uses a page, and proves
// that each input reached the element it was meant for.
//
// A click here is not element.click(): the harness waits until the element is visible, enabled, stable across
// animation frames, scrolled into view and the topmost element under its centre, then moves the mouse there and
// presses and releases the button through the DevTools protocol. A listener in the harness's own isolated
// JavaScript world records where pointerdown, pointerup and click really went. When they went elsewhere (the
// button vanished on mousedown, an overlay took the press) the action fails with a typed error that names the
// cause, instead of passing while the user is stuck.
//
// The package is a library: it must not import Ginkgo or Gomega, so that plain go test, the post-deploy smoke
// runner and the suites can all use it. Every call that waits takes a context.Context and is bounded by a
// default timeout as well; nothing in the harness can wait forever.
package harness
