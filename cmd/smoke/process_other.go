//go:build !linux

package main

import (
	"syscall"
	"time"
)

// specProcAttr has nothing to add where the parent-death signal does not exist.
func specProcAttr() *syscall.SysProcAttr { return nil }

// lockStateDir does not lock outside Linux: the pipeline must not run two smoke runs on one state directory
// at once there.
func lockStateDir(dir string, wait time.Duration, waiting func()) (unlock func(), err error) {
	return func() {}, nil
}
