package testkafka

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// process is one running JVM, the leader of its own process group.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the JVM has exited
	err  error         // its exit status, valid after done
	log  *os.File
}

// startJVM runs java with args in its own process group, its output
// appended to logPath. The JVM gets SIGKILL if the test binary dies.
func startJVM(rt runtimeEnv, logPath string, args ...string) (*process, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the broker log: %w", err)
	}
	cmd := exec.Command(rt.java, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting java: %w", err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), log: logf}
	recordPid(cmd.Process.Pid)
	go func() {
		p.err = cmd.Wait()
		forgetPid(cmd.Process.Pid)
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

// runJVM runs java with args to the end (for the storage tool).
func runJVM(rt runtimeEnv, logPath string, timeout time.Duration, args ...string) error {
	p, err := startJVM(rt, logPath, args...)
	if err != nil {
		return err
	}
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("java %s: %w (see %s)", args[len(args)-1], p.err, logPath)
		}
		return nil
	case <-time.After(timeout):
		p.kill()
		return fmt.Errorf("java did not finish within %s (see %s)", timeout, logPath)
	}
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL to the process group and waits for the JVM to go.
func (p *process) kill() {
	signalGroup(p.pid(), syscall.SIGKILL)
	<-p.done
}

// stop asks the JVM to shut down (SIGTERM: Kafka's controlled shutdown)
// and kills it if it is still there after grace.
func (p *process) stop(grace time.Duration) error {
	signalGroup(p.pid(), syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
		p.kill()
		return fmt.Errorf("pid %d ignored SIGTERM for %s and was killed", p.pid(), grace)
	}
}

func recordPid(pid int) {
	if dir := os.Getenv(EnvPidDir); dir != "" {
		_ = os.MkdirAll(dir, 0o755)                                         // #nosec G703 -- the harness's own pid folder, from its environment
		_ = os.WriteFile(filepath.Join(dir, strconv.Itoa(pid)), nil, 0o644) // #nosec G703 -- a pid file in that folder
	}
}

func forgetPid(pid int) {
	if dir := os.Getenv(EnvPidDir); dir != "" {
		_ = os.Remove(filepath.Join(dir, strconv.Itoa(pid))) // #nosec G703 -- a pid file in the harness's pid folder
	}
}
