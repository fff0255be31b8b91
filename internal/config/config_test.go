package config

import (
	"strings"
	"testing"
	"time"
)

func TestEveryYesAndNoWordIsUnderstoodInAnyCase(t *testing.T) {
	for raw, want := range map[string]bool{"1": true, "true": true, "TRUE": true, "Yes": true, "on": true,
		"0": false, "false": false, "No": false, "OFF": false, " 1 ": true} {
		got, err := ParseBool(raw)
		if err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"", "2", "y", "enabled", "truee"} {
		if _, err := ParseBool(raw); err == nil {
			t.Errorf("ParseBool(%q) accepted it", raw)
		}
	}
}

func TestReadEnvReportsEveryBadVariableByNameAndKeepsTheGoodOnes(t *testing.T) {
	env := map[string]string{"A_BOOL": "maybe", "A_DURATION": "5s", "AN_INT": "99", "A_PATH": "relative/dir"}
	var b bool
	var d time.Duration
	var n int
	var p string
	err := ReadEnv(func(k string) string { return env[k] },
		Var{"A_BOOL", Bool(&b)}, Var{"A_DURATION", Duration(&d)}, Var{"AN_INT", Int(&n, 0, 16)},
		Var{"A_PATH", AbsPath(&p)}, Var{"UNSET", Bool(&b)})
	if d != 5*time.Second {
		t.Errorf("the good duration was not kept: %v", d)
	}
	msg := err.Error()
	for _, want := range []string{`A_BOOL="maybe": want 1 or 0`, `AN_INT="99": want a whole number from 0 to 16`,
		`A_PATH="relative/dir": want an absolute path`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "A_DURATION") || strings.Contains(msg, "UNSET") {
		t.Errorf("error names a variable that was fine: %q", msg)
	}
}

func FuzzParseBool(f *testing.F) {
	for _, seed := range []string{"1", "0", "on", "OFF", "", "yes\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		b, err := ParseBool(raw)
		if err != nil && b {
			t.Fatalf("ParseBool(%q) returned true with an error", raw)
		}
		if err == nil {
			again, err2 := ParseBool(strings.ToUpper(raw))
			if err2 != nil || again != b {
				t.Fatalf("ParseBool is case-sensitive for %q", raw)
			}
		}
	})
}
