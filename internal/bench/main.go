package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // #nosec G108 -- served only with -pprof, on the address given
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "pitwall-bench: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	quick := flag.Bool("quick", false, "smoke run: every phase for a few seconds (numbers not meaningful)")
	producer := flag.String("producer", "", "producer binary to use (default: build it)")
	phases := flag.String("phases", "", "comma-separated phases to run: live, streams, capacity, query (default: all)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	memProfile := flag.String("memprofile", "", "write an allocation profile of the run to this file")
	kafka := flag.String("kafka", KafkaFake, "broker: fake (producer dev's kfake) or real (three Apache Kafka brokers; needs Java 17 and the classpath of go tool mage integration)")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address (e.g. 127.0.0.1:6060) during the run, to take heap profiles at a phase's peak")
	realBrokers := flag.Int("brokers", 3, "with -kafka real: 1 or 3 brokers (1: no replication, to compare with 3)")
	capBaseline := flag.Bool("capacity-baseline", false, "capacity phase: also stream each topic with flushMs 100 (the fixed cadence before adaptive flushing), to compare in one run")
	streams := flag.String("streams", "", "comma-separated stream counts of the streams phase (default 1,10,50,100; quick 1,10)")
	flag.Parse()
	cfg := DefaultConfig()
	if *quick {
		cfg = QuickConfig()
	}
	cfg.Producer = *producer
	cfg.CapacityBaseline = *capBaseline
	switch *kafka {
	case KafkaFake, KafkaReal:
		cfg.Kafka = *kafka
	default:
		return fmt.Errorf("unknown -kafka %q: want fake or real", *kafka)
	}
	if *realBrokers != 1 && *realBrokers != 3 {
		return fmt.Errorf("-brokers %d: want 1 or 3", *realBrokers)
	}
	cfg.RealBrokers = *realBrokers
	if *streams != "" {
		cfg.StreamCounts = nil
		for _, s := range strings.Split(*streams, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > 200 {
				return fmt.Errorf("-streams: %q is not a count from 1 to 200", s)
			}
			cfg.StreamCounts = append(cfg.StreamCounts, n)
		}
	}
	for _, p := range strings.Split(*phases, ",") {
		switch p = strings.TrimSpace(p); p {
		case "":
		case "live", "streams", "capacity", "query":
			cfg.Phases = append(cfg.Phases, p)
		default:
			return fmt.Errorf("unknown phase %q: want live, streams, capacity or query", p)
		}
	}
	if *cpuProfile != "" {
		fh, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer fh.Close()
		if err := pprof.StartCPUProfile(fh); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *pprofAddr != "" {
		ln, err := net.Listen("tcp", *pprofAddr)
		if err != nil {
			return fmt.Errorf("-pprof: %w", err)
		}
		srv := &http.Server{ReadHeaderTimeout: 10 * time.Second} // DefaultServeMux: net/http/pprof's handlers
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *memProfile != "" {
		fh, err := os.Create(*memProfile)
		if err != nil {
			return err
		}
		defer fh.Close()
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(fh, 0); err != nil {
			return err
		}
	}
	return res.Print(os.Stdout)
}
