package harness

import "strings"

// keyDef describes one key of a US keyboard as KeyboardEvent sees it.
type keyDef struct {
	key      string // KeyboardEvent.key without Shift
	shifted  string // KeyboardEvent.key with Shift, "" when the same
	code     string // KeyboardEvent.code
	keyCode  int    // legacy keyCode / windowsVirtualKeyCode
	location int
}

// usKeys is the US layout. Printable keys produce their key as text; named keys produce none, except Enter
// ("\r") and Tab, which the browser turns into their editing behaviour itself.
var usKeys = func() map[string]keyDef {
	m := map[string]keyDef{}
	add := func(d keyDef) {
		m[d.key] = d
		if d.shifted != "" {
			s := d
			s.key, s.shifted = d.shifted, ""
			m[s.key] = s
		}
	}
	for i, c := range "abcdefghijklmnopqrstuvwxyz" {
		add(keyDef{key: string(c), shifted: strings.ToUpper(string(c)), code: "Key" + strings.ToUpper(string(c)), keyCode: 65 + i})
	}
	digits := ")!@#$%^&*("
	for i := 0; i < 10; i++ {
		add(keyDef{key: string(rune('0' + i)), shifted: string(digits[i]), code: "Digit" + string(rune('0'+i)), keyCode: 48 + i})
	}
	for _, d := range []keyDef{
		{"`", "~", "Backquote", 192, 0}, {"-", "_", "Minus", 189, 0}, {"=", "+", "Equal", 187, 0},
		{"[", "{", "BracketLeft", 219, 0}, {"]", "}", "BracketRight", 221, 0}, {`\`, "|", "Backslash", 220, 0},
		{";", ":", "Semicolon", 186, 0}, {"'", `"`, "Quote", 222, 0}, {",", "<", "Comma", 188, 0},
		{".", ">", "Period", 190, 0}, {"/", "?", "Slash", 191, 0}, {" ", "", "Space", 32, 0},
		{"Enter", "", "Enter", 13, 0}, {"Tab", "", "Tab", 9, 0}, {"Backspace", "", "Backspace", 8, 0},
		{"Delete", "", "Delete", 46, 0}, {"Escape", "", "Escape", 27, 0}, {"Insert", "", "Insert", 45, 0},
		{"ArrowUp", "", "ArrowUp", 38, 0}, {"ArrowDown", "", "ArrowDown", 40, 0},
		{"ArrowLeft", "", "ArrowLeft", 37, 0}, {"ArrowRight", "", "ArrowRight", 39, 0},
		{"Home", "", "Home", 36, 0}, {"End", "", "End", 35, 0}, {"PageUp", "", "PageUp", 33, 0}, {"PageDown", "", "PageDown", 34, 0},
		{"Shift", "", "ShiftLeft", 16, 1}, {"Control", "", "ControlLeft", 17, 1}, {"Alt", "", "AltLeft", 18, 1},
		{"Meta", "", "MetaLeft", 91, 1}, {"CapsLock", "", "CapsLock", 20, 0}, {"ContextMenu", "", "ContextMenu", 93, 0},
	} {
		add(d)
	}
	for i := 1; i <= 12; i++ {
		name := "F" + itoa(i)
		add(keyDef{key: name, code: name, keyCode: 111 + i})
	}
	return m
}()

// keyAliases accept the names people write in shortcuts.
var keyAliases = map[string]string{
	"ctrl": "Control", "control": "Control", "cmd": "Meta", "command": "Meta", "meta": "Meta", "option": "Alt",
	"alt": "Alt", "shift": "Shift", "esc": "Escape", "escape": "Escape", "return": "Enter", "enter": "Enter",
	"space": " ", "up": "ArrowUp", "down": "ArrowDown", "left": "ArrowLeft", "right": "ArrowRight",
	"del": "Delete", "delete": "Delete", "backspace": "Backspace", "tab": "Tab", "home": "Home", "end": "End",
	"pageup": "PageUp", "pagedown": "PageDown",
}

const (
	modAlt     = 1
	modControl = 2
	modMeta    = 4
	modShift   = 8
)

func modifierBit(key string) int {
	switch key {
	case "Alt":
		return modAlt
	case "Control":
		return modControl
	case "Meta":
		return modMeta
	case "Shift":
		return modShift
	}
	return 0
}

func modifierMask(keys []string) int {
	mask := 0
	for _, k := range keys {
		if d, ok := lookupKey(k); ok {
			mask |= modifierBit(d.key)
		}
	}
	return mask
}

// lookupKey finds a key by its KeyboardEvent.key value, its code (KeyA, Digit1) or a common alias.
func lookupKey(name string) (keyDef, bool) {
	if d, ok := usKeys[name]; ok {
		return d, true
	}
	if alias, ok := keyAliases[strings.ToLower(name)]; ok {
		d, ok := usKeys[alias]
		return d, ok
	}
	for _, d := range usKeys {
		if d.code == name && d.shifted != "" {
			return d, true
		}
	}
	if len(name) == 1 {
		d, ok := usKeys[strings.ToLower(name)]
		return d, ok
	}
	return keyDef{}, false
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}
