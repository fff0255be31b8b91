//go:build !linux

package runner

import "syscall"

// specProcAttr has nothing to add where the parent-death signal does not exist.
func specProcAttr() *syscall.SysProcAttr { return nil }
