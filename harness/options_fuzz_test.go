package harness

import (
	"strings"
	"testing"
)

func FuzzOptionsFromEnv(f *testing.F) {
	f.Add("ws://127.0.0.1:9222/devtools/browser/x", "5s", "1", "/tmp/x", "2")
	f.Add("not a url", "forever", "maybe", "relative", "-3")
	f.Fuzz(func(t *testing.T, browserURL, timeout, film, root, pool string) {
		env := map[string]string{EnvBrowserURL: browserURL, "E2E_ACTION_TIMEOUT": timeout, "E2E_FILMSTRIP": film,
			"E2E_PROFILE_ROOT": root, "E2E_POOL_SIZE": pool}
		opts, err := OptionsFromEnv(func(k string) string { return env[k] })
		if err != nil {
			return
		}
		cfg := defaultBrowserConfig()
		for _, o := range opts {
			o(&cfg)
		}
		if cfg.actionTimeout <= 0 || cfg.poolSize < 0 || cfg.poolSize > 16 {
			t.Fatalf("accepted %+v", cfg)
		}
	})
}

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
