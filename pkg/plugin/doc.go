// Package plugin is Pitwall's Grafana backend datasource: the SDK's
// handlers, one per file, and the datasource settings.
//
//	datasource.go   one instance per datasource: settings, Kafka client,
//	                Schema Registry, resource routes, Dispose
//	query.go        QueryData: each query read by time range (pkg/pipeline)
//	stream.go       RunStream, SubscribeStream, PublishStream (Grafana Live)
//	streamlimits.go at most maxStreams running streams; a new one waits
//	subscriptions.go  the channels Grafana subscribed to lately (a stream
//	                run again after a restart has lost its place)
//	health.go       CheckHealth
//	resources.go    GET topics, partitions, drivers (the query editor)
//	race.go         POST race/start, race/stop (the leaderboard panel)
//	racestatus.go   GET race/status
//	settings.go     jsonData and secureJsonData, checked
//	settings_sasl.go  the SASL settings (PLAIN, SCRAM, OAUTHBEARER, AWS_MSK_IAM)
//	grafana.go      what Grafana allows: the AWS default chain ([aws]), the
//	                secure SOCKS proxy (Private Data source Connect), read
//	                from the configuration in the request's context
//	access.go       who may write (race control: the Editor role, or Viewers
//	                with viewersControlRace) and how often
//	kafkalog.go     franz-go's log lines, rate-limited, to the plugin log
//
// Rules: a handler parses and checks its input, calls pkg/query and
// pkg/pipeline (or pkg/kafka for resources), and maps errors to a status
// that says what to fix; the record path itself is not here. Secrets live in
// Settings as Secret values that print as [redacted]: never in logs, errors,
// frames or channel paths. Every handler answers, with the settings error,
// when the settings are invalid. Grafana lets any user who may query the
// datasource call its resources: every resource that writes checks the
// caller's role (guardWrites, 403 naming the role) and is rate-limited
// (429). A datasource runs at most maxStreams live streams.
package plugin
