package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

type grammar struct {
	Name  string        `name:"name" env:"T_NAME" default:"dflt" help:"a name"`
	Count int           `name:"count" env:"T_COUNT" default:"1" help:"a count"`
	Wait  time.Duration `name:"wait" env:"T_WAIT,T_WAIT_OLD" help:"a wait"`
	On    bool          `name:"on" env:"T_ON" help:"a switch"`
	File  string        `name:"file" env:"T_FILE" help:"the config file"`
}

func parse(t *testing.T, args []string, env map[string]string) (grammar, *Sources, error) {
	t.Helper()
	var g grammar
	s := NewSources(func(k string) string { return env[k] }, "file")
	var help bytes.Buffer
	k, err := kong.New(&g, s.Option(), kong.Writers(&help, &help), kong.Exit(func(int) {}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.Parse(args)
	return g, s, err
}

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// defaults < file < environment < command line, and each value knows where it came from.
func TestSourcesPrecedenceAndOrigins(t *testing.T) {
	file := writeConfig(t, `{"name": "from-file", "count": 3, "wait": "2s", "on": true}`)
	g, s, err := parse(t, []string{"--file", file, "--count", "5"}, map[string]string{"T_WAIT_OLD": "4s", "T_ON": "off"})
	if err != nil || len(s.Problems()) > 0 {
		t.Fatalf("parse: %v %v", err, s.Problems())
	}
	if g != (grammar{Name: "from-file", Count: 5, Wait: 4 * time.Second, On: false, File: file}) {
		t.Errorf("values %+v", g)
	}
	for flag, want := range map[string]string{"name": `config file ` + file + `: "name"`, "count": "--count", "wait": "T_WAIT_OLD", "on": "T_ON"} {
		if got := s.Origin(flag); got != want {
			t.Errorf("Origin(%s) = %q, want %q", flag, got, want)
		}
	}
	g, s, _ = parse(t, nil, nil)
	if g.Name != "dflt" || g.Count != 1 || s.Origin("count") != "default of --count" {
		t.Errorf("defaults: %+v, origin %q", g, s.Origin("count"))
	}
}

// kong on its own reads `env` variables from the process before any resolver, which would put the config
// file above the environment; Sources reads them through getenv only, after the file.
func TestSourcesReadTheEnvironmentOnlyThroughGetenv(t *testing.T) {
	t.Setenv("T_COUNT", "7")
	g, _, _ := parse(t, nil, nil)
	if g.Count != 1 {
		t.Errorf("the process environment reached the grammar: count %d", g.Count)
	}
	file := writeConfig(t, `{"count": 3}`)
	if g, _, _ := parse(t, nil, map[string]string{"T_FILE": file, "T_COUNT": "8"}); g.Count != 8 {
		t.Errorf("the file won over the environment: count %d", g.Count)
	}
}

// Every bad value is reported, once, naming its origin; the parse goes on past it.
func TestSourcesReportEveryBadValue(t *testing.T) {
	file := writeConfig(t, `{"count": "many", "nmae": "x"}`)
	g, s, err := parse(t, []string{"--wait", "soon", "--on=perhaps"}, map[string]string{"T_FILE": file, "T_NAME": "ok"})
	if err != nil {
		t.Fatalf("the parse stopped: %v", err)
	}
	got := errors.Join(s.Problems()...).Error()
	for _, want := range []string{
		`--wait: "soon" is not a duration such as 30s or 2m`,
		`--on: "perhaps": want 1 or 0 (also true/false, yes/no, on/off)`,
		`config file ` + file + `: "count": want a whole number, got "many"`,
		`config file ` + file + `: unknown key "nmae" (did you mean "name"?)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if n := len(s.Problems()); n != 4 {
		t.Errorf("%d problems, want 4:\n%s", n, got)
	}
	if !s.Bad("wait") || !s.Bad("on") || s.Bad("name") || !s.FileFailed() || g.Name != "ok" {
		t.Errorf("bad wait %v on %v name %v, file failed %v, name %q", s.Bad("wait"), s.Bad("on"), s.Bad("name"), s.FileFailed(), g.Name)
	}
}

func TestSourcesBooleanIsASwitchWithTheProjectsGrammar(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  string
		want bool
	}{
		{[]string{"--on"}, "", true},
		{[]string{"--on=NO"}, "yes", false},
		{nil, "On", true},
		{nil, "0", false},
	} {
		g, s, err := parse(t, tc.args, map[string]string{"T_ON": tc.env})
		if err != nil || len(s.Problems()) > 0 || g.On != tc.want {
			t.Errorf("%q T_ON=%q: on %v, %v %v", tc.args, tc.env, g.On, err, s.Problems())
		}
	}
}

func TestSourcesHelpShowsVariablesKeysAndDefaults(t *testing.T) {
	var g grammar
	s := NewSources(func(string) string { return "" }, "file")
	var out bytes.Buffer
	k, err := kong.New(&g, s.Option(), kong.Writers(&out, &out), kong.Exit(func(int) {}))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = k.Parse([]string{"--help"})
	help := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{`a count (default 1; env T_COUNT; config key "count")`, `a wait (env T_WAIT; env T_WAIT_OLD; config key "wait")`, `the config file (env T_FILE)`} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
}
