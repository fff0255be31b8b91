// Package recorder turns what a person does in a browser into a Ginkgo spec in this project's style: it opens
// the page in a harness session, watches trusted input through a script in an isolated world of its own, picks
// for every element the best locator the harness supports (test id, role and name, label, text, CSS last) that
// is unique at the moment of the action, and writes a gofmt-formatted spec file with e2e.NewPage, By steps,
// Expect(...).To(Succeed()) on every action and Eventually assertions.
//
// It records only trusted input (a real mouse and keyboard, or the harness's own DevTools input): events that
// page scripts dispatch are no person's actions. What is typed into password fields never leaves the page: the
// spec reads it from an environment variable. cmd/record is its command line; the package is a library and
// must not import Ginkgo or Gomega, which only the specs it writes use.
package recorder
