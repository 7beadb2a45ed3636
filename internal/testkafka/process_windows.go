package testkafka

import (
	"os"
	"syscall"
)

// Windows has no process groups or signals here: the JVM is killed alone.
func sysProcAttr() *syscall.SysProcAttr { return nil }

func signalGroup(pid int, _ syscall.Signal) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
