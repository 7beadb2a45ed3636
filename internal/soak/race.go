package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/sim"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// The race side runs in a child process, so that the parent's RSS is the
// plugin side's alone: an embedded broker (kfake) with Pitwall's topics and
// a retention of retentionMs (applied every 10 s, so the broker's memory
// stays flat too), and races of the simulator one after the other, paced at
// speed× real time, produced as JSON the way the producer does.
const retentionMs = 60_000

// runRaceSide prints "BROKER <addr>" and produces until stdin closes (the
// parent is gone) or ctx ends.
func runRaceSide(ctx context.Context, speed float64, circuit string, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // the parent closes our stdin (or dies): stop
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.Ports(0), kfake.ClusterID("pitwall-soak"),
		kfake.BrokerConfigs(map[string]string{"log.retention.ms": strconv.Itoa(retentionMs)}),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) { return net.Listen(network, "127.0.0.1:0") })}
	for _, t := range f1.Topics() {
		opts = append(opts, kfake.SeedTopics(t.Partitions, t.Name))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		return fmt.Errorf("starting the embedded broker: %w", err)
	}
	defer cluster.Close()
	go func() {
		tk := time.NewTicker(10 * time.Second)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
				cluster.ApplyRetention()
			}
		}
	}()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ProducerBatchCompression(kgo.Lz4Compression()),
		kgo.ProducerLinger(10*time.Millisecond), kgo.ClientID("pitwall-soak-producer"))
	if err != nil {
		return err
	}
	defer cl.Close()
	fmt.Fprintf(out, "BROKER %s\n", cluster.ListenAddrs()[0])

	circ, err := f1.CircuitByName(circuit)
	if err != nil {
		return err
	}
	var failed atomic.Pointer[error]
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			failed.CompareAndSwap(nil, &err)
		}
	}
	produce := func(topic, key string, ts int64, v []byte) {
		cl.Produce(ctx, &kgo.Record{Topic: topic, Key: []byte(key), Value: v, Timestamp: time.UnixMilli(ts)}, promise)
	}
	for race := 1; ctx.Err() == nil; race++ {
		start := time.Now().UnixMilli()
		s, err := sim.New(sim.Config{RaceID: fmt.Sprintf("soak-%d", race), Circuit: circ, Seed: uint64(race), StartMs: start})
		if err != nil {
			return err
		}
		wall := time.Now()
		mapTs := func(ts int64) int64 { return start + int64(float64(ts-start)/speed) }
		var paced int64
		for ctx.Err() == nil {
			ev, ok := s.Next()
			if !ok {
				break
			}
			ts := mapTs(ev.Ts)
			if ts-paced >= 5 {
				paced = ts
				if d := time.Until(wall.Add(time.Duration(ts-start) * time.Millisecond)); d > time.Millisecond {
					select {
					case <-ctx.Done():
					case <-time.After(d):
					}
				}
			}
			switch ev.Type {
			case sim.TelemetryEvent:
				ev.Telemetry.Ts = ts
				produce(f1.TopicTelemetry, ev.Telemetry.Driver, ts, f1wire.TelemetryJSON(nil, ev.Telemetry))
			case sim.PositionEvent:
				ev.Position.Ts = ts
				produce(f1.TopicPositions, ev.Position.Driver, ts, f1wire.PositionJSON(nil, ev.Position))
			case sim.RaceControlEvent:
				ev.RaceControl.Ts = ts
				produce(f1.TopicRaceControl, ev.RaceControl.RaceID, ts, f1wire.RaceControlJSON(nil, ev.RaceControl))
			case sim.AlertEvent:
				ev.Alert.Ts = ts
				produce(f1.TopicAlerts, ev.Alert.Severity, ts, f1wire.AlertJSON(nil, ev.Alert))
			}
			if e := failed.Load(); e != nil {
				return fmt.Errorf("producing: %w", *e)
			}
		}
	}
	return nil
}
