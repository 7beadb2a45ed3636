// Package realrace is test support: it replays files of a shared real race
// (../shared/data, found by realdata) through internal/replay, the one
// parser of recorded races, so that tests of the leaderboard, the frames and
// the plugin read a race exactly as `producer replay` publishes it. A file
// that does not parse fails the test.
package realrace
