package testkafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

// GracefulStop is how long a broker has to shut down on SIGTERM before it
// is killed.
var GracefulStop = time.Minute

// WaitReady waits until every running broker is in the cluster's metadata
// and a topic with one replica per broker can be created, has a full ISR,
// and is deleted again.
func (c *Cluster) WaitReady(ctx context.Context) error {
	if err := c.waitBrokers(ctx, c.runningIDs()); err != nil {
		return err
	}
	adm := c.Admin()
	topic := "testkafka-ready-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	rf := int16(len(c.runningIDs())) // #nosec G115 -- a test cluster has 1 to 3 nodes
	err := c.poll(ctx, "a probe topic with replication factor "+strconv.Itoa(int(rf)), func(ctx context.Context) error {
		r, err := adm.CreateTopic(ctx, 1, rf, nil, topic)
		if err == nil {
			err = r.Err
		}
		if err != nil && !errors.Is(err, kerrTopicExists) {
			return err
		}
		return c.fullISR(ctx, topic)
	})
	if err != nil {
		return err
	}
	_, _ = adm.DeleteTopic(ctx, topic)
	return nil
}

// WaitISR waits until every partition of every topic has a leader and all
// its replicas in sync (after a broker came back).
func (c *Cluster) WaitISR(ctx context.Context) error {
	return c.poll(ctx, "every partition's replicas in sync", func(ctx context.Context) error { return c.fullISR(ctx) })
}

func (c *Cluster) fullISR(ctx context.Context, topics ...string) error {
	m, err := c.metadata(ctx, topics...)
	if err != nil {
		return err
	}
	for _, t := range m.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return fmt.Errorf("topic %s: %w", *t.Topic, err)
		}
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil || p.Leader < 0 || len(p.ISR) < len(p.Replicas) {
				return fmt.Errorf("%s/%d: leader %d, replicas %v, in sync %v (%v)", *t.Topic, p.Partition, p.Leader, p.Replicas, p.ISR, err)
			}
		}
	}
	return nil
}

// metadata asks the cluster for fresh metadata (kadm's Metadata answers
// from franz-go's cache, which does not see a broker come back); no topics
// means all, internal ones included.
func (c *Cluster) metadata(ctx context.Context, topics ...string) (*kmsg.MetadataResponse, error) {
	return kafka.MetadataRequest(topics...).RequestWith(ctx, c.adminClient())
}

// waitBrokers waits until the metadata lists exactly ids, each broker
// answers on its own INTERNAL port, and no JVM has died meanwhile.
func (c *Cluster) waitBrokers(ctx context.Context, ids []int32) error {
	return c.poll(ctx, fmt.Sprintf("brokers %v in the metadata", ids), func(ctx context.Context) error {
		for _, id := range ids {
			if err := c.pingNode(ctx, id); err != nil {
				return err
			}
		}
		m, err := c.metadata(ctx)
		if err != nil {
			return err
		}
		var got []int32
		for _, b := range m.Brokers {
			got = append(got, b.NodeID)
		}
		slices.Sort(got)
		if !slices.Equal(got, ids) {
			return fmt.Errorf("metadata lists brokers %v", got)
		}
		return nil
	})
}

// pingNode asks broker id itself (not the cluster) for metadata.
func (c *Cluster) pingNode(ctx context.Context, id int32) error {
	n := c.node(id)
	cl, err := kgo.NewClient(kgo.SeedBrokers(fmt.Sprintf("127.0.0.1:%d", n.internal)), kgo.RequestRetries(0))
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := kadm.NewClient(cl).BrokerMetadata(ctx); err != nil {
		return fmt.Errorf("broker %d: %w", id, err)
	}
	return nil
}

// poll retries fn every 200 ms until it succeeds, a broker JVM exits, or
// ctx ends; the error names what was awaited and fn's last error.
func (c *Cluster) poll(ctx context.Context, what string, fn func(context.Context) error) error {
	var last error
	for {
		for _, n := range c.nodes {
			if n.proc != nil && n.proc.exited() && !n.stopped {
				return fmt.Errorf("waiting for %s: broker %d exited: %v", what, n.id, n.proc.err)
			}
		}
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		last = fn(tctx)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last: %v)", what, ctx.Err(), last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (c *Cluster) node(id int32) *node {
	for _, n := range c.nodes {
		if n.id == id {
			return n
		}
	}
	panic(fmt.Sprintf("testkafka: no broker %d (ids are 1 to %d)", id, len(c.nodes)))
}

func (c *Cluster) runningIDs() []int32 {
	var ids []int32
	for _, n := range c.nodes {
		if n.proc != nil && !n.proc.exited() {
			ids = append(ids, n.id)
		}
	}
	return ids
}

// Kill sends SIGKILL to broker id (a crash: no controlled shutdown).
func (c *Cluster) Kill(id int32) {
	n := c.node(id)
	if n.proc != nil {
		n.stopped = true
		n.proc.kill()
	}
}

// Shutdown stops broker id with SIGTERM (controlled shutdown).
func (c *Cluster) Shutdown(id int32) error {
	n := c.node(id)
	if n.proc == nil || n.proc.exited() {
		return nil
	}
	n.stopped = true
	return n.proc.stop(GracefulStop)
}

// StartBroker starts broker id again (after Kill or Shutdown) and waits
// until the cluster's metadata lists it and it answers.
func (c *Cluster) StartBroker(ctx context.Context, id int32) error {
	n := c.node(id)
	if err := c.startNode(n); err != nil {
		return err
	}
	n.stopped = false
	if err := c.waitBrokers(ctx, c.runningIDs()); err != nil {
		return fmt.Errorf("restarting broker %d: %w\n%s", id, err, c.logTails(20))
	}
	return nil
}

