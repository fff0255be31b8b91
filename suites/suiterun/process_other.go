//go:build !linux

package suiterun

import (
	"os"
	"syscall"
)

// processAttributes asks for nothing where there is no parent-death signal; the run stays in this program's
// process group.
func processAttributes() *syscall.SysProcAttr { return nil }

// askToStop interrupts the run's first process.
func askToStop(p *os.Process) error { return p.Signal(os.Interrupt) }

// killGroup kills the run's first process; without a group of its own, its children are its own to end.
func killGroup(p *os.Process) { _ = p.Kill() }
