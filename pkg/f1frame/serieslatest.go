package f1frame

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// seriesLatest holds the frames of the query types that keep one series per
// driver and race and a table of each one's latest values (averageSpeed,
// predictions).
//
// Time range: the series frames then the table; ViewSeries or ViewLatest,
// one of the two. Live: the labels layout with the latest value of each
// series per push; with ViewLatest, the whole table (meta.custom.snapshot)
// whenever it changed (dirty).
type seriesLatest struct {
	e      *env
	set    *seriesSet
	dirty  bool                            // the table changed since it was last sent
	name   string                          // the series frames' name
	field  string                          // the value field's name
	config *data.FieldConfig               // the value field's config
	table  func(snapshot bool) *data.Frame // the latest values
}

func (s *seriesLatest) frames() data.Frames {
	if s.e.opts.Live {
		if s.e.opts.View == ViewLatest {
			s.dirty = false
			return data.Frames{s.table(true)}
		}
		return data.Frames{s.set.liveFrame(s.name, s.field, s.config, s.set.initialLive(s.e.stats))}
	}
	switch s.e.opts.View {
	case ViewSeries:
		return s.set.rangeFrames(s.name, s.field, s.config, s.e.stats)
	case ViewLatest:
		return data.Frames{s.table(false)}
	}
	return append(s.set.rangeFrames(s.name, s.field, s.config, s.e.stats), s.table(false))
}

func (s *seriesLatest) flush() *data.Frame {
	if s.e.opts.View == ViewLatest {
		if !s.dirty {
			return nil
		}
		s.dirty = false
		return s.table(true)
	}
	pts := s.set.live.take(s.set, &s.e.opts, 1, keepLast, s.e.stats, s.e.now)
	if len(pts) == 0 {
		return nil
	}
	return s.set.liveFrame(s.name, s.field, s.config, pts)
}

func (s *seriesLatest) due() time.Time { return s.set.live.due(s.e.hold()) }
