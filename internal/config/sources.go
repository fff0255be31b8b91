package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"
)

// Sources feeds a kong grammar from, in rising precedence, the defaults in its tags, a JSON config file, the
// environment and the command line, and collects every bad value instead of stopping at the first, each as one
// line that names where the value came from: "--retries", "SMOKE_RETRIES", `config file smoke.json: "retries"`
// or "default of --retries".
//
// Two things differ from kong used on its own, on purpose:
//   - kong reads a flag's `env` variables before any resolver runs, so a config file would override the
//     environment. Sources takes the variables out of the model after it is built and reads them itself,
//     through getenv, after the file.
//   - kong returns the first bad value. A pipeline's operator fixing a configuration wants to see all of them,
//     so the mappers Sources installs for string, int, time.Duration and bool record a bad value and let the
//     parse go on; the field keeps its zero value and Bad reports it.
//
// A Sources serves one parse.
type Sources struct {
	getenv   func(string) string
	fileFlag string

	flags   map[string]*kong.Flag // by name, in the grammar; kong's own --help is not among them
	order   []string
	envs    map[string][]string
	origins map[string]origin

	problems []error
	bad      map[string]bool

	file       *configFile
	fileLoaded bool
	fileFailed bool
}

// origin is where a value came from; a higher rank overrides a lower one.
type origin struct {
	name string
	rank int
}

const (
	rankDefault = iota
	rankFile
	rankEnv
	rankFlag
)

// resolved is a value from the file or the environment on its way to a mapper, which then knows its origin.
type resolved struct {
	text string
	from origin
}

// NewSources returns the sources for one parse. fileFlag names the flag that gives the config file; its own
// variable may give it too, but the file cannot.
func NewSources(getenv func(string) string, fileFlag string) *Sources {
	return &Sources{getenv: getenv, fileFlag: fileFlag, flags: map[string]*kong.Flag{}, envs: map[string][]string{},
		origins: map[string]origin{}, bad: map[string]bool{}}
}

