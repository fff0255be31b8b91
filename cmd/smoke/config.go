package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/e2e-harness/e2e/cmd/smoke/runner"
	"github.com/e2e-harness/e2e/internal/config"
)

// configFlag is the flag (and, through its tag, the variable) that names the JSON config file.
const configFlag = "config"

// loadConfig reads the settings from, in rising precedence, the defaults, the config file, the environment
// and the flags, as runner.Config's tags define them. It returns every problem, each one line naming where the
// bad value came from, together with the settings it could read: a run that cannot start still needs its
// environment's name to report that. helped says --help was asked for and printed.
func loadConfig(args []string, getenv func(string) string, stdout io.Writer) (cfg runner.Config, problems []error, helped bool) {
	sources := config.NewSources(getenv, configFlag)
	parser, err := kong.New(&cfg,
		kong.Name("smoke"),
		kong.Description(runner.Description),
		kong.Writers(stdout, io.Discard),
		// kong ends the process after --help; the runner returns its exit code instead.
		kong.Exit(func(int) { helped = true }),
		kong.ConfigureHelp(kong.HelpOptions{NoAppDescFormat: true, WrapUpperBound: 110}),
		kong.Help(printHelp),
		sources.Option(),
	)
	if err != nil {
		return cfg, []error{fmt.Errorf("the command line's grammar is broken: %w", err)}, false
	}
	if _, err := parser.Parse(twoDashes(args, parser.Model)); err != nil && !helped {
		// An unknown flag or a flag without its value: what follows it is lost, but the environment and the
		// config file may still name the environment whose alerts should say that the run could not run.
		fallback, _, _ := loadConfig(nil, getenv, io.Discard)
		return fallback, []error{fmt.Errorf("%s (smoke --help lists the flags)", err)}, false
	}
	if helped {
		return cfg, nil, true
	}
	problems = sources.Problems()
	for _, e := range cfg.Check() {
		switch {
		case sources.Bad(e.Flag):
			// Its value was reported as bad already; its zero value says nothing new.
		case e.Missing && sources.FileFailed():
			// A broken config file may well have held the missing setting: its own error is the one to fix.
		case e.Missing:
			problems = append(problems, e.Err)
		default:
			problems = append(problems, fmt.Errorf("%s: %w", sources.Origin(e.Flag), e.Err))
		}
	}
	return cfg, problems, false
}

// printHelp is kong's help (usage, description, every flag with its variable, config key and default)
// followed by the runner's manual: the incident systems' variables, conventions and exit codes.
func printHelp(options kong.HelpOptions, ctx *kong.Context) error {
	if err := kong.DefaultHelpPrinter(options, ctx); err != nil {
		return err
	}
	return runner.WriteManual(ctx.Stdout)
}

// twoDashes spells -name as --name for every long flag: the Go flag package the runner used before kong
// accepted both, and a pipeline written then must keep working. Short flags (-h) and values are left alone.
func twoDashes(args []string, app *kong.Application) []string {
	out := make([]string, 0, len(args))
	for i, arg := range args {
		if arg == "--" {
			return append(out, args[i:]...)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(arg, "-"), "=")
		if strings.HasPrefix(arg, "-") && !strings.HasPrefix(arg, "--") && len(name) > 1 {
			for _, f := range app.Flags {
				if f.Name == name {
					arg = "-" + arg
					break
				}
			}
		}
		out = append(out, arg)
	}
	return out
}
