package harness

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The engine declares the words it exchanges with the Go side in three tables (CHECK, STATUS, KIND). Both
// sides must hold the same set, the engine must use every entry, and it must never spell one out as a bare
// literal where the protocol reads it: a renamed check would otherwise silently never match.
func TestTheEngineUsesExactlyTheProtocolWordsOfTheGoSide(t *testing.T) {
	tables := map[string][]string{
		"CHECK":  words(engineChecks),
		"STATUS": words(engineStatuses),
		"KIND":   words(engineKinds),
	}
	body := engineSource
	for name, want := range tables {
		table := regexp.MustCompile(`(?s)const ` + name + ` = Object\.freeze\(\{(.*?)\}\);`).FindStringSubmatch(engineSource)
		if table == nil {
			t.Fatalf("engine.js has no %s table", name)
		}
		body = strings.Replace(body, table[0], "", 1)
		entries := regexp.MustCompile(`(\w+): '([^']*)'`).FindAllStringSubmatch(table[1], -1)
		var got []string
		for _, e := range entries {
			got = append(got, e[2])
			if !strings.Contains(engineSource, name+"."+e[1]) && !strings.Contains(engineSource, "["+name+"."+e[1]+"]") {
				t.Errorf("engine.js never uses %s.%s", name, e[1])
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("engine.js %s = %q, the Go side has %q", name, got, want)
		}
	}
	// Where the protocol is read or written, only the tables may be used.
	bare := regexp.MustCompile(`(status|check)\s*[:=]=?=?\s*'[^']*'|fail\('[^']*'|(kind|action)\s*[!=]==\s*'[^']*'`)
	for _, m := range bare.FindAllString(body, -1) {
		t.Errorf("engine.js spells a protocol word as a literal: %s", m)
	}
}

func words[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, w := range list {
		out[i] = string(w)
	}
	return out
}
