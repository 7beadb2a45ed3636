// Package frametest is test support: it reads Grafana data frames as
// strings, so that a test can say what a frame holds in one line.
//
// Test support only: no non-test code imports it, and it imports nothing of
// the project.
package frametest
