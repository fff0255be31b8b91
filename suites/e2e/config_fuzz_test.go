package e2e

import (
	"strings"
	"testing"
)

// The parsers of what the environment gives a run must never panic, and what they accept must be usable.

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/3", "3/3", "0/3", "4/3", "1/0", "a/b", "/", "", "1/3/5", " 2 / 3 ", "-1/2", "99999999999999999999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		shard, err := ParseShard(s)
		if err != nil {
			return
		}
		if shard.Index < 1 || shard.Index > shard.Total {
			t.Fatalf("ParseShard(%q) accepted %+v", s, shard)
		}
		_ = shard.Includes(s)
	})
}

func FuzzParseBaseURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8080", "https://example.com/app", "ftp://x", "http://", "http://h:99999/",
		"http://h/?q=1", "http://h/#f", "  http://h/a b", "", "javascript:alert(1)", "http://[::1]:80/x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseBaseURL(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") || !strings.HasSuffix(u, "/") {
			t.Fatalf("ParseBaseURL(%q) accepted %q", s, u)
		}
	})
}

func FuzzConfigFromEnv(f *testing.F) {
	f.Add("http://127.0.0.1/", "1/2", "30s", "1", "2s", "ws://127.0.0.1:9222/devtools/browser/x", "on", "/tmp/x", "2")
	f.Add("nonsense", "7/2", "-1s", "maybe", "", "not a url", "sometimes", "relative", "-3")
	f.Fuzz(func(t *testing.T, base, shard, spec, keep, assert, browserURL, film, root, pool string) {
		env := map[string]string{EnvBaseURL: base, EnvShard: shard, EnvSpecTimeout: spec, EnvKeepArtifacts: keep,
			EnvAssertTimeout: assert, EnvBrowserURL: browserURL, EnvFilmstrip: film, EnvProfileRoot: root, EnvPoolSize: pool,
			EnvActionTimeout: spec}
		cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
		if err != nil {
			for name, raw := range env {
				if raw != "" && strings.Contains(err.Error(), name+"=") {
					return // every complaint names its variable
				}
			}
			t.Fatalf("an error that names no variable: %v", err)
		}
		if cfg.SpecTimeout <= 0 || cfg.AssertTimeout <= 0 {
			t.Fatalf("accepted non-positive timeouts: %+v", cfg)
		}
		if p := cfg.Browser.PoolSize; p != nil && (*p < 0 || *p > 16) {
			t.Fatalf("accepted pool size %d", *p)
		}
		_ = cfg.Browser.Options()
	})
}
