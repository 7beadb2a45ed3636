// Package kafka is Pitwall's Kafka transport, built on franz-go. It reads
// partitions directly (no consumer group, no commits): a time-range query
// reads each partition between two offsets, and a live stream consumes from
// given offsets and reports the next offset per partition so that it can be
// resumed exactly.
//
// One Client belongs to one datasource instance. It holds one franz-go client
// for metadata and offset look-ups; each range read and each stream gets its
// own short-lived consumer client made from the same settings (franz-go binds
// the partitions to consume to a client), and Close closes them all.
//
// security.go is the one SASL and TLS builder, for the plugin's settings
// and the producer's flags alike: PLAIN and SCRAM, OAUTHBEARER with the
// OAuth client-credentials grant (oauth.go: tokens cached, refreshed at 80%
// of their life, one fetch at a time) and AWS_MSK_IAM (awsiam.go: keys or
// the AWS SDK's default chain). dial.go sends connections through a given
// dialer (the plugin's secure SOCKS proxy), TLS inside it.
//
// Rules: it imports nothing of the project; every error is explained
// (explain.go, explain_sasl.go, explain_proxy.go) in words that say what to
// check (ErrUnreachable, ErrAuth, ErrTimeout, ErrUnknownTopic) and never
// holds a password, client secret, token or key.
package kafka
