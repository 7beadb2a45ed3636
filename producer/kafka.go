package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/pitwall-f1/pitwall/pkg/kafka"
)

func compressionCodec(name string) (kgo.CompressionCodec, error) {
	switch strings.ToLower(name) {
	case "", "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("unknown --compression %q: want none, gzip, snappy, lz4 or zstd", name)
}

// pemValue reads a PEM flag: inline PEM, or the path of a PEM file.
func pemValue(flagName, v string) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN") {
		return []byte(v), nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flagName, err)
	}
	return b, nil
}

// tlsConfig builds the TLS settings (pkg/kafka's builder, the same as the
// datasource's settings), or nil when TLS is off. A CA or a client
// certificate turns TLS on.
func (c *kafkaConfig) tlsConfig() (*tls.Config, error) {
	if !c.tls && c.tlsCA == "" && c.tlsCert == "" {
		return nil, nil
	}
	t := kafka.TLS{ServerName: c.tlsServerName, SkipVerify: c.tlsSkipVerify}
	for _, in := range []struct {
		flag, value string
		pem         *[]byte
	}{{"tls-ca-cert", c.tlsCA, &t.CA}, {"tls-client-cert", c.tlsCert, &t.ClientCert}, {"tls-client-key", c.tlsKey, &t.ClientKey}} {
		if in.value == "" {
			continue
		}
		b, err := pemValue(in.flag, in.value)
		if err != nil {
			return nil, err
		}
		*in.pem = b
	}
	return t.Config(kafka.TLSNames{CA: "--tls-ca-cert", ClientCert: "--tls-client-cert", ClientKey: "--tls-client-key"})
}

// clientOpts are the franz-go options for these settings. Producing is
// asynchronous; a record that cannot be delivered within the delivery
// timeout fails instead of being retried forever. By default (--linger 0)
// a record is sent as soon as it is produced: franz-go still puts the
// records that come while a produce request is in flight (up to five per
// broker) into one batch, so a fast run batches and a paced one does not
// wait. A linger of 10 ms (franz-go's default) added 10 ms to every live
// record at 1x, most of issue 18's 15 ms median.
func (c *kafkaConfig) clientOpts(extra ...kgo.Opt) ([]kgo.Opt, error) {
	comp, err := compressionCodec(c.compression)
	if err != nil {
		return nil, err
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.brokerList()...),
		kgo.ClientID(c.clientID),
		kgo.ProducerBatchCompression(comp),
		kgo.ProducerLinger(c.linger),
		kgo.MaxBufferedRecords(max(1000, c.maxBuffered)),
		// Not RecordDeliveryTimeout: franz-go measures it from each record's
		// timestamp, and replayed or simulated records carry their own. A
		// stall is caught by the sink's watchdog instead.
		kgo.RecordRetries(20),
		kgo.DialTimeout(min(5*time.Second, c.connectTimeout)),
	}
	au, err := c.authenticator()
	if err != nil {
		return nil, err
	}
	if au.Mechanism != nil {
		opts = append(opts, kgo.SASL(au.Mechanism))
	}
	tc, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	if tc != nil {
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	return append(opts, extra...), nil
}

// connect builds a client and checks, within --connect-timeout, that a
// broker answers. franz-go would otherwise retry forever.
func (c *kafkaConfig) connect(ctx context.Context, extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := c.clientOpts(extra...)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka client for %s: %w", c.brokers, err)
	}
	pctx, cancel := context.WithTimeout(ctx, c.connectTimeout)
	defer cancel()
	if err := c.checkSASL(pctx); err != nil {
		cl.Close()
		return nil, err
	}
	if err := cl.Ping(pctx); err != nil {
		cl.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot reach the Kafka broker at %s within %s (%v): %s", c.brokers, c.connectTimeout, unwrapDeadline(err), c.connectHint(err))
	}
	return cl, nil
}

// connectHint says what to check after a failed connection.
func (c *kafkaConfig) connectHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "certificate") || strings.Contains(msg, "tls:"):
		return "check --tls-ca-cert, --tls-server-name and the client certificate"
	case c.saslMechanism != "" && (errors.Is(err, io.EOF) || strings.Contains(msg, "SASL") || strings.Contains(msg, "closed") || strings.Contains(msg, "oauth")):
		return c.saslHint()
	case strings.Contains(msg, "SASL"):
		return "the broker seems to require SASL: set --sasl-mechanism, --sasl-username and --sasl-password"
	}
	return "is Kafka running there? For a local one run `producer dev`, or add --embedded"
}

func unwrapDeadline(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("no answer")
	}
	return err
}

// topicSetup bounds creating the topics and waiting until every broker
// knows them: a real cluster under load takes seconds for that, longer than
// a short --connect-timeout, which bounds reaching a broker.
const topicSetup = 30 * time.Second

