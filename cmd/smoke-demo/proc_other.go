//go:build !linux

package main

import "syscall"

// childProcAttr has no parent-death signal to ask for here; the demo's deferred stop ends Alertmanager.
func childProcAttr() *syscall.SysProcAttr { return nil }
