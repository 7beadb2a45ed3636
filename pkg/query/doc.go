// Package query is Pitwall's query model (docs/DESIGN.md): the JSON of one
// query becomes a Query (query.go), checked field by field with errors that
// say what to fix; types.go lists the nine query types, the only place
// one is named; f1options.go keeps the F1 types' options (view, thresholds,
// the predictions' model and horizon) in Query.Params; channel.go turns a
// live query into a Grafana Live channel path and back, so that the path
// alone rebuilds a stream after a restart.
//
// Rules: one live query has exactly one channel path (lists are sorted,
// defaults are dropped, decoding accepts only the canonical form); a path
// holds only [A-Za-z0-9_\-/=.] and at most MaxPathLen characters. The
// package reads no Kafka and makes no frames: pkg/pipeline does that with a
// Query.
package query
