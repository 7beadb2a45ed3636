package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// errHelp: --help was asked for and printed.
var errHelp = errors.New("help shown")

// cmdFlags is a subcommand's flag set with its help text.
type cmdFlags struct {
	*flag.FlagSet
	usage, examples string
	secret          map[string]bool // flags whose values are never shown
	positional      []string
}

// Args are the arguments that are not flags; flags may come after them.
func (f *cmdFlags) Args() []string { return f.positional }

// NArg is len(Args()).
func (f *cmdFlags) NArg() int { return len(f.positional) }

func newFlags(name, usage, examples string) *cmdFlags {
	fs := flag.NewFlagSet("producer "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &cmdFlags{FlagSet: fs, usage: usage, examples: examples, secret: map[string]bool{}}
}

// envName is the environment variable of a flag: PITWALL_ and the flag's
// name in upper case with dashes as underscores.
func envName(flagName string) string {
	return "PITWALL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse applies PITWALL_* variables from env, then the command line, which
// wins. --help prints the usage to stdout and returns errHelp; a bad flag
// prints the error and usage to stderr and returns errUsage.
func (f *cmdFlags) parse(args, env []string, stdout, stderr io.Writer) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "PITWALL_") {
			vars[k] = v
		}
	}
	var envErr error
	f.VisitAll(func(fl *flag.Flag) {
		if v, ok := vars[envName(fl.Name)]; ok && envErr == nil {
			if err := f.Set(fl.Name, v); err != nil {
				envErr = fmt.Errorf("invalid value in %s: %v", envName(fl.Name), err)
			}
		}
	})
	if envErr != nil {
		fmt.Fprintf(stderr, "%s: %v\n", f.Name(), envErr)
		return errUsage
	}
	rest := args
	for {
		if err := f.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.printUsage(stdout)
				return errHelp
			}
			fmt.Fprintf(stderr, "%s: %v\n\n", f.Name(), err)
			f.printUsage(stderr)
			return errUsage
		}
		left := f.FlagSet.Args()
		if len(left) == 0 {
			return nil
		}
		if used := len(rest) - len(left); used > 0 && rest[used-1] == "--" {
			f.positional = append(f.positional, left...)
			return nil
		}
		f.positional = append(f.positional, left[0])
		rest = left[1:]
	}
}

// parseNoArgs is parse for a command that takes flags only.
func (f *cmdFlags) parseNoArgs(args, env []string, stdout, stderr io.Writer) error {
	if err := f.parse(args, env, stdout, stderr); err != nil {
		return err
	}
	if f.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n", f.Name(), f.Args())
		return errUsage
	}
	return nil
}

func (f *cmdFlags) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", f.usage, strings.TrimSpace(f.examples))
	fmt.Fprintln(w, "\nFlags (each can also be set by the environment variable shown):")
	var all []*flag.Flag
	f.VisitAll(func(fl *flag.Flag) { all = append(all, fl) })
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	for _, fl := range all {
		def := ""
		if fl.DefValue != "" && fl.DefValue != "false" && !f.secret[fl.Name] {
			def = fmt.Sprintf(" (default %q)", fl.DefValue)
		}
		fmt.Fprintf(w, "  --%s\n      %s%s [%s]\n", fl.Name, fl.Usage, def, envName(fl.Name))
	}
}

// parseSpeed reads --speed: a factor > 0, or "max".
func parseSpeed(s string) (float64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "max" || s == "0" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "x"), 64)
	if err != nil || !(f > 0 && f <= 1e6) { // NaN fails both
		return 0, fmt.Errorf("bad --speed %q: want a factor such as 1 or 10, or max", s)
	}
	return f, nil
}

// kafkaConfig is how to reach Kafka and the Schema Registry, and the topic
// names. It mirrors the datasource settings of docs/DESIGN.md.
type kafkaConfig struct {
	brokers, clientID                      string
	registry, registryUser, registryPass   string
	format, compression                    string
	saslMechanism, saslUser, saslPass      string
	sasl                                   saslFlags // OAUTHBEARER, AWS_MSK_IAM (sasl.go)
	tls, tlsSkipVerify, registrySkipVerify bool
	tlsServerName, tlsCA, tlsCert, tlsKey  string
	topics                                 topicNames
	connectTimeout                         time.Duration
	embedded                               bool
	linger                                 time.Duration
	maxBuffered                            int
}

// topicNames are the eight topics by role.
type topicNames struct {
	Telemetry, Positions, RaceControl, Alerts, Commands, Predictions, Weather, Locations string
}

// defaultTopics are the topics under their docs/DESIGN.md names.
var defaultTopics = topicNames{f1.TopicTelemetry, f1.TopicPositions, f1.TopicRaceControl, f1.TopicAlerts,
	f1.TopicRaceCommands, f1.TopicPredictions, f1.TopicWeather, f1.TopicLocations}

func (t topicNames) all() []string {
	return []string{t.Telemetry, t.Positions, t.RaceControl, t.Alerts, t.Commands, t.Predictions, t.Weather, t.Locations}
}