// Restart shuts broker id down (SIGTERM) and starts it again.
func (c *Cluster) Restart(ctx context.Context, id int32) error {
	if err := c.Shutdown(id); err != nil {
		return err
	}
	return c.StartBroker(ctx, id)
}

// RollingRestart restarts every broker in turn, waiting before the next
// one until every partition's replicas are back in sync. after, if not
// nil, runs after each broker is back.
func (c *Cluster) RollingRestart(ctx context.Context, after func(id int32)) error {
	for _, n := range c.nodes {
		if err := c.Restart(ctx, n.id); err != nil {
			return err
		}
		if err := c.WaitISR(ctx); err != nil {
			return fmt.Errorf("after restarting broker %d: %w", n.id, err)
		}
		if after != nil {
			after(n.id)
		}
	}
	return nil
}

// Leader is the broker that leads topic's partition.
func (c *Cluster) Leader(ctx context.Context, topic string, partition int32) (int32, error) {
	m, err := c.metadata(ctx, topic)
	if err != nil {
		return -1, err
	}
	for _, t := range m.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return -1, fmt.Errorf("topic %s: %w", topic, err)
		}
		for _, p := range t.Partitions {
			if p.Partition == partition {
				return p.Leader, kerr.ErrorForCode(p.ErrorCode)
			}
		}
	}
	return -1, fmt.Errorf("topic %s has no partition %d", topic, partition)
}

// CreateTopic creates topic with the given partitions, replication factor
// (0: one replica per broker) and configs, and waits until every partition
// has a leader and a full ISR.
func (c *Cluster) CreateTopic(ctx context.Context, topic string, partitions int32, rf int16, configs map[string]string) error {
	if rf == 0 {
		rf = int16(len(c.nodes)) // #nosec G115 -- a test cluster has 1 to 3 nodes
	}
	cfg := map[string]*string{}
	for k, v := range configs {
		cfg[k] = &v
	}
	r, err := c.Admin().CreateTopic(ctx, partitions, rf, cfg, topic)
	if err == nil {
		err = r.Err
	}
	if err != nil {
		return fmt.Errorf("creating topic %s: %w", topic, err)
	}
	if err := c.poll(ctx, "topic "+topic+" in sync", func(ctx context.Context) error { return c.fullISR(ctx, topic) }); err != nil {
		return err
	}
	// Each broker applies the creation from the metadata log in its own
	// time: a client that asks one that has not yet gets "unknown topic"
	// (a stream started at once failed so on a loaded machine).
	return c.poll(ctx, "every broker to know topic "+topic, func(ctx context.Context) error {
		return c.eachBroker(ctx, []string{topic}, func(id int32, t kmsg.MetadataResponseTopic) error {
			if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
				return fmt.Errorf("broker %d: topic %s: %w", id, topic, err)
			}
			if int32(len(t.Partitions)) != partitions { // #nosec G115 -- a handful of partitions
				return fmt.Errorf("broker %d knows %d of the %d partitions of %s", id, len(t.Partitions), partitions, topic)
			}
			for _, p := range t.Partitions {
				if p.Leader < 0 {
					return fmt.Errorf("broker %d knows no leader of %s/%d", id, topic, p.Partition)
				}
			}
			return nil
		})
	})
}

// eachBroker asks every running broker itself (not the cluster) for the
// metadata of topics and hands each topic of each answer to check.
func (c *Cluster) eachBroker(ctx context.Context, topics []string, check func(id int32, t kmsg.MetadataResponseTopic) error) error {
	for _, id := range c.runningIDs() {
		cl, err := kgo.NewClient(kgo.SeedBrokers(fmt.Sprintf("127.0.0.1:%d", c.node(id).internal)), kgo.RequestRetries(0))
		if err != nil {
			return err
		}
		resp, err := kafka.MetadataRequest(topics...).RequestWith(ctx, cl)
		cl.Close()
		if err != nil {
			return err
		}
		for _, t := range resp.Topics {
			if err := check(id, t); err != nil {
				return err
			}
		}
	}
	return nil
}

var kerrTopicExists = kerr.TopicAlreadyExists

// DeleteTopics deletes topics and waits until no running broker knows them
// any more (each broker applies the deletion from the metadata log in its
// own time), so that a topic of the same name can be made afresh.
func (c *Cluster) DeleteTopics(ctx context.Context, topics ...string) error {
	if len(topics) == 0 {
		return nil
	}
	if _, err := c.Admin().DeleteTopics(ctx, topics...); err != nil {
		return fmt.Errorf("deleting topics %v: %w", topics, err)
	}
	return c.poll(ctx, fmt.Sprintf("every broker to forget topics %v", topics), func(ctx context.Context) error {
		return c.eachBroker(ctx, topics, func(id int32, t kmsg.MetadataResponseTopic) error {
			if t.ErrorCode != kerr.UnknownTopicOrPartition.Code {
				return fmt.Errorf("broker %d still knows topic %s", id, *t.Topic)
			}
			return nil
		})
	})
}

// Topics lists the cluster's topics, internal ones left out, from fresh
// metadata (kadm's ListTopics answers from a cache that does not see a
// topic another client auto-created).
func (c *Cluster) Topics(ctx context.Context) ([]string, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range m.Topics {
		if !t.IsInternal && t.Topic != nil {
			out = append(out, *t.Topic)
		}
	}
	return out, nil
}
