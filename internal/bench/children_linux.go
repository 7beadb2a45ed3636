package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the child if the bench dies first, so
// an interrupted bench leaves no broker behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
