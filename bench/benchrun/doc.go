// Package benchrun is make bench: it builds the harness's bench suite (bench/harness) and runs it side by side
// with Playwright Test (bench/playwright) on the same Chromium, flags and pages — the fixture editor and
// bench/minimal's tiny page — alternating the sides round by round, and prints medians and ratios measured in
// the same run: suite times, the harness's per-phase medians of a spec, the CPU each kind of process used, the
// micro figures (one click, a raw press, a spec's setup) and the scaling runs (20, 100, 500 specs in one
// process). cmd/bench is its command line.
package benchrun
