//go:build unix

package testkafka

import (
	"errors"
	"syscall"
)

// signalGroup signals the process group led by pid (the JVM and anything
// it started), or pid alone if it leads none.
func signalGroup(pid int, sig syscall.Signal) {
	if err := syscall.Kill(-pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		_ = syscall.Kill(pid, sig)
	}
}
