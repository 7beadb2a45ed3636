package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

func series(n int, f func(i int) sample) []sample {
	out := make([]sample, n)
	for i := range out {
		out[i] = f(i)
		out[i].At = time.Duration(i) * 10 * time.Second
	}
	return out
}

func TestSlopeFitsALine(t *testing.T) {
	b, r := slope([]float64{0, 1, 2, 3}, []float64{5, 7, 9, 11})
	if math.Abs(b-2) > 1e-9 || r > 1e-9 {
		t.Fatalf("slope %v resid %v", b, r)
	}
	if b, _ := slope([]float64{1}, []float64{1}); b != 0 {
		t.Fatal("one point has no slope")
	}
}

func TestJudgeFlatDespiteNoiseAndWarmUp(t *testing.T) {
	s := series(30, func(i int) sample {
		rss := 60.0
		if i < 10 {
			rss = 30 + 3*float64(i) // warm-up growth in the first half is ignored
		}
		rss += float64(i%3) * 1.5 // GC saw-tooth
		return sample{RSS: rss * (1 << 20), Goroutines: 40 + float64(i%2), Lag: float64(100 * (i % 4)), Records: float64(i) * 50000}
	})
	trends, v := judge(s)
	if v != "flat" {
		t.Fatalf("verdict %q: %v", v, trends)
	}
}

func TestJudgeSeesLeaks(t *testing.T) {
	for name, f := range map[string]func(i int) sample{
		"rss": func(i int) sample {
			return sample{RSS: (60 + 1.0*float64(i)) * (1 << 20), Goroutines: 40, Records: float64(i) * 1000}
		},
		"goroutines": func(i int) sample {
			return sample{RSS: 60 << 20, Goroutines: 40 + float64(i), Records: float64(i) * 1000}
		},
		"lag": func(i int) sample {
			return sample{RSS: 60 << 20, Goroutines: 40, Lag: 500 * float64(i), Records: float64(i) * 1000}
		},
	} {
		_, v := judge(series(30, f))
		if !strings.HasPrefix(v, "growing") || !strings.Contains(v, name) {
			t.Errorf("%s leak: verdict %q", name, v)
		}
	}
}

func TestJudgeNeedsSamples(t *testing.T) {
	if _, v := judge(series(3, func(int) sample { return sample{} })); !strings.Contains(v, "too few") {
		t.Fatal(v)
	}
}

func TestConfigFromEnv(t *testing.T) {
	c, err := configFromEnv(func(string) string { return "" })
	if err != nil || c.duration != 30*time.Minute || c.every != 10*time.Second || c.speed != 100 {
		t.Fatalf("%+v %v", c, err)
	}
	env := map[string]string{"PITWALL_SOAK": "2m", "PITWALL_SOAK_SPEED": "10"}
	c, err = configFromEnv(func(k string) string { return env[k] })
	if err != nil || c.duration != 2*time.Minute || c.speed != 10 {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := configFromEnv(func(k string) string { return map[string]string{"PITWALL_SOAK": "forever"}[k] }); err == nil {
		t.Fatal("a bad duration must be refused")
	}
}
