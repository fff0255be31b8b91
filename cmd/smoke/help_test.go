package main

import (
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/reports/incident"
)

// --help is the runner's manual: every flag, every variable and every exit code is in it.
func TestHelpExplainsEveryFlagVariableAndExitCode(t *testing.T) {
	r := newPipeline(t, nil).run("--help")
	expectCode(t, r, exitPassed)
	for _, s := range settings {
		for _, want := range []string{"--" + s.name, s.env, `"` + s.key() + `"`} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("--help does not mention %s", want)
			}
		}
	}
	for _, v := range incident.EnvVars() {
		if !strings.Contains(r.stdout, v.Name) {
			t.Errorf("--help does not mention %s", v.Name)
		}
	}
	for _, want := range []string{"\n  0  ", "\n  1  ", "\n  2  ", "\n  3  ", "lowest non-zero code wins", "CHROME_BIN"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "ginkgo.") {
		t.Errorf("Ginkgo's own flags leak into --help")
	}
}
