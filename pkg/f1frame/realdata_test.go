package f1frame

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// The real FastF1 laps of ../shared/data (Monza 2024 VER, Spa 2022 VER and
// PER) through the builders, as the plugin would feed them.

// On clean real laps the slip series is drawn, sits near zero, and spins
// fire on under 1 % of samples.
func TestRealLapsSlipSeries(t *testing.T) {
	for _, l := range realLaps() {
		lap := loadLap(t, l)
		b := mustNew(t, WheelSpin, Options{RefID: "A", MaxDataPoints: 5000})
		feed(b, lap, nil)
		fs := b.Frames()
		series := fs[0]
		if series.Name != "wheel_spin" || series.Fields[1].Labels["driver"] != l.driver {
			t.Fatalf("%s: first frame %q labels %v", l.name, series.Name, series.Fields[1].Labels)
		}
		n := series.Rows()
		if n < len(lap)*3/4 {
			t.Errorf("%s: %d slip points for %d samples", l.name, n, len(lap))
		}
		var abs []float64
		for i := 0; i < n; i++ {
			abs = append(abs, math.Abs(series.Fields[1].At(i).(float64)))
		}
		slices.Sort(abs)
		med := abs[len(abs)/2]
		spinSamples := 0
		ev := mustNew(t, WheelSpin, Options{View: ViewEvents})
		feed(ev, lap, nil)
		events := ev.Frames()[0]
		for i := 0; i < events.Rows(); i++ {
			spinSamples += int(field(t, events, "samples").At(i).(int64))
		}
		share := float64(spinSamples) / float64(len(lap))
		t.Logf("%s: %d samples, %d slip points, median |slip| %.2f %%, %d spins on %d samples (%.2f %%)",
			l.name, len(lap), n, med, events.Rows(), spinSamples, 100*share)
		if med > 2 {
			t.Errorf("%s: median |slip| %.2f %% on a clean lap", l.name, med)
		}
		if share >= 0.01 {
			t.Errorf("%s: spin on %.2f %% of samples, want < 1 %%", l.name, 100*share)
		}
		// With no spin there is no annotation frame to draw.
		if events.Rows() == 0 && len(fs) != 1 {
			t.Errorf("%s: %d frames for a spin-free lap", l.name, len(fs))
		}
	}
}

// injectSpins lowers the speed by 10–20 % on runs of 3 full-throttle,
// brake-off samples in gears 2–5 that stay in one gear (and in the gear of
// the sample before), at least 8 samples apart. It returns the copy and the
// runs' first and last ts.
func injectSpins(lap []f1.Telemetry) ([]f1.Telemetry, [][2]int64) {
	out := slices.Clone(lap)
	var runs [][2]int64
	for i := 1; i+3 < len(out); i++ {
		ok := true
		for j := i; j < i+3; j++ {
			s := out[j]
			if s.ThrottlePct < 99 || s.Brake > 0 || s.Gear < 2 || s.Gear > 5 || s.Gear != out[i-1].Gear {
				ok = false
			}
		}
		if !ok {
			continue
		}
		cut := 0.10 + 0.05*float64(len(runs)%3) // 10, 15, 20 %
		for j := i; j < i+3; j++ {
			out[j].SpeedKph *= 1 - cut
		}
		runs = append(runs, [2]int64{out[i].Ts, out[i+2].Ts})
		i += 10
	}
	return out, runs
}

// Spin injected into copies of the real laps is found ≥ 95 % of the time,
// and nothing is found away from it.
func TestRealLapsInjectedSpinFound(t *testing.T) {
	runs, found, false_ := 0, 0, 0
	for _, l := range realLaps() {
		spun, inj := injectSpins(loadLap(t, l))
		if len(inj) < 3 {
			t.Fatalf("%s: only %d runs could be injected", l.name, len(inj))
		}
		b := mustNew(t, WheelSpin, Options{View: ViewEvents})
		feed(b, spun, nil)
		ev := b.Frames()[0]
		starts, ends := field(t, ev, "time"), field(t, ev, "timeEnd")
		hit := make([]bool, len(inj))
		for i := 0; i < ev.Rows(); i++ {
			s := starts.At(i).(time.Time).UnixMilli()
			e := s
			if v, ok := ends.ConcreteAt(i); ok {
				e = v.(time.Time).UnixMilli()
			}
			matched := false
			for k, r := range inj {
				if s <= r[1] && e >= r[0] {
					hit[k], matched = true, true
				}
			}
			if !matched {
				false_++
			}
		}
		for _, h := range hit {
			runs++
			if h {
				found++
			}
		}
	}
	recall := float64(found) / float64(runs)
	t.Logf("injected %d spins, found %d (recall %.3f), %d events away from them", runs, found, recall, false_)
	if recall < 0.95 {
		t.Errorf("recall %.3f, want ≥ 0.95", recall)
	}
	if false_ > 0 {
		t.Errorf("%d spin events away from the injected runs", false_)
	}
}

// Overspeed fires on every real lap above 300 km/h (each of these laps is),
// each alert above the threshold; with the threshold at 340 none fires; no
// gear anomaly is found.
func TestRealLapsOverspeedAndNoAnomalies(t *testing.T) {
	for _, l := range realLaps() {
		lap := loadLap(t, l)
		top := 0.0
		for _, s := range lap {
			top = max(top, s.SpeedKph)
		}
		if top <= 300 {
			t.Fatalf("%s: top speed %.0f, the test needs a lap above 300", l.name, top)
		}
		count := func(opts Options) (n int, values []float64) {
			b := mustNew(t, Alerts, opts)
			feed(b, lap, nil)
			f := b.Frames()[0]
			for i := 0; i < f.Rows(); i++ {
				if field(t, f, "kind").At(i) == f1.AlertOverspeed {
					n++
					values = append(values, field(t, f, "value").At(i).(float64))
				}
			}
			return n, values
		}
		n, vals := count(Options{})
		t.Logf("%s: top %.0f km/h, %d overspeed alerts %v", l.name, top, n, vals)
		if n == 0 {
			t.Errorf("%s: no overspeed alert on a lap at %.0f km/h", l.name, top)
		}
		for _, v := range vals {
			if v <= 300 {
				t.Errorf("%s: overspeed alert at %.1f km/h", l.name, v)
			}
		}
		if n, _ := count(Options{OverspeedKph: 340}); n != 0 {
			t.Errorf("%s: %d overspeed alerts above 340 km/h on a %.0f km/h lap", l.name, n, top)
		}
		g := mustNew(t, GearAnomalies, Options{})
		feed(g, lap, nil)
		fs := g.Frames()
		if ev := frameNamed(t, fs, "gear_anomalies"); ev.Rows() != 0 {
			t.Errorf("%s: %d gear anomalies on a clean lap", l.name, ev.Rows())
		}
		dist := frameNamed(t, fs, "gear_distribution")
		sum := 0.0
		col := field(t, dist, l.driver)
		for i := 0; i < dist.Rows(); i++ {
			sum += col.At(i).(float64)
		}
		if math.Abs(sum-1) > 0.001 {
			t.Errorf("%s: gear shares sum to %.4f", l.name, sum)
		}
	}
}
