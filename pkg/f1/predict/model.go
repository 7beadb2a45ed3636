package predict

// Default is the pit-window model Pitwall runs. It was fitted with
//
//	go run ./internal/predictfit/cmd/predictfit -corpus DIR
//
// on 50 races of 2023-2025 (52 242 driver-laps; AiLab-F1's per-lap
// summaries at commit 2f92ae2c, see docs/predictions.md), which leave out
// the two races it is scored on (Italian GP 2024, Monaco GP 2023), with
// Prior as the centre of a Gaussian prior of precision 2. Features in the
// order of FeatureNames.
var Default = PitModel{
	{ // within 1 lap
		-5.868, 1.332, -0.436, 0.385, 0.102, 0.273, 0.871, 1.812, -1.194, 0.324, 0.932, 0.182, 1.502, 2.038, 0.177, -0.312, 0.225,
	},
	{ // within 3 laps
		-4.947, 1.471, -0.451, 0.000, 0.110, 0.154, 0.068, 0.847, -1.414, 0.287, 0.965, 0.003, 1.805, 1.400, 0.196, -0.283, 0.513,
	},
	{ // within 5 laps
		-4.515, 1.569, -0.415, 0.000, 0.088, 0.154, 0.000, 0.254, -1.536, 0.262, 1.002, 0.000, 1.963, 0.496, 0.202, -0.282, 0.602,
	},
}
