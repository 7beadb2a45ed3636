// Package gotests walks the repository's Go test files for the developer
// tools that run them (fuzzrun, integrationrun). It skips node_modules,
// dist, testdata and hidden directories, reads nothing but *_test.go files
// and imports nothing of the project.
package gotests
