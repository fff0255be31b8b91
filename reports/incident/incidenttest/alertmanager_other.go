//go:build !linux

package incidenttest

import "syscall"

// alertmanagerProcAttr has no parent-death signal to ask for here; Stop (or the test's cleanup) ends it.
func alertmanagerProcAttr() *syscall.SysProcAttr { return nil }
