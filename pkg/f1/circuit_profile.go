package f1

import "math"

// SpeedProfile is the clean racing speed at every point of a lap, built from a
// circuit's corners and top speed with simple car physics: power-limited
// acceleration out of corners and aero-assisted braking into them.
type SpeedProfile struct {
	StepM float64   // spacing of the samples, metres
	Kph   []float64 // Kph[i] is the speed at i*StepM metres after the line
	LapS  float64   // time of one flying lap along the profile, seconds
}

// Profile physics. Acceleration falls with the square of speed (drag against
// power); braking grows with it (downforce).
const (
	profileStepM   = 2.0
	accelPeakMS2   = 10.5 // m/s² at low speed
	brakeLowMS2    = 20.0 // m/s² at low speed
	brakeAeroMS2   = 22.0 // extra m/s² at 90 m/s
	topHeadroomPct = 1.6  // the car could reach top speed + this, so it reaches top speed on long straights
)

func accelAt(v, vLim float64) float64 {
	a := accelPeakMS2 * (1 - (v*v)/(vLim*vLim))
	if a < 0.2 {
		a = 0.2
	}
	return a
}

func brakeAt(v float64) float64 { return brakeLowMS2 + brakeAeroMS2*(v/90)*(v/90) }

// SpeedProfile builds the circuit's speed profile.
func (c *Circuit) SpeedProfile() SpeedProfile {
	n := int(math.Round(c.LengthM / profileStepM))
	if n < 16 {
		n = 16
	}
	step := c.LengthM / float64(n)
	top := c.TopSpeedKph / 3.6
	vLim := top * (1 + topHeadroomPct/100)
	limit := make([]float64, n)
	for i := range limit {
		limit[i] = top
	}
	for _, cn := range c.Corners {
		centre := cn.At * c.LengthM
		half := cn.LengthM / 2
		if half < step {
			half = step
		}
		for d := centre - half; d <= centre+half; d += step {
			i := ((int(math.Round(d/step)) % n) + n) % n
			limit[i] = math.Min(limit[i], cn.ApexKph/3.6)
		}
	}
	v := make([]float64, n)
	copy(v, limit)
	// Forward (acceleration) then backward (braking), twice round so the
	// passes join up across the line.
	for lap := 0; lap < 2; lap++ {
		for k := 1; k <= n; k++ {
			i, j := (k-1)%n, k%n
			nv := math.Sqrt(v[i]*v[i] + 2*accelAt(v[i], vLim)*step)
			if nv < v[j] {
				v[j] = nv
			}
		}
	}
	for lap := 0; lap < 2; lap++ {
		for k := n; k >= 1; k-- {
			i, j := (k-1)%n, k%n
			nv := math.Sqrt(v[j]*v[j] + 2*brakeAt(v[j])*step)
			if nv < v[i] {
				v[i] = nv
			}
		}
	}
	p := SpeedProfile{StepM: step, Kph: make([]float64, n)}
	for i, ms := range v {
		p.Kph[i] = ms * 3.6
		p.LapS += step / ms
	}
	return p
}

// At returns the profile speed in km/h at d metres after the line
// (wrapping), interpolated between samples.
func (p *SpeedProfile) At(d float64) float64 {
	n := len(p.Kph)
	if n == 0 {
		return 0
	}
	x := d / p.StepM
	x -= math.Floor(x/float64(n)) * float64(n)
	i := int(x)
	if i >= n {
		i = n - 1
	}
	t := x - float64(i)
	return p.Kph[i]*(1-t) + p.Kph[(i+1)%n]*t
}

// Accel returns the profile's longitudinal acceleration in m/s² at d metres
// (positive: accelerating, negative: braking, ~0: cornering or flat out).
func (p *SpeedProfile) Accel(d float64) float64 {
	v0 := p.At(d) / 3.6
	v1 := p.At(d+p.StepM) / 3.6
	return (v1*v1 - v0*v0) / (2 * p.StepM)
}
