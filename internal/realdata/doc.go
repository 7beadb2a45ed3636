// Package realdata is test support: it finds the real F1 data that CI clones
// beside the repository (../shared/data) and reads its CSV files. A missing
// data set fails the test, so a real-data proof never silently skips.
//
// It is for tests and for the evaluation races of
// internal/predictfit/cmd/predictfit; it imports nothing of the project
// (internal/realdata/realrace reads a race through internal/replay).
package realdata
