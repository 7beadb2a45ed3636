// Package openf1test serves recorded OpenF1 answers over HTTP for tests: a
// directory of <endpoint>.json files (JSON arrays in OpenF1's shapes),
// filtered by the query's key=value pairs as OpenF1 filters them.
//
// Test support only: no non-test code imports it, and it imports nothing of
// the project.
package openf1test
