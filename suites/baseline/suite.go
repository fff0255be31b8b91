package baseline

import "github.com/e2e-harness/e2e/suites/e2e"

var _ = e2e.SetupSuite()
