// Package layout holds the tests that keep the house as
// docs/ARCHITECTURE.md draws it (issue 15): which way the imports run, a
// doc.go per package, and no source file over 400 lines. It has no code of
// its own; its tests read `go list` and the source tree, so a change that
// breaks a rule fails `go test ./...` with what to fix.
//
// It imports nothing of the project.
package layout
