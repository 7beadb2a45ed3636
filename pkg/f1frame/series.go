package f1frame

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/decimate"
)

// series is one drawn line: a driver in a race.
type series struct {
	id       int32
	driver   string
	raceID   string
	liveKey  string // the Live labels value: driver=VER (race_id too, when asked)
	dec      decimate.Series
	lastTs   int64
	hasPoint bool
}

// seriesSet holds the series of one kind, found by driver then race id, and
// the points not yet pushed to Live.
type seriesSet struct {
	list      []*series
	byDriver  map[string]*series // the driver's latest series
	byRace    map[[2]string]*series
	maxPoints int
	raceLabel bool // Live labels carry race_id too
	live      liveBuf
}

func newSeriesSet(maxPoints int, raceLabel bool) *seriesSet {
	return &seriesSet{
		byDriver: make(map[string]*series, 24), byRace: make(map[[2]string]*series, 24),
		maxPoints: maxPoints, raceLabel: raceLabel,
	}
}

// get finds or makes the series of driver in raceID.
func (s *seriesSet) get(driver, raceID string) *series {
	if x := s.byDriver[driver]; x != nil && x.raceID == raceID {
		return x
	}
	key := [2]string{driver, raceID}
	x := s.byRace[key]
	if x == nil {
		d, r := strings.Clone(driver), strings.Clone(raceID)
		x = &series{id: int32(len(s.list)), driver: d, raceID: r, dec: decimate.NewSeries(s.maxPoints)} // #nosec G115 -- one series per driver and race
		x.liveKey = "driver=" + d
		if s.raceLabel {
			x.liveKey += ",race_id=" + labelSafe(r)
		}
		s.list = append(s.list, x)
		s.byRace[[2]string{d, r}] = x
	}
	s.byDriver[x.driver] = x
	return x
}

// seen moves the Live time of driver's series in raceID to ts for a sample
// that gave no point (a slip sample under braking or next to a gear change).
// The Live watermark then follows what each driver has sent, not only what
// it drew, so a car in a braking zone does not hold the others' points back.
// A driver's later points are never older than its samples, so the ordering
// still holds.
func (s *seriesSet) seen(driver, raceID string, ts int64) {
	if x := s.byDriver[driver]; x != nil && x.raceID == raceID && x.hasPoint && ts > x.lastTs {
		x.lastTs = ts
	}
}

// add records a point of x, for Frames and for the next Flush.
func (s *seriesSet) add(x *series, p decimate.Point, live bool) {
	x.dec.Add(p)
	if live && s.live.newTimeline(p.Ts) {
		// A new timeline (an older race replayed after a newer one): start
		// the Live ordering over instead of calling everything late.
		for _, y := range s.list {
			y.hasPoint = false
		}
		s.live.reset()
	}
	if !x.hasPoint || p.Ts > x.lastTs {
		x.lastTs, x.hasPoint = p.Ts, true
	}
	if live {
		s.live.add(x.id, p)
	}
}

// sorted lists the series by driver, then race id.
func (s *seriesSet) sorted() []*series {
	out := slices.Clone(s.list)
	slices.SortFunc(out, func(a, b *series) int {
		return cmp.Or(strings.Compare(a.driver, b.driver), strings.Compare(a.raceID, b.raceID))
	})
	return out
}

// races counts the distinct race ids.
func (s *seriesSet) races() int {
	seen := map[string]bool{}
	for _, x := range s.list {
		seen[x.raceID] = true
	}
	return len(seen)
}

// rangeFrames is one frame per series: time and the value, with labels
// {driver} ({driver, race_id} when the set asks for it or the range holds
// several races) and the
// driver as display name — the timeseries-multi layout that time series
// panels and Grafana alerting read. It also counts decimated points.
func (s *seriesSet) rangeFrames(name, valueName string, cfg *data.FieldConfig, st *Stats) data.Frames {
	multiRace := s.races() > 1
	var fs data.Frames
	var pts []decimate.Point
	for _, x := range s.sorted() {
		pts = x.dec.Points(pts[:0])
		st.Decimated += x.dec.Added() - int64(len(pts))
		times := make([]time.Time, len(pts))
		vals := make([]float64, len(pts))
		for i, p := range pts {
			times[i], vals[i] = msTime(p.Ts), p.V
		}
		labels := data.Labels{"driver": x.driver}
		display := x.driver
		if multiRace || s.raceLabel {
			labels["race_id"] = x.raceID
		}
		if multiRace {
			display += " " + x.raceID
		}
		c := *cfg
		c.DisplayNameFromDS = display
		f := data.NewFrame(name,
			data.NewField("time", nil, times),
			data.NewField(valueName, labels, vals).SetConfig(&c),
		)
		f.SetMeta(&data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}})
		fs = append(fs, f)
	}
	return fs
}

// liveFrame lays points out for a Live stream in Grafana's labels layout: a
// string field named "labels" first (driver=VER), then time, then the value.
// Grafana's StreamingDataFrame splits such a frame into one column per
// labels value and joins them on time, so one channel carries every driver
// and a driver joining later adds a line without a schema change.
func (s *seriesSet) liveFrame(name, valueName string, cfg *data.FieldConfig, pts []livePt) *data.Frame {
	keys := make([]string, len(pts))
	times := make([]time.Time, len(pts))
	vals := make([]float64, len(pts))
	for i, p := range pts {
		keys[i], times[i], vals[i] = s.list[p.s].liveKey, msTime(p.ts), p.v
	}
	c := *cfg
	return data.NewFrame(name,
		data.NewField("labels", nil, keys),
		data.NewField("time", nil, times),
		data.NewField(valueName, nil, vals).SetConfig(&c),
	).SetMeta(&data.FrameMeta{})
}

// initialLive is every kept point of every series, merged by time, for the
// first frame of a stream; what the next Flush sends starts after it.
func (s *seriesSet) initialLive(st *Stats) []livePt {
	var all []livePt
	var pts []decimate.Point
	for _, x := range s.list {
		pts = x.dec.Points(pts[:0])
		st.Decimated += x.dec.Added() - int64(len(pts))
		for _, p := range pts {
			all = append(all, livePt{s: x.id, ts: p.Ts, v: p.V})
		}
	}
	slices.SortStableFunc(all, func(a, b livePt) int { return cmp.Compare(a.ts, b.ts) })
	s.live.pend = s.live.pend[:0]
	for _, p := range all {
		s.live.setPushed(p.s, p.ts)
	}
	return all
}

// labelSafe drops the characters that would break a Live labels value.
func labelSafe(v string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ',', '=', '"', '{', '}':
			return '_'
		}
		return r
	}, v)
}

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
