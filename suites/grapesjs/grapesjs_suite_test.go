package grapesjs_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/suites/e2e"
	"github.com/e2e-harness/e2e/suites/grapesjs"
)

var _ = e2e.SetupSuite()

// serveErr is why GrapesJS could not be served; the suite then stops before anything starts, with that one
// line (Ginkgo's parallel processes cannot fail in their Test function without a page of noise around it).
var serveErr error

var _ = ReportBeforeSuite(func(Report) {
	if serveErr != nil {
		AbortSuite(serveErr.Error())
	}
})

// TestGrapesJS serves GrapesJS before the suite starts and points the glue at it, in place of the fixture
// editor and of BASE_URL: this suite tests the editor from npm, never a deployment. Every parallel process
// serves its own copy, because the glue takes the target from process 1 and hands it to the others; theirs
// stay idle, which costs a listening socket.
func TestGrapesJS(t *testing.T) {
	RegisterFailHandler(Fail)
	// The specs poll GrapesJS's state with Eventually(…).WithContext(ctx); without this, a context turns the
	// glue's default Eventually timeout off and a failing poll would wait out the whole spec timeout.
	EnforceDefaultTimeoutsWhenUsingContexts()
	srv, err := grapesjs.Serve()
	if err != nil {
		serveErr = err
	} else {
		defer srv.Close()
		cfg, err := e2e.CurrentConfig()
		if err != nil {
			t.Fatal("configuration: ", err)
		}
		cfg.BaseURL = srv.URL()
		e2e.Configure(cfg)
	}
	RunSpecs(t, "GrapesJS")
}
