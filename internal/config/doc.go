// Package config is the project's one way of reading settings from text: the boolean grammar every variable
// and flag shares (1/true/yes/on, 0/false/no/off), and a small table reader for environment variables that
// reports every bad value at once, each as one line naming the variable. For a command with flags, [Sources]
// feeds a kong grammar from defaults, a JSON config file, the environment and the command line, in that
// order of precedence, with the same grammar and the same one-line problems naming each value's origin.
//
// The harness library reads no environment variable; the Ginkgo glue (suites/e2e), the incident senders and
// the commands do, through this package. It must not import anything of this module.
package config