// partitions is the docs/DESIGN.md partition count of the topic called
// name, by the role it plays (a renamed topic keeps its role's count).
func (t topicNames) partitions(name string) int32 {
	names, roles := t.all(), defaultTopics.all()
	for i := range names {
		if names[i] != name {
			continue
		}
		for _, s := range f1.Topics() {
			if s.Name == roles[i] {
				return s.Partitions
			}
		}
	}
	return 1
}

func addKafkaFlags(f *cmdFlags) *kafkaConfig {
	c := &kafkaConfig{}
	f.StringVar(&c.brokers, "brokers", "127.0.0.1:9092", "Kafka bootstrap servers, comma separated")
	f.StringVar(&c.clientID, "client-id", "pitwall-producer", "Kafka client id")
	f.StringVar(&c.registry, "registry", "", "Schema Registry URL, e.g. http://127.0.0.1:8081 (needed for --format avro and protobuf)")
	f.StringVar(&c.registryUser, "registry-username", "", "Schema Registry basic-auth user")
	f.StringVar(&c.registryPass, "registry-password", "", "Schema Registry basic-auth password")
	f.BoolVar(&c.registrySkipVerify, "registry-tls-skip-verify", false, "do not verify the Schema Registry's certificate (testing only; like the datasource's schemaRegistryTlsSkipVerify)")
	f.StringVar(&c.format, "format", "json", "record format: json, avro or protobuf (avro and protobuf in the Confluent wire format, schemas registered under <topic>-value)")
	f.StringVar(&c.compression, "compression", "lz4", "batch compression: none, gzip, snappy, lz4 or zstd")
	addSASLFlags(f, c)
	f.BoolVar(&c.tls, "tls", false, "connect to Kafka with TLS")
	f.BoolVar(&c.tlsSkipVerify, "tls-skip-verify", false, "do not verify the broker's certificate (testing only)")
	f.StringVar(&c.tlsServerName, "tls-server-name", "", "expected server name in the broker's certificate")
	f.StringVar(&c.tlsCA, "tls-ca-cert", "", "CA certificate: a PEM file, or the PEM itself")
	f.StringVar(&c.tlsCert, "tls-client-cert", "", "client certificate for mutual TLS: a PEM file, or the PEM itself")
	f.StringVar(&c.tlsKey, "tls-client-key", "", "client key for mutual TLS: a PEM file, or the PEM itself")
	f.DurationVar(&c.connectTimeout, "connect-timeout", 10*time.Second, "give up reaching the broker or registry after this long")
	f.BoolVar(&c.embedded, "embedded", false, "also run the development broker (on the first --brokers address) and registry in-process")
	f.DurationVar(&c.linger, "linger", 0, "how long the producer waits to fill a batch (0: it sends at once, and records that come while a request is in flight still go together)")
	f.IntVar(&c.maxBuffered, "max-buffered", 200000, "records buffered before producing blocks")
	f.StringVar(&c.topics.Telemetry, "topic-telemetry", f1.TopicTelemetry, "telemetry topic")
	f.StringVar(&c.topics.Positions, "topic-positions", f1.TopicPositions, "timing topic")
	f.StringVar(&c.topics.RaceControl, "topic-race-control", f1.TopicRaceControl, "race control topic")
	f.StringVar(&c.topics.Alerts, "topic-alerts", f1.TopicAlerts, "alerts topic")
	f.StringVar(&c.topics.Commands, "topic-commands", f1.TopicRaceCommands, "race commands topic (serve)")
	f.StringVar(&c.topics.Predictions, "topic-predictions", f1.TopicPredictions, "predictions topic (pit window, tyre cliff)")
	f.StringVar(&c.topics.Weather, "topic-weather", f1.TopicWeather, "weather topic (replays)")
	f.StringVar(&c.topics.Locations, "topic-locations", f1.TopicLocations, "car locations topic (the track map)")
	f.secret["registry-password"] = true
	f.secret["tls-client-key"] = true
	return c
}

// registered reports whether the format's schemas live in the Schema
// Registry (avro, protobuf).
func (c *kafkaConfig) registered() bool { return c.format == "avro" || c.format == "protobuf" }

// check validates the settings that need no network.
func (c *kafkaConfig) check() error {
	switch c.format {
	case "json", "avro", "protobuf":
	default:
		return fmt.Errorf("unknown --format %q: want json, avro or protobuf", c.format)
	}
	if c.registered() && c.registry == "" && !c.embedded {
		return fmt.Errorf("--format %s needs --registry (the Schema Registry URL, e.g. http://127.0.0.1:8081)", c.format)
	}
	if len(c.brokerList()) == 0 {
		return fmt.Errorf("--brokers is empty: give host:port[,host:port...]")
	}
	if _, err := c.authenticator(); err != nil {
		return err
	}
	if _, err := compressionCodec(c.compression); err != nil {
		return err
	}
	for _, t := range c.topics.all() {
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("topic names must not be empty")
		}
	}
	return nil
}

func (c *kafkaConfig) brokerList() []string {
	var out []string
	for _, b := range strings.Split(c.brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}
