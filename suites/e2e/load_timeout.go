package e2e

import (
	"time"

	"github.com/e2e-harness/e2e/harness"
)

// LoadTimeout is how long a spec waits for a page to have loaded and booted after a navigation it caused (a
// sign-in that leads to the editor, an app that fetches its data after the load event): the navigation's
// budget (E2E_NAVIGATION_TIMEOUT, 15 s by default), not an assertion's (E2E_ASSERT_TIMEOUT, 5 s). A boot that
// takes a second on an idle machine takes ten on a loaded one, and a person waits for a page to load longer
// than for a click to show its effect: Eventually(…).WithTimeout(e2e.LoadTimeout()).
func LoadTimeout() time.Duration {
	cfg, _ := CurrentConfig()
	if cfg.Browser.NavigationTimeout > 0 {
		return cfg.Browser.NavigationTimeout
	}
	return harness.DefaultNavigationTimeout
}
