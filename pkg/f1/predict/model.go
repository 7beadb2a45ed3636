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
		-5.857, 1.332, -0.436, 0.382, 0.102, 0.265, 0.871, 1.812, -1.196, 0.324, 0.930, 0.182, 1.492, 2.042, 0.178, -0.314, 0.225,
	},
	{ // within 3 laps
		-4.937, 1.473, -0.451, 0.000, 0.110, 0.152, 0.068, 0.847, -1.416, 0.287, 0.964, 0.002, 1.795, 1.406, 0.197, -0.285, 0.513,
	},
	{ // within 5 laps
		-4.506, 1.570, -0.415, 0.000, 0.088, 0.151, 0.000, 0.254, -1.538, 0.262, 1.001, 0.000, 1.954, 0.501, 0.203, -0.284, 0.602,
	},
}
