package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pitwall-f1/pitwall/internal/predictfit"
	"github.com/pitwall-f1/pitwall/internal/realdata"
	"github.com/pitwall-f1/pitwall/pkg/f1/predict"
)

// excluded are the corpus files of the evaluation races.
var excluded = []string{"Italian_Grand_Prix_2024", "Monaco_Grand_Prix_2023"}

func main() {
	corpus := flag.String("corpus", "", "directory of per-lap summary CSV files (searched recursively)")
	loro := flag.Bool("loro", false, "also score each corpus race with a fit on the others")
	flag.Parse()
	if err := run(*corpus, *loro); err != nil {
		fmt.Fprintln(os.Stderr, "predictfit:", err)
		os.Exit(1)
	}
}

func run(corpus string, loro bool) error {
	if corpus == "" {
		return fmt.Errorf("-corpus DIR is required")
	}
	races, err := loadCorpus(corpus)
	if err != nil {
		return err
	}
	c, n, err := predictfit.Fit(races)
	if err != nil {
		return err
	}
	fmt.Printf("fit on %d races, %d samples\n", len(races), n)
	fmt.Printf("  %-10s", "feature")
	for _, h := range predict.Horizons {
		fmt.Printf("  k=%d prior  fitted", h)
	}
	fmt.Println()
	for i, name := range predict.FeatureNames {
		fmt.Printf("  %-10s", name)
		for k := range predict.Horizons {
			fmt.Printf("  %10.2f %7.2f", predict.Prior[k][i], c[k][i])
		}
		fmt.Println()
	}
	fmt.Println("var Default = PitModel{")
	for k, h := range predict.Horizons {
		fmt.Printf("\t{ // within %d laps\n\t\t", h)
		for i, v := range c[k] {
			if i > 0 {
				fmt.Print(" ")
			}
			fmt.Printf("%.3f,", v)
		}
		fmt.Println("\n\t},")
	}
	fmt.Println("}")
	wd, _ := os.Getwd()
	shared, err := realdata.Find(wd)
	if err != nil {
		return err
	}
	evals, err := predictfit.EvaluationRaces(shared)
	if err != nil {
		return err
	}
	for _, r := range evals {
		report(predictfit.Evaluate(r, &c))
	}
	if loro {
		var sum [4][2]float64
		for i, r := range races {
			rest := append(append([]predictfit.Race(nil), races[:i]...), races[i+1:]...)
			ci, _, err := predictfit.Fit(rest)
			if err != nil {
				return err
			}
			s := predictfit.Evaluate(r, &ci)
			report(s)
			sum[0][0] += s.Model.Brier[3]
			sum[0][1] += s.Baseline.Brier[3]
			sum[1][0] += s.Model.FlaggedShare()
			sum[1][1] += s.Baseline.FlaggedShare()
			sum[2][0] += s.Model.AUC
			sum[2][1] += s.Baseline.AUC
			sum[3][0] += float64(s.ModelAtBaselineAlarms) / float64(max(1, s.Model.Stops))
		}
		k := float64(len(races))
		fmt.Printf("LORO mean over %d races: brier3 model %.4f baseline %.4f, auc model %.3f baseline %.3f, flagged model %.2f baseline %.2f, model at the baseline's alarms %.2f\n",
			len(races), sum[0][0]/k, sum[0][1]/k, sum[2][0]/k, sum[2][1]/k, sum[1][0]/k, sum[1][1]/k, sum[3][0]/k)
	}
	return nil
}

func report(s predictfit.Scores) {
	m, b := s.Model, s.Baseline
	fmt.Printf("%-40s auc %.3f/%.3f brier1/3/5 model %.4f %.4f %.4f baseline %.4f %.4f %.4f | flagged model %d/%d baseline %d/%d | precision model %.2f (%d) baseline %.2f (%d)\n",
		s.Race, m.AUC, b.AUC, m.Brier[1], m.Brier[3], m.Brier[5], b.Brier[1], b.Brier[3], b.Brier[5],
		m.Flagged, m.Stops, b.Flagged, b.Stops, m.Precision(), m.Alarms, b.Precision(), b.Alarms)
	fmt.Printf("  model with the baseline's %d alarms flags %d/%d\n", b.Alarms, s.ModelAtBaselineAlarms, m.Stops)
	fmt.Print("  reliability (p3 tenth: stops/predictions):")
	for i, r := range m.Reliability {
		if r[0] > 0 {
			fmt.Printf(" %d:%d/%d", i, r[1], r[0])
		}
	}
	fmt.Println()
}

func loadCorpus(dir string) ([]predictfit.Race, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), "data_") && strings.HasSuffix(d.Name(), ".csv") {
			for _, x := range excluded {
				if strings.Contains(d.Name(), x) {
					return nil
				}
			}
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var races []predictfit.Race
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		r, err := predictfit.LoadSummary(data, strings.TrimSuffix(filepath.Base(p), ".csv"))
		if err != nil {
			return nil, err
		}
		races = append(races, r)
	}
	if len(races) == 0 {
		return nil, fmt.Errorf("no data_*.csv race files under %s", dir)
	}
	return races, nil
}
