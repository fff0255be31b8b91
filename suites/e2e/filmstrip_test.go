package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/e2e-harness/e2e/harness"
)

func TestFilmstripModeReadsWhenWaitingOnAndOff(t *testing.T) {
	for raw, want := range map[string]harness.FilmstripMode{"when-waiting": harness.FilmstripWhenWaiting, "When-Waiting": harness.FilmstripWhenWaiting,
		"on": harness.FilmstripAlways, "1": harness.FilmstripAlways, "off": harness.FilmstripOff, "0": harness.FilmstripOff} {
		if got, err := ParseFilmstripMode(raw); err != nil || got != want {
			t.Errorf("E2E_FILMSTRIP=%s read as %v, %v; want %v", raw, got, err, want)
		}
	}
	_, err := BrowserConfigFromEnv(func(name string) string { return map[string]string{EnvFilmstrip: "sometimes"}[name] })
	if err == nil || err.Error() != `E2E_FILMSTRIP="sometimes": want when-waiting (the default: from the first wait on the page), on (from the first paint) or off` {
		t.Errorf("E2E_FILMSTRIP=sometimes: %v", err)
	}
}

// An assertion that holds at once records nothing; one that Eventually has to wait for starts the filmstrip, so
// a spec that fails on it has the frames of the wait.
func TestAnAssertionThatWaitsStartsTheFilmstrip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<!doctype html><title>late</title><p data-testid="now">ready</p><p data-testid="late"></p>
<script>window.later = () => setTimeout(() => { document.querySelector('[data-testid=late]').textContent = 'late'; }, 300);</script>`))
	}))
	defer srv.Close()
	ctx := context.Background()
	b, err := harness.Launch(ctx, harness.WithChromeBin(os.Getenv(EnvChromeBin)), harness.WithPoolSize(0), harness.WithProfileRoot(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page := s.Page()
	if err := page.Goto(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	frames := func() int { return len(s.Diagnostics(ctx).Filmstrip) }
	g := gomega.NewWithT(t)
	g.Expect(page.ByTestID("now")).To(HaveText("ready"))
	// Two rendered frames: a screencast that ran would have sent the page by now.
	if _, err := page.Evaluate(ctx, `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`); err != nil {
		t.Fatal(err)
	}
	g.Expect(frames()).To(gomega.BeZero(), "frames recorded after an assertion that held at once")
	if _, err := page.Evaluate(ctx, `later(), true`); err != nil {
		t.Fatal(err)
	}
	g.Eventually(page.ByTestID("late")).WithTimeout(time.Minute).Should(HaveText("late"))
	g.Eventually(frames).WithTimeout(time.Minute).Should(gomega.BeNumerically(">", 0), "no frame after an assertion that had to wait")
}
