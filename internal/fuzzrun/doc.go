// Package fuzzrun runs every native Go fuzz target of the repository for a
// set time each and reports how many inputs each ran. The Magefile's fuzz
// target calls it. A crash fails the run; go test writes the crashing input
// to the target's testdata/fuzz directory, where it stays as a seed.
//
// It finds the targets with internal/gotests (the one walk of the
// repository's test files) and imports nothing else of the project.
package fuzzrun
