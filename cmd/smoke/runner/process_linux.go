package runner

import "syscall"

// specProcAttr asks the kernel to stop the spec process when the runner dies, however it dies: SIGTERM lets
// Ginkgo close the browser (and the harness's leakless guard ends Chromium even if that fails).
func specProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
