// Command smoke is the post-deploy smoke runner: one binary, deployed without a Go toolchain, that checks a
// freshly deployed editor with the very specs the suites run (those labelled "smoke"), checks that the
// expected version went live, and reports pass and fail to the incident systems, triggering, deduplicating
// and resolving alerts and never losing one.
//
// It exists because of an incident in which a broken "Insert dynamic data" button went unnoticed for hours, a
// deploy of the fix failed silently, and the outage was ranked below severity 1. smoke --help documents every
// flag, variable, convention and exit code.
//
// The runner starts itself a second time to run the specs (see process.go): the incident systems' secrets
// stay out of that process, and a crashed or hung browser cannot take the alerting down with it.
//
// What it must not do: copy or reimplement specs (they live in suites/), print or persist a secret, or exit 0
// when something a person must look at happened.
package main
