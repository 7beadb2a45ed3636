package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

const roleEnv = "PITWALL_SOAK_ROLE"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := configFromEnv(os.Getenv)
	if err == nil && os.Getenv(roleEnv) == "race" {
		err = runRaceSide(ctx, cfg.speed, cfg.circuit, os.Stdout)
	} else if err == nil {
		var flat bool
		flat, err = runSoak(ctx, cfg, os.Stdout)
		if err == nil && !flat {
			os.Exit(1)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
}

type config struct {
	duration, every time.Duration
	speed           float64
	circuit         string
}

func configFromEnv(getenv func(string) string) (config, error) {
	c := config{duration: 30 * time.Minute, every: 10 * time.Second, speed: 100, circuit: "monza"}
	for name, dst := range map[string]*time.Duration{"PITWALL_SOAK": &c.duration, "PITWALL_SOAK_EVERY": &c.every} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("%s=%q is not a positive duration such as 2m or 30m", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("PITWALL_SOAK_SPEED"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f > 1000 {
			return c, fmt.Errorf("PITWALL_SOAK_SPEED=%q: want 1 to 1000", v)
		}
		c.speed = f
	}
	if v := getenv("PITWALL_SOAK_CIRCUIT"); v != "" {
		c.circuit = v
	}
	return c, nil
}

// startRaceSide starts this program again as the race side and returns the
// broker's address and a function that stops it.
func startRaceSide(ctx context.Context, c config) (addr string, stopFn func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), roleEnv+"=race", "PITWALL_SOAK_SPEED="+strconv.FormatFloat(c.speed, 'f', -1, 64), "PITWALL_SOAK_CIRCUIT="+c.circuit)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = prefixWriter{os.Stderr, "race side: "}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting the race side: %w", err)
	}
	stopFn = func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "BROKER ") {
		stopFn()
		return "", nil, fmt.Errorf("the race side did not start its broker (%q, %v)", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return strings.TrimSpace(strings.TrimPrefix(line, "BROKER ")), stopFn, nil
}

type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if line != "" {
			fmt.Fprint(p.w, p.prefix+line)
		}
	}
	return len(b), nil
}