// ensureTopics creates the missing topics among names with the docs/DESIGN.md
// partition counts (by role) and the broker's default replication, one
// request per partition count, and waits until every broker knows them.
func ensureTopics(ctx context.Context, cl *kgo.Client, t topicNames, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	adm := kadm.NewClient(cl)
	details, err := adm.ListTopics(ctx, t.all()...)
	if err != nil {
		return notAuthorized(fmt.Errorf("listing topics: %w", err), t.all()...)
	}
	missing := map[int32][]string{}
	for _, name := range t.all() {
		if d, ok := details[name]; !ok || d.Err != nil {
			missing[t.partitions(name)] = append(missing[t.partitions(name)], name)
		}
	}
	var created []string
	for _, parts := range slices.Sorted(maps.Keys(missing)) {
		names := missing[parts]
		resps, err := adm.CreateTopics(ctx, parts, -1, nil, names...)
		if err != nil {
			return notAuthorized(fmt.Errorf("creating topics %s with %d partitions: %w", strings.Join(names, ", "), parts, err), names...)
		}
		for _, name := range names {
			r, ok := resps[name]
			if !ok {
				return fmt.Errorf("creating topic %s: the broker did not answer for it", name)
			}
			if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
				return notAuthorized(fmt.Errorf("creating topic %s with %d partitions: %w", name, parts, r.Err), name)
			}
			created = append(created, name)
		}
	}
	return notAuthorized(waitTopics(ctx, cl, created...), created...)
}

// waitTopics waits until every broker knows topics and each of their
// partitions has a leader. Real Kafka spreads a topic it has just created
// through its metadata log, and a broker that has not applied it yet
// answers UNKNOWN_TOPIC_OR_PARTITION (kfake knows a topic at once). Each
// broker is asked afresh: franz-go's cached metadata would not see the
// topic arrive.
func waitTopics(ctx context.Context, cl *kgo.Client, topics ...string) error {
	if len(topics) == 0 {
		return nil
	}
	req := kafka.MetadataRequest(topics...)
	for {
		err := topicsEverywhere(ctx, cl, req)
		if err == nil {
			return nil
		}
		if !errors.Is(err, kerr.UnknownTopicOrPartition) && !errors.Is(err, kerr.LeaderNotAvailable) {
			return fmt.Errorf("looking up topics %s: %w", strings.Join(topics, ", "), err)
		}
		if !sleepUntil(ctx, time.Now().Add(100*time.Millisecond)) {
			return fmt.Errorf("waiting for the brokers to know topics %s: %w", strings.Join(topics, ", "), err)
		}
	}
}

// topicsEverywhere asks every broker for the metadata of req's topics.
func topicsEverywhere(ctx context.Context, cl *kgo.Client, req *kmsg.MetadataRequest) error {
	all, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	for _, b := range all.Brokers {
		resp, err := req.RequestWith(ctx, cl.Broker(int(b.NodeID)))
		if err != nil {
			return err
		}
		for _, t := range resp.Topics {
			name := ""
			if t.Topic != nil {
				name = *t.Topic
			}
			if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
				return fmt.Errorf("broker %d, topic %s: %w", b.NodeID, name, err)
			}
			for _, p := range t.Partitions {
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
					return fmt.Errorf("broker %d, topic %s partition %d: %w", b.NodeID, name, p.Partition, err)
				}
				if p.Leader < 0 {
					return fmt.Errorf("broker %d, topic %s partition %d: %w", b.NodeID, name, p.Partition, kerr.LeaderNotAvailable)
				}
			}
		}
	}
	return nil
}

// notAuthorized says which topics an ACL denies and what to grant, when
// err is an authorization failure (real Kafka with an authorizer; the
// development broker has none).
func notAuthorized(err error, topics ...string) error {
	if errors.Is(err, kerr.TopicAuthorizationFailed) || errors.Is(err, kerr.ClusterAuthorizationFailed) {
		return fmt.Errorf("not authorized to use topics %s (%w): grant this user (or client certificate) describe, create and write ACLs on them, or pick other topics with --topic-*",
			strings.Join(topics, ", "), err)
	}
	return err
}

// warnRetention warns when records as old as oldest (ms) would outlive
// the retention of topics that keep records by time: Kafka deletes a
// segment whose newest record is older than retention.ms at its next
// retention check (log.retention.check.interval.ms, 5 minutes by default),
// even if it was written a second ago. kfake, the development broker, never
// deletes by time. A topic whose configuration cannot be read is not
// warned about (the warning is a courtesy, the replay goes on).
func warnRetention(ctx context.Context, cl *kgo.Client, t topicNames, oldest int64, timeout time.Duration, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cfgs, err := kadm.NewClient(cl).DescribeTopicConfigs(ctx, t.Telemetry, t.Positions, t.RaceControl, t.Alerts, t.Predictions)
	if err != nil {
		return
	}
	age := time.Now().UnixMilli() - oldest
	var short []string
	for _, rc := range cfgs {
		if rc.Err != nil {
			continue
		}
		for _, c := range rc.Configs {
			if c.Key != "retention.ms" || c.Value == nil {
				continue
			}
			if ms, err := strconv.ParseInt(*c.Value, 10, 64); err == nil && ms >= 0 && age > ms {
				short = append(short, fmt.Sprintf("%s (retention.ms %d, %s)", rc.Name, ms, time.Duration(ms)*time.Millisecond))
			}
		}
	}
	if len(short) == 0 {
		return
	}
	slices.Sort(short)
	fmt.Fprintf(stderr, "producer replay: WARNING: --keep-time writes records of %s, older than the retention of %s: "+
		"Kafka deletes them at its next retention check (log.retention.check.interval.ms, 5 minutes by default). "+
		"Replay without --keep-time, or set retention.ms=-1 on these topics to keep the records.\n",
		time.UnixMilli(oldest).UTC().Format(time.DateOnly), strings.Join(short, ", "))
}
