//go:build unix && !linux

package testkafka

import "syscall"

// sysProcAttr puts the JVM in its own process group (no Pdeathsig here:
// a crashed test binary leaves the JVM to the runner's pid sweep).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
