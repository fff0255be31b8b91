package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/fixtures"
)

func TestBadInputIsOneLineAndExitTwo(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "taken.go")
	if err := os.WriteFile(existing, []byte("package taken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, map[string]string{"BASE_URL": ""}, "no target"},
		{[]string{"--base-url", "ftp://example.com/"}, nil, "want an http:// or https:// URL"},
		{[]string{"--base-url", "http://127.0.0.1:1/", "--out", existing, "--headless"}, nil, "exists"},
		{[]string{"--base-url", "http://127.0.0.1:1/", "--out", "x_test.go", "--headless"}, nil, "not a _test.go file"},
		{[]string{"--base-url", "http://127.0.0.1:1/", "--duration", "-1s", "--headless"}, nil, "must not be negative"},
		{[]string{"--base-url", "http://127.0.0.1:1/"}, map[string]string{"DISPLAY": "", "WAYLAND_DISPLAY": "", "E2E_BROWSER_URL": ""}, "--headless"},
		{[]string{"--base-url", "http://127.0.0.1:1/", "--headless"}, map[string]string{"E2E_BROWSER_URL": "ftp://x"}, "E2E_BROWSER_URL"},
		{[]string{"--base-url", "http://127.0.0.1:1/", "extra"}, nil, "unexpected argument"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, env(tc.env), &stdout, &stderr, nil)
		msg := strings.TrimSpace(stderr.String())
		if code != 2 || !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") > 0 {
			t.Errorf("record %v: exit %d, %q; want exit 2 and one line saying %q", tc.args, code, msg, tc.want)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "package taken\n" {
		t.Error("an existing file was overwritten")
	}
}

// With nothing done in the page, --duration ends the recording and the spec (only the opening Goto) goes to
// standard output, formatted.
func TestADurationEndsTheRecordingAndThePrintedSpecIsFormatted(t *testing.T) {
	srv, err := fixtures.Serve(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--base-url", srv.URL(), "--path", "login", "--headless", "--duration", "1ms"},
		env(map[string]string{"E2E_PROFILE_ROOT": t.TempDir()}), &stdout, &stderr, nil)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"package recorded", `var _ = Describe("Recorded session"`, `Expect(page.Goto(ctx, e2e.URL("login"))).To(Succeed())`} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the printed spec lacks %s:\n%s", want, stdout.String())
		}
	}
}

func TestThePackageComesFromTheDirectory(t *testing.T) {
	pkg, hasSuite, err := packageFor("../../suites/editor")
	if err != nil || pkg != "editor" || !hasSuite {
		t.Errorf("suites/editor: package %q, suite %v, %v", pkg, hasSuite, err)
	}
	pkg, hasSuite, err = packageFor(filepath.Join(t.TempDir(), "new-feature"))
	if err != nil || pkg != "new_feature" || hasSuite {
		t.Errorf("a new directory: package %q, suite %v, %v", pkg, hasSuite, err)
	}
	if got := describeFromFile("suites/editor/new_feature.go"); got != "New feature" {
		t.Errorf("describe from new_feature.go: %q", got)
	}
}
