package config

import (
	"os"
	"path/filepath"
)

// ModuleRoot is the directory of the go.mod above the working directory, or "" outside a module: where make's
// targets write (out/) and what report paths are made relative to.
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
