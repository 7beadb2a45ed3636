package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// buildProducer builds the producer into dir and returns its path.
func buildProducer(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "producer")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "github.com/pitwall-f1/pitwall/producer")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the producer (go build): %w\n%s", err, b)
	}
	return out, nil
}

// child is a running producer subcommand with its output kept.
type child struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startChild(producer string, args ...string) (*child, error) {
	c := &child{name: "producer " + strings.Join(args, " "), out: &syncBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command(producer, args...)
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	dieWithParent(c.cmd)
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", c.name, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// stop interrupts the child (a race then publishes ABORTED and flushes) and
// waits for it, killing it after 20 s.
func (c *child) stop() error {
	select {
	case <-c.done:
		return c.exitErr()
	default:
	}
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
		return c.exitErr()
	case <-time.After(20 * time.Second):
		c.kill()
		return fmt.Errorf("%s ignored the interrupt; killed", c.name)
	}
}

func (c *child) exitErr() error {
	var ee *exec.ExitError
	if c.err != nil && !errors.As(c.err, &ee) {
		return fmt.Errorf("%s: %w", c.name, c.err)
	}
	if c.err != nil {
		return fmt.Errorf("%s: %w\n%s", c.name, c.err, tail(c.out.String()))
	}
	return nil
}

func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	<-c.done
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// devBroker is `producer dev`: kfake and srfake in a child process.
type devBroker struct {
	*child
	kafka, registry string
}

// startBroker runs `producer dev` on free ports and reads its addresses.
func startBroker(producer string) (*devBroker, error) {
	c, err := startChild(producer, "dev", "--kafka-addr", "127.0.0.1:0", "--registry-addr", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &devBroker{child: c}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(c.out.String()))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			switch k {
			case "Kafka broker":
				b.kafka = strings.TrimSpace(v)
			case "Schema Registry":
				b.registry = strings.TrimSpace(v)
			}
		}
		if b.kafka != "" && b.registry != "" {
			return b, nil
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("%s exited: %v\n%s", c.name, c.err, tail(c.out.String()))
		case <-time.After(20 * time.Millisecond):
		}
	}
	c.kill()
	return nil, fmt.Errorf("%s printed no addresses within 30 s\n%s", c.name, tail(c.out.String()))
}

// raceArgs are the `producer race` flags for a full grid at 4 Hz unless
// rate says otherwise, on the topics named by prefix ("" for the defaults).
func (b *devBroker) raceArgs(format, speed, prefix string, rate float64, extra ...string) []string {
	args := []string{"race", "--brokers", b.kafka, "--format", format, "--speed", speed,
		"--drivers", "all", "--rate", fmt.Sprint(rate), "--seed", "7"}
	if format == "avro" || format == "protobuf" {
		args = append(args, "--registry", b.registry)
	}
	if prefix != "" {
		args = append(args, "--topic-telemetry", prefix+"-telemetry", "--topic-positions", prefix+"-positions",
			"--topic-race-control", prefix+"-race-control", "--topic-alerts", prefix+"-alerts",
			"--topic-commands", prefix+"-commands")
	}
	return append(args, extra...)
}

// runRace runs a race to its end (prefill at speed max).
func (b *devBroker) runRace(ctx context.Context, producer string, args []string) error {
	c, err := startChild(producer, args...)
	if err != nil {
		return err
	}
	return raceWithStreams(ctx, c, nil, 0)
}
