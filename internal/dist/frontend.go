package dist

import (
	"os"
	"path/filepath"
)

// FrontendSteps are the commands that build the frontend in root: `npm ci`
// first when node_modules is missing (a fresh clone), then `npm run build`,
// which writes the datasource into dist/ and the leaderboard panel into
// dist-panel/ (module.js, its source map, plugin.json, README, LICENSE, logos).
func FrontendSteps(root string) [][]string {
	var steps [][]string
	if st, err := os.Stat(filepath.Join(root, "node_modules")); err != nil || !st.IsDir() {
		steps = append(steps, []string{"npm", "ci", "--no-audit", "--no-fund"})
	}
	return append(steps, []string{"npm", "run", "build"})
}
