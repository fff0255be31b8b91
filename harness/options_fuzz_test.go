package harness

import (
	"strings"
	"testing"
)

func FuzzParseCombo(f *testing.F) {
	for _, s := range []string{"Enter", "Control+Z", "Control+Shift+Z", "Shift+ArrowLeft", "+", "Control++", "a", "A", "Ctrl+a",
		"Control+", "++", "Shift+Shift", "Flurb", "", "Meta+Alt+Control+Shift+End", "F12", "ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, combo string) {
		mods, key, err := parseCombo(combo)
		if err != nil {
			return
		}
		if key.key == "" || key.code == "" {
			t.Fatalf("parseCombo(%q) gave key %+v", combo, key)
		}
		for _, m := range mods {
			if modifierBit(m.key) == 0 {
				t.Fatalf("parseCombo(%q) gave non-modifier %q as a modifier", combo, m.key)
			}
		}
	})
}

func FuzzHostResolverRules(f *testing.F) {
	for _, s := range []string{"example.com", "https://example.com:8443/app", "[::1]:8080", "", "a , b", "MAP * 1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		rules := hostResolverRules([]string{hostOf(host)})
		if !strings.HasPrefix(rules, "MAP * ~NOTFOUND") || !strings.Contains(rules, "EXCLUDE 127.0.0.1") {
			t.Fatalf("rules for %q: %q", host, rules)
		}
	})
}
