package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/internal/testkafka"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "hops: %v\n", err)
		os.Exit(1)
	}
}

type config struct {
	brokers, partitions, size int
	rf                        int16
	acks                      string
	rate                      float64
	dur, warm, linger         time.Duration
	fetchWait                 time.Duration
	props                     string
	gcLog                     string
	runs                      string
}

func run() error {
	var c config
	flag.IntVar(&c.brokers, "brokers", 3, "Apache Kafka brokers to start (1 or 3)")
	rf := flag.Int("rf", 0, "replication factor (default: brokers)")
	flag.IntVar(&c.partitions, "partitions", 4, "partitions of the topic (f1-telemetry has 4)")
	flag.IntVar(&c.size, "size", 180, "record value bytes (a JSON telemetry record is about 180)")
	flag.StringVar(&c.acks, "acks", "all", "producer acks: all or leader")
	flag.Float64Var(&c.rate, "rate", 8000, "records per second (a full grid at 4 Hz and 100x is 8000)")
	flag.DurationVar(&c.dur, "dur", 15*time.Second, "measured time per run")
	flag.DurationVar(&c.warm, "warm", 3*time.Second, "time produced before measuring")
	flag.DurationVar(&c.linger, "linger", 0, "producer linger (the producer's default: none)")
	flag.DurationVar(&c.fetchWait, "fetchwait", 0, "consumer FetchMaxWait (0: pkg/kafka's own)")
	flag.StringVar(&c.props, "props", "", "extra broker properties, k=v,k=v")
	flag.StringVar(&c.gcLog, "gclog", "", "directory for the brokers' GC logs (-Xlog:gc)")
	flag.StringVar(&c.runs, "runs", "", "runs on one cluster, each acks:rate[:linger], comma-separated (default: one run of -acks and -rate)")
	flag.Parse()
	c.rf = int16(*rf) // #nosec G115 -- 1 to 3
	if c.rf == 0 {
		c.rf = int16(c.brokers) // #nosec G115 -- 1 or 3
	}
	props := map[string]string{}
	for _, kv := range strings.Split(c.props, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			props[k] = v
		}
	}
	jvm := []string{"-XX:+UseG1GC"} // as the bench (internal/bench/realkafka.go)
	if c.gcLog != "" {
		jvm = append(jvm, "-Xlog:gc:file="+c.gcLog+"/gc-%p.log")
	}
	cl, err := testkafka.Launch(testkafka.Options{Brokers: c.brokers, Heap: "1g", JVMOpts: jvm, Props: props})
	if err != nil {
		return err
	}
	defer cl.Stop()
	runs := []string{fmt.Sprintf("%s:%g:%s", c.acks, c.rate, c.linger)}
	if c.runs != "" {
		runs = strings.Split(c.runs, ",")
	}
	for i, r := range runs {
		parts := strings.Split(r, ":")
		rc := c
		rc.acks = parts[0]
		if len(parts) > 1 {
			if rc.rate, err = strconv.ParseFloat(parts[1], 64); err != nil {
				return err
			}
		}
		if len(parts) > 2 {
			if rc.linger, err = time.ParseDuration(parts[2]); err != nil {
				return err
			}
		}
		topic := fmt.Sprintf("hops-%d", i)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := cl.CreateTopic(ctx, topic, int32(c.partitions), c.rf, nil) // #nosec G115 -- small
		cancel()
		if err != nil {
			return err
		}
		if err := measure(cl, rc, topic); err != nil {
			return err
		}
	}
	return nil
}

// cpuTicks is a process's user+system CPU in clock ticks (1/100 s).
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k
}

