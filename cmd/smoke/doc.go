// Command smoke is the post-deploy smoke runner: one binary, deployed without a Go toolchain, that checks a
// freshly deployed editor with the very specs the suites run (those labelled "smoke"), checks that the
// expected version went live, and reports pass and fail to the incident systems, triggering, deduplicating
// and resolving alerts and never losing one.
//
// It exists because of an incident in which a broken "Insert dynamic data" button went unnoticed for hours, a
// deploy of the fix failed silently, and the outage was ranked below severity 1. smoke --help documents every
// flag, variable, convention and exit code.
//
// This package is the thin main: it reads the settings (flags, environment, a JSON config file, with kong
// through internal/config), handles signals, links the suites, and hands over to cmd/smoke/runner, which does
// the run. The runner starts this binary a second time to run the specs; main sends that process to
// runner.RunSpecProcess.
//
// deploy/ holds what runs the binary between deploys: a Dockerfile (Debian, Chromium, the static binary, a
// non-root user), a Kubernetes CronJob and GitHub Actions workflows; deploy_test.go checks what can be checked
// of them without a container engine.
//
// What it must not do: hold runner logic, copy or reimplement specs (they live in suites/), print or persist a
// secret, or exit 0 when something a person must look at happened.
package main
