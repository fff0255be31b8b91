package config

import (
	"fmt"
	"strings"
)

// ParseBool reads a yes/no setting. Every variable and flag of the project accepts the same words, in any case:
// 1, true, yes, on and 0, false, no, off.
func ParseBool(raw string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("want 1 or 0 (also true/false, yes/no, on/off)")
}
