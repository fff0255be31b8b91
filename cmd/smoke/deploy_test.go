package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onsi/gomega"
)

// The image recipe and the scheduling examples cannot be run here (no container engine, no cluster, no
// GitHub): what can be checked is. The manifests parse as YAML and say what the runner needs (one run at a
// time, state on a volume or in the cache, the failure path of a deploy); the Dockerfile copies the binary
// from where `make smoke` puts it, runs as the user the CronJob expects, and the binary it copies is static
// and runs without a Go toolchain.
func TestDeployRecipesSayWhatTheRunnerNeeds(t *testing.T) {
	t.Parallel()
	dockerfile := readRepoFile(t, "cmd/smoke/deploy/Dockerfile")
	steps := dockerSteps(dockerfile)
	if !strings.HasPrefix(steps["FROM"][0], "debian:") {
		t.Errorf("FROM %q, want a Debian image", steps["FROM"])
	}
	install := strings.Join(steps["RUN"], "\n")
	for _, pkg := range []string{"chromium", "fonts-liberation", "ca-certificates", "tini"} {
		if !regexp.MustCompile(`apt-get install[^\n]*\b` + pkg + `\b`).MatchString(install) {
			t.Errorf("the image does not install %s", pkg)
		}
	}
	copied := strings.Fields(steps["COPY"][0])
	makefile := readRepoFile(t, "Makefile")
	if len(copied) != 2 || copied[0] != "out/bin/smoke" || !strings.Contains(makefile, "CGO_ENABLED=0 $(GO) build -trimpath -o $(OUT)/bin/smoke ./cmd/smoke") || !strings.Contains(makefile, "OUT     ?= $(CURDIR)/out") {
		t.Errorf("COPY %q does not take the binary from where make smoke writes it", copied)
	}
	if user := steps["USER"]; len(user) != 1 || user[0] == "root" || user[0] == "0" {
		t.Errorf("USER %q, want a non-root user", user)
	}
	if !strings.Contains(install, "--uid 10001") {
		t.Errorf("the smoke user's uid is not the 10001 the CronJob's securityContext runs as")
	}
	if entry := steps["ENTRYPOINT"]; len(entry) != 1 || !strings.Contains(entry[0], copied[1]) {
		t.Errorf("ENTRYPOINT %q does not run the copied binary %s", entry, copied[1])
	}
	env := strings.Join(steps["ENV"], " ")
	for _, want := range []string{"CHROME_BIN=/usr/bin/chromium", "SMOKE_STATE_DIR=/var/lib/smoke"} {
		if !strings.Contains(env, want) {
			t.Errorf("ENV lacks %s", want)
		}
	}

	cron := readRepoFile(t, "cmd/smoke/deploy/kubernetes/cronjob.yaml")
	for i, doc := range strings.Split(cron, "\n---\n") {
		expectYAML(t, "cronjob.yaml document "+string(rune('1'+i)), doc)
	}
	for _, want := range []string{"kind: CronJob", "concurrencyPolicy: Forbid", "kind: PersistentVolumeClaim", "name: smoke-state-prod",
		"claimName: smoke-state-prod", "mountPath: /var/lib/smoke\n", "--state-dir=/var/lib/smoke\n", "runAsUser: 10001", "runAsNonRoot: true",
		"backoffLimit: 0", "--location=", "mountPath: /dev/shm"} {
		if !strings.Contains(cron, want) {
			t.Errorf("cronjob.yaml lacks %q", want)
		}
	}
	if !strings.Contains(cron, "_FILE\n") || strings.Contains(cron, "value: "+pdKey) {
		t.Errorf("cronjob.yaml should mount the incident keys as files (NAME_FILE)")
	}

	schedule := readRepoFile(t, "cmd/smoke/deploy/github-actions/smoke-schedule.yml")
	expectYAML(t, "smoke-schedule.yml", schedule)
	for _, want := range []string{"schedule:\n    - cron: ", "uses: actions/cache/restore@v4", "uses: actions/cache/save@v4", "path: smoke-state",
		"--state-dir smoke-state", "SMOKE_LOCATION: ", "concurrency:"} {
		if !strings.Contains(schedule, want) {
			t.Errorf("smoke-schedule.yml lacks %q", want)
		}
	}
	deploy := readRepoFile(t, "cmd/smoke/deploy/github-actions/deploy.yml")
	expectYAML(t, "deploy.yml", deploy)
	if !regexp.MustCompile(`if: failure\(\)[^\n]*\n\s+run: \|\n\s+\./smoke --deploy-failed `).MatchString(deploy) {
		t.Errorf("deploy.yml has no failure step that runs smoke --deploy-failed")
	}

	// The binary the image ships is the one TestMain built as make smoke builds it: static, and it runs with
	// no Go anywhere.
	bin := smokeBin
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader: it is not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}
	help := exec.Command(bin, "--help")
	help.Env = []string{"PATH=" + t.TempDir(), "HOME=" + t.TempDir()} // no go, no GOROOT, nothing else
	out, err := help.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Usage: smoke") || !strings.Contains(string(out), "--deploy-failed") {
		t.Errorf("smoke --help without a Go toolchain: %v\n%s", err, out)
	}
}

// dockerSteps reads a Dockerfile's instructions, continuation lines joined, by instruction.
func dockerSteps(dockerfile string) map[string][]string {
	steps := map[string][]string{}
	joined := regexp.MustCompile(`\\\n`).ReplaceAllString(dockerfile, " ")
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, rest, _ := strings.Cut(line, " ")
		steps[strings.ToUpper(op)] = append(steps[strings.ToUpper(op)], strings.TrimSpace(rest))
	}
	return steps
}

// expectYAML fails unless doc parses as YAML (Gomega's YAML matcher parses both sides).
func expectYAML(t *testing.T, name, doc string) {
	t.Helper()
	if ok, err := gomega.MatchYAML(doc).Match(doc); err != nil || !ok {
		t.Errorf("%s is not valid YAML: %v", name, err)
	}
}

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
