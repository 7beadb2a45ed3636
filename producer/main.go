package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args, env []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"race", "simulate a race into Kafka", runRace},
		{"replay", "replay FastF1 CSV / OpenF1 JSON files into Kafka", runReplay},
		{"openf1", "replay a historical session from the OpenF1 API into Kafka", runOpenF1},
		{"serve", "run races on start/stop commands from f1-race-commands (Grafana)", runServe},
		{"dev", "DEVELOPMENT ONLY: in-process Kafka broker and Schema Registry", runDev},
	}
}

// errUsage marks an error caused by bad flags; its message was printed.
var errUsage = errors.New("usage error")

// run is the whole program: it returns the exit code. ctx is cancelled on
// Ctrl-C; a race or replay then flushes, publishes ABORTED and returns 0.
func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		mainUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], env, stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "producer %s: error: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "producer: unknown command %q\n\n", args[0])
	mainUsage(stderr)
	return 2
}

func mainUsage(w io.Writer) {
	fmt.Fprintln(w, "producer feeds Pitwall's Kafka topics with Formula 1 telemetry.")
	fmt.Fprintln(w, "\nUsage: producer <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, `
Examples:
  producer dev                                   # local broker + registry, no Docker
  producer race --circuit monza --speed 10       # a Monza race at 10x
  producer race --embedded --speed max --laps 5  # self-contained speed run
  producer replay ../shared/data/monza2024_race/*.csv     # a whole real race
  producer openf1 --year 2024 --country Italy --cache DIR # the same from OpenF1
  producer serve --demo                          # wait for Grafana, start one demo race

Every flag can also be set with a PITWALL_* environment variable, e.g.
PITWALL_BROKERS=kafka:9092. Run 'producer <command> --help' for its flags.`)
}
