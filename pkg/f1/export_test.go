package f1

// Test helpers of package f1 that the external tests (package f1_test,
// which read real races through internal/replay) use too.
var (
	CheckPositions = checkPositions
	Order          = order
)
