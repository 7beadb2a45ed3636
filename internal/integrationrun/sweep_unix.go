//go:build unix

package integrationrun

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Sweep kills every JVM recorded in pidDir that is still a Kafka broker
// (with its process group), and returns how many it killed.
func Sweep(pidDir string) int {
	entries, _ := os.ReadDir(pidDir)
	killed := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 1 {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || !strings.Contains(string(cmdline), "kafka") {
			continue // gone, or the pid now belongs to something else
		}
		if syscall.Kill(-pid, syscall.SIGKILL) != nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		killed++
	}
	return killed
}
