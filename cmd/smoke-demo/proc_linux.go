package main

import "syscall"

// childProcAttr keeps Alertmanager out of the terminal's process group, so a Ctrl-C does not take it down
// while the interrupted runner is still delivering to it (the demo stops it last), and makes the kernel end
// it if the demo itself is killed, so it never outlives the demo.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
