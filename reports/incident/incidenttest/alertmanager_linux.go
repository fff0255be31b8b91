package incidenttest

import "syscall"

// alertmanagerProcAttr keeps Alertmanager out of the terminal's process group, so a Ctrl-C does not take it
// down while an interrupted smoke run is still delivering to it (the caller stops it last), and makes the
// kernel end it when the process that started it dies, so it never outlives a test or the demo.
func alertmanagerProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
