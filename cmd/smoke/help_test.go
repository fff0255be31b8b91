package main

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/internal/config"
	"github.com/e2e-harness/e2e/reports/incident"
)

// --help is the runner's manual: every flag, every variable and every exit code is in it.
func TestHelpExplainsEveryFlagVariableAndExitCode(t *testing.T) {
	r := newPipeline(t, nil).run("--help")
	expectCode(t, r, runner.ExitPassed)
	settings := reflect.TypeFor[runner.Config]()
	for i := range settings.NumField() {
		tag := settings.Field(i).Tag
		want := []string{"--" + tag.Get("name"), tag.Get("env")}
		if tag.Get("name") != configFlag {
			want = append(want, fmt.Sprintf("config key %q", config.Key(tag.Get("name"))))
		}
		for _, w := range want {
			if !strings.Contains(incident.OneLine(r.stdout), w) { // kong wraps the flags' help
				t.Errorf("--help does not mention %s", w)
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
