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
	f.Add("http://127.0.0.1/", "1/2", "30s", "1", "2s")
	f.Add("nonsense", "7/2", "-1s", "maybe", "")
	f.Fuzz(func(t *testing.T, base, shard, spec, keep, assert string) {
		env := map[string]string{EnvBaseURL: base, EnvShard: shard, EnvSpecTimeout: spec, EnvKeepArtifacts: keep, EnvAssertTimeout: assert}
		cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
		if err != nil {
			return
		}
		if cfg.SpecTimeout <= 0 || cfg.AssertTimeout <= 0 {
			t.Fatalf("accepted non-positive timeouts: %+v", cfg)
		}
	})
}
