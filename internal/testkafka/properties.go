package testkafka

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// node is one broker+controller of a cluster.
type node struct {
	id         int32
	dir        string         // config, logs and data
	controller int            // CONTROLLER port
	internal   int            // INTERNAL (plaintext, inter-broker) port
	ports      map[string]int // client listener name → port
	proc       *process       // nil before the first start
	stopped    bool           // stopped on purpose (Kill, Shutdown)
}

func (n *node) propsFile() string { return filepath.Join(n.dir, "server.properties") }
func (n *node) logFile() string   { return filepath.Join(n.dir, "server.log") }
func (n *node) dataDir() string   { return filepath.Join(n.dir, "data") }

// properties renders the server.properties of n in cluster c.
func (c *Cluster) properties(n *node) string {
	o := c.opts
	rf := strconv.Itoa(o.Brokers)
	minISR := strconv.Itoa(min(2, o.Brokers))
	var voters []string
	for _, m := range c.nodes {
		voters = append(voters, fmt.Sprintf("%d@127.0.0.1:%d", m.id, m.controller))
	}
	listeners := []string{fmt.Sprintf("INTERNAL://127.0.0.1:%d", n.internal), fmt.Sprintf("CONTROLLER://127.0.0.1:%d", n.controller)}
	advertised := []string{fmt.Sprintf("INTERNAL://127.0.0.1:%d", n.internal)}
	protocols := []string{"INTERNAL:PLAINTEXT", "CONTROLLER:PLAINTEXT"}
	p := map[string]string{
		"process.roles":                                    "broker,controller",
		"node.id":                                          strconv.Itoa(int(n.id)),
		"controller.quorum.voters":                         strings.Join(voters, ","),
		"controller.listener.names":                        "CONTROLLER",
		"inter.broker.listener.name":                       "INTERNAL",
		"log.dirs":                                         n.dataDir(),
		"num.partitions":                                   "1",
		"default.replication.factor":                       rf,
		"offsets.topic.replication.factor":                 rf,
		"offsets.topic.num.partitions":                     "3",
		"transaction.state.log.replication.factor":         rf,
		"transaction.state.log.min.isr":                    minISR,
		"transaction.state.log.num.partitions":             "3",
		"share.coordinator.state.topic.replication.factor": rf,
		"share.coordinator.state.topic.min.isr":            minISR,
		"share.coordinator.state.topic.num.partitions":     "3",
		"group.initial.rebalance.delay.ms":                 "0",
		"num.network.threads":                              "2",
		"num.io.threads":                                   "2",
		"background.threads":                               "2",
		"num.recovery.threads.per.data.dir":                "1",
		"num.replica.fetchers":                             "1",
		"log.cleaner.threads":                              "1",
		"log.cleaner.dedupe.buffer.size":                   "8388608",
		"broker.heartbeat.interval.ms":                     "1000",
		"broker.session.timeout.ms":                        "6000",
		"controlled.shutdown.enable":                       "true",
	}
	for _, l := range o.Listeners {
		port := n.ports[l.Name]
		listeners = append(listeners, fmt.Sprintf("%s://127.0.0.1:%d", l.Name, port))
		advertised = append(advertised, fmt.Sprintf("%s://127.0.0.1:%d", l.Name, port))
		protocols = append(protocols, l.Name+":"+string(l.Security))
		prefix := "listener.name." + strings.ToLower(l.Name) + "."
		if l.tls() {
			p[prefix+"ssl.keystore.type"] = "PEM"
			p[prefix+"ssl.keystore.location"] = c.keystore
			p[prefix+"ssl.truststore.type"] = "PEM"
			p[prefix+"ssl.truststore.location"] = c.truststore
			p[prefix+"ssl.client.auth"] = "none"
			if l.ClientAuth {
				p[prefix+"ssl.client.auth"] = "required"
			}
		}
		if l.sasl() {
			mechs := l.mechanisms()
			p[prefix+"sasl.enabled.mechanisms"] = strings.Join(mechs, ",")
			for _, m := range mechs {
				switch m {
				case MechPlain:
					jaas := "org.apache.kafka.common.security.plain.PlainLoginModule required"
					for _, u := range o.Users {
						jaas += fmt.Sprintf(" user_%s=\"%s\"", u.Name, u.Password)
					}
					p[prefix+"plain.sasl.jaas.config"] = jaas + ";"
				case MechScramSHA256, MechScramSHA512:
					p[prefix+strings.ToLower(m)+".sasl.jaas.config"] = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
				case MechOAuthBearer:
					ob := prefix + "oauthbearer."
					p[ob+"sasl.jaas.config"] = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"
					p[ob+"sasl.server.callback.handler.class"] = "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler"
					// The validator that checks signatures (by the JWKS), expiry,
					// audience and issuer, named broker-wide as well as for the
					// listener: Kafka 4.1.0's callback handler makes its
					// default validator (DefaultJwtValidator) without a key
					// resolver, which then falls back to ClientJwtValidator and
					// checks no signature, whatever the JWKS URL (seen in the
					// broker's debug log; the listener-prefixed validator class
					// alone was not read).
					for k, v := range map[string]string{"jwt.validator.class": "org.apache.kafka.common.security.oauthbearer.BrokerJwtValidator",
						"jwks.endpoint.url": o.OAuth.JWKSURL, "expected.audience": o.OAuth.Audience, "expected.issuer": o.OAuth.Issuer} {
						if v != "" {
							p[ob+"sasl.oauthbearer."+k] = v
							p["sasl.oauthbearer."+k] = v
						}
					}
				}
			}
		}
	}
	p["listeners"] = strings.Join(listeners, ",")
	p["advertised.listeners"] = strings.Join(advertised, ",")
	p["listener.security.protocol.map"] = strings.Join(protocols, ",")
	if o.ACLs {
		p["authorizer.class.name"] = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
		p["allow.everyone.if.no.acl.found"] = "false"
		p["super.users"] = strings.Join(append([]string{"User:ANONYMOUS"}, o.SuperUsers...), ";")
	}
	maps.Copy(p, o.Props)

	var b strings.Builder
	b.WriteString("# written by internal/testkafka for a test; not a production configuration\n")
	for _, k := range slices.Sorted(maps.Keys(p)) {
		fmt.Fprintf(&b, "%s=%s\n", k, escapeProp(p[k]))
	}
	return b.String()
}

// escapeProp escapes a value for a Java properties file.
func escapeProp(v string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(v)
}

// log4j routes the broker's log to stdout (the Go side writes it to
// server.log), at INFO with the chattiest loggers at WARN.
const log4jConfig = `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.loader.name = org.apache.kafka.image.loader
logger.loader.level = WARN
logger.reqlog.name = kafka.request.logger
logger.reqlog.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
`
