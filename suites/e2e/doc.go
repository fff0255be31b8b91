// Package e2e is the small piece of Ginkgo glue every suite shares: it starts the target (the embedded fixture
// editor, or BASE_URL) and one browser per test process, gives each spec an isolated page that is cleaned up
// after it, keeps what a person needs to understand a failure (screenshot, filmstrip, action log, console,
// network, protocol trace) and provides Gomega matchers that read the page as it is now, for Eventually.
//
// It must stay small: page logic belongs in the harness, product knowledge in each suite's own page objects.
package e2e
