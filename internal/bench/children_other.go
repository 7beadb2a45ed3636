//go:build !linux

package main

import (
	"os/exec"
	"time"
)

// dieWithParent: only Linux can tie a child's life to its parent's.
func dieWithParent(*exec.Cmd) {}

// threadCPU: only Linux measures one thread (the streams phase then counts
// the latency parser's CPU as the plugin's).
func threadCPU() time.Duration { return 0 }
