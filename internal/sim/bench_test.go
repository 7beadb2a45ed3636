package sim

import (
	"testing"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// BenchmarkSimMonza runs full Monza races through the simulator alone
// (analyzer included) and reports events per second.
func BenchmarkSimMonza(b *testing.B) {
	c, _ := f1.CircuitByName("monza")
	var n int
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s, err := New(Config{Circuit: c, Seed: uint64(i), Laps: 10})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, ok := s.Next(); !ok {
				break
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