// Option installs the sources into a kong parser: the mappers, the resolver, the environment's new place in
// the order, and help that shows each flag's variable, config key and default.
func (s *Sources) Option() kong.Option {
	return kong.OptionFunc(func(k *kong.Kong) error {
		for _, o := range []kong.Option{
			kong.TypeMapper(reflect.TypeFor[string](), s.mapper(false)),
			kong.TypeMapper(reflect.TypeFor[int](), s.mapper(false)),
			kong.TypeMapper(reflect.TypeFor[time.Duration](), s.mapper(false)),
			kong.TypeMapper(reflect.TypeFor[bool](), s.mapper(true)),
			kong.Resolvers(s),
			kong.PostBuild(s.takeEnvs),
			kong.ValueFormatter(s.helpText),
		} {
			if err := o.Apply(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// Problems returns every bad value found, one line each, in the order they were found.
func (s *Sources) Problems() []error { return s.problems }

// Bad reports whether the flag's value was bad: its field holds the zero value, and a check of that field
// would only repeat the problem.
func (s *Sources) Bad(flag string) bool { return s.bad[flag] }

// FileFailed reports whether the config file could not be read as a whole or held a bad key: a setting
// missing from the rest may well be in it.
func (s *Sources) FileFailed() bool { return s.fileFailed }

// Origin names where the flag's value came from, for an error about that value.
func (s *Sources) Origin(flag string) string {
	if o, ok := s.origins[flag]; ok {
		return o.name
	}
	return "--" + flag
}

// Key is the config file's key for a flag: its name with '_' for '-'.
func Key(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

// Envs lists the environment variables of a flag, in the order they are read.
func (s *Sources) Envs(flag string) []string { return s.envs[flag] }

func (s *Sources) takeEnvs(k *kong.Kong) error {
	for _, f := range k.Model.Flags {
		if f == k.Model.HelpFlag {
			continue
		}
		s.flags[f.Name] = f
		s.order = append(s.order, f.Name)
		s.envs[f.Name] = f.Envs
		f.Envs, f.Value.Tag.Envs = nil, nil
	}
	if _, ok := s.flags[s.fileFlag]; !ok {
		return fmt.Errorf("config: the grammar has no --%s flag for the config file", s.fileFlag)
	}
	return nil
}

func (s *Sources) report(flag string, from origin, err error) {
	s.problems = append(s.problems, fmt.Errorf("%s: %w", from.name, err))
	s.bad[flag] = true
}

func (s *Sources) record(flag string, from origin) {
	if prev, ok := s.origins[flag]; !ok || from.rank >= prev.rank {
		s.origins[flag] = from
	}
}

// Validate is part of kong's Resolver; the file's keys are checked when it is read.
func (s *Sources) Validate(*kong.Application) error { return nil }

// Resolve gives kong the value of a flag the command line did not set: the environment's, else the file's.
func (s *Sources) Resolve(ctx *kong.Context, _ *kong.Path, flag *kong.Flag) (any, error) {
	if _, ours := s.flags[flag.Name]; !ours {
		return nil, nil
	}
	for _, env := range s.envs[flag.Name] {
		if raw := s.getenv(env); raw != "" {
			return resolved{text: raw, from: origin{env, rankEnv}}, nil
		}
	}
	f := s.configFile(ctx)
	if f == nil {
		return nil, nil
	}
	key := Key(flag.Name)
	if text, ok := f.values[key]; ok {
		return resolved{text: text, from: origin{fmt.Sprintf("config file %s: %q", f.path, key), rankFile}}, nil
	}
	return nil, nil
}

// configFile reads the file the command line or the environment names, once.
func (s *Sources) configFile(ctx *kong.Context) *configFile {
	if s.fileLoaded {
		return s.file
	}
	s.fileLoaded = true
	path := ""
	for _, env := range s.envs[s.fileFlag] {
		if path = s.getenv(env); path != "" {
			break
		}
	}
	if v, ok := ctx.FlagValue(s.flags[s.fileFlag]).(string); ok && v != "" {
		path = v
	}
	if path == "" {
		return nil
	}
	types := map[string]reflect.Type{}
	for name, f := range s.flags {
		if name != s.fileFlag {
			types[Key(name)] = f.Value.Target.Type()
		}
	}
	f, problems := readConfigFile(path, types, Key(s.fileFlag))
	if len(problems) > 0 {
		s.fileFailed = true
		s.problems = append(s.problems, problems...)
	}
	s.file = f
	return f
}

// mapper decodes the types a grammar may use. A bool is a switch: --insecure alone means true.
func (s *Sources) mapper(isBool bool) kong.Mapper {
	return boolMapper{kong.MapperFunc(func(ctx *kong.DecodeContext, target reflect.Value) error {
		name := ctx.Value.Name
		if isBool && ctx.Scan.Peek().Type != kong.FlagValueToken {
			target.SetBool(true)
			s.record(name, origin{"--" + name, rankFlag})
			return nil
		}
		tok, err := ctx.Scan.PopValue("value")
		if err != nil {
			return errors.New("needs a value")
		}
		var text string
		var from origin
		switch v := tok.Value.(type) {
		case resolved:
			text, from = v.text, v.from
		case string:
			text, from = v, origin{"--" + name, rankFlag}
			if ctx.Value.HasDefault && v == ctx.Value.Default {
				from = origin{"default of --" + name, rankDefault}
			}
		default:
			return fmt.Errorf("unexpected value %v", v)
		}
		v, err := parseAs(target.Type(), text)
		if err != nil {
			s.report(name, from, err)
			return nil
		}
		target.Set(v)
		s.record(name, from)
		return nil
	}), isBool}
}

type boolMapper struct {
	kong.MapperFunc
	isBool bool
}

func (m boolMapper) IsBool() bool { return m.isBool }

// parseAs turns text into a value of the grammar's type, with a message that quotes the text.
func parseAs(typ reflect.Type, text string) (reflect.Value, error) {
	switch typ {
	case reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(text)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a duration such as 30s or 2m", text)
		}
		return reflect.ValueOf(d), nil
	case reflect.TypeFor[int]():
		n, err := strconv.Atoi(text)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q is not a whole number", text)
		}
		return reflect.ValueOf(n), nil
	case reflect.TypeFor[bool]():
		b, err := ParseBool(text)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("%q: %w", text, err)
		}
		return reflect.ValueOf(b), nil
	case reflect.TypeFor[string]():
		return reflect.ValueOf(text), nil
	}
	return reflect.Value{}, fmt.Errorf("config: no mapper for %s", typ)
}

// helpText is a flag's help followed by where else it can be set and its default, e.g.
// "… (default 1; env SMOKE_RETRIES; config key "retries")".
func (s *Sources) helpText(v *kong.Value) string {
	if _, ours := s.flags[v.Name]; !ours {
		return v.Help
	}
	var parts []string
	if v.HasDefault && v.Target.Kind() != reflect.Bool {
		parts = append(parts, "default "+v.Default)
	}
	for _, env := range s.envs[v.Name] {
		parts = append(parts, "env "+env)
	}
	if v.Name != s.fileFlag {
		parts = append(parts, fmt.Sprintf("config key %q", Key(v.Name)))
	}
	return v.Help + " (" + strings.Join(parts, "; ") + ")"
}