// loadAvg is the 1, 5 and 15-minute load averages, or "unknown" where
// /proc/loadavg cannot be read (not Linux).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if err != nil || len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func measure(cl *testkafka.Cluster, c config, topic string) error {
	n := int(c.rate * (c.warm + c.dur).Seconds())
	sent := make([]int64, n) // unix ns at Produce
	acked := make([]int64, n)
	seen := make([]int64, n)

	pc, err := kafka.New(kafka.Config{Brokers: cl.Addrs(""), ClientID: "hops"})
	if err != nil {
		return err
	}
	defer pc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ends map[int32]int64
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		// A new topic takes a moment to reach every broker's metadata.
		if ends, err = pc.EndOffsets(ctx, topic); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return err
	}
	cons, err := pc.Consume(kafka.Offsets{topic: ends})
	if err != nil {
		return err
	}
	defer cons.Close()
	var got atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			recs, _ := cons.Poll(ctx, 10000)
			now := time.Now().UnixNano()
			for _, r := range recs {
				if len(r.Value) < 8 {
					continue
				}
				if i := binary.BigEndian.Uint64(r.Value); i < uint64(n) { // #nosec G115 -- n, a record count, is not negative
					seen[i] = now
				}
			}
			got.Add(int64(len(recs)))
		}
	}()

	opts := []kgo.Opt{kgo.SeedBrokers(cl.Addrs("")...), kgo.ProducerLinger(c.linger), kgo.MaxBufferedRecords(200000),
		kgo.DefaultProduceTopic(topic), kgo.RecordRetries(20)}
	if c.acks == "leader" {
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	}
	prod, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer prod.Close()
	pids := cl.Pids()
	before := map[int32]int64{}
	for id, pid := range pids {
		before[id] = cpuTicks(pid)
	}
	self0 := cpuTicks(os.Getpid())
	load0 := loadAvg()
	start := time.Now()
	val := make([]byte, c.size)
	var perr atomic.Int64
	for i := 0; i < n; {
		// Schedule as `producer race` does: sleep until each record's
		// instant, in 5 ms steps.
		due := start.Add(time.Duration(float64(i) / c.rate * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			time.Sleep(min(d, 5*time.Millisecond))
			continue
		}
		for ; i < n && !start.Add(time.Duration(float64(i)/c.rate*float64(time.Second))).After(time.Now()); i++ {
			v := slices.Clone(val)
			binary.BigEndian.PutUint64(v, uint64(i)) // #nosec G115 -- i >= 0
			idx := i
			sent[idx] = time.Now().UnixNano()
			prod.Produce(ctx, &kgo.Record{Key: []byte(strconv.Itoa(idx % 20)), Value: v}, func(_ *kgo.Record, err error) {
				if err != nil {
					perr.Add(1)
					return
				}
				acked[idx] = time.Now().UnixNano()
			})
		}
	}
	if err := prod.Flush(ctx); err != nil {
		return err
	}
	elapsed := time.Since(start)
	for deadline := time.Now().Add(10 * time.Second); got.Load() < int64(n) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	var brokerTicks int64
	for id, pid := range pids {
		brokerTicks += cpuTicks(pid) - before[id]
	}
	selfTicks := cpuTicks(os.Getpid()) - self0
	skip := int(c.rate * c.warm.Seconds())
	var ack, e2e, fetch []float64
	missing := 0
	for i := skip; i < n; i++ {
		if seen[i] == 0 || acked[i] == 0 {
			missing++
			continue
		}
		ack = append(ack, float64(acked[i]-sent[i])/1e6)
		e2e = append(e2e, float64(seen[i]-sent[i])/1e6)
		fetch = append(fetch, float64(seen[i]-acked[i])/1e6)
	}
	sec := elapsed.Seconds()
	fmt.Printf("brokers=%d rf=%d acks=%s rate=%g linger=%s partitions=%d: %d records, %d missing, %d produce errors; load %s -> %s; brokers' CPU %.2f cores, hops' CPU %.2f cores\n",
		c.brokers, c.rf, c.acks, c.rate, c.linger, c.partitions, n-skip, missing, perr.Load(), load0, loadAvg(),
		float64(brokerTicks)/100/sec, float64(selfTicks)/100/sec)
	for _, h := range []struct {
		name string
		v    []float64
	}{{"produce->ack ", ack}, {"produce->poll", e2e}, {"ack->poll    ", fetch}} {
		slices.Sort(h.v)
		fmt.Printf("  %s p50 %7.1f  p90 %7.1f  p99 %7.1f  max %7.1f ms\n", h.name, pct(h.v, 50), pct(h.v, 90), pct(h.v, 99), pct(h.v, 100))
	}
	return nil
}

// pct is the p-th percentile of v, which is sorted.
func pct(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(v)-1))
	return v[i]
}
