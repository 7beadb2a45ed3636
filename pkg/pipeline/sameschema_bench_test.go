package pipeline

import (
	"context"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/f1wire"
)

// benchPushRows is the rows of one push: a full grid (20 cars x 4 Hz) at
// 10x is 800 records/s, 13 a frame at issue 18's 60 frames/s.
const benchPushRows = 13

// liveFramePairs builds, with the real pipelines in ModeStream, two
// consecutive live pushes of the same stream (new frame objects, same
// schema): what frameSender.send compares for every frame it sends.
//
//   - telemetry: the labels layout (a "labels" column, the time field with
//     config.interval set by markGaps, one column per numeric field), with
//     meta nil as the pipeline leaves it;
//   - raw_notices: a raw JSON stream's frame (meta.custom.timeSource) with
//     the stream's notices (a start notice and a bad record) on it, as
//     liveNotices puts them on every push.
func liveFramePairs(tb testing.TB) map[string][2]*data.Frame {
	tb.Helper()
	telemetry := func(n int) []byte {
		g := f1.Grid()[n%20]
		return f1wire.TelemetryJSON(nil, &f1.Telemetry{Ts: 1725197758853 + int64(n)*50, RaceID: "monza-2024", Driver: g.Code, DriverNumber: g.Number,
			Team: g.Team, Lap: 1 + n/1000, DistanceM: float64(n), SpeedKph: 200 + float64(n%120), RPM: 10000 + float64(n%2000),
			Gear: 1 + n%8, ThrottlePct: float64(n % 101), Brake: float64(n % 2 * 100), DRS: 8, X: float64(n % 900), Y: float64(n % 700), BrakeTempC: 400})
	}
	raw := func(n int) []byte {
		if n == 5 {
			return []byte("not json")
		}
		return json20(n)
	}
	out := map[string][2]*data.Frame{}
	for _, c := range []struct {
		name, query string
		value       func(int) []byte
		notices     bool
	}{
		{"telemetry", `{"queryType":"telemetry","format":"json","stream":true}`, telemetry, false},
		{"raw_notices", `{"queryType":"raw","topic":"bench","format":"json","stream":true}`, raw, true},
	} {
		q := mustQuery(tb, c.query)
		faults := &Faults{}
		pipe, err := New(q, &Env{Mode: ModeStream, Faults: faults})
		if err != nil {
			tb.Fatal(err)
		}
		feeder := newFeeder(&Source{}, q, pipe, faults)
		notices := &streamNotices{}
		notices.add(data.Notice{Severity: data.NoticeSeverityInfo, Text: "this stream started at the latest offset"})
		var pair [2]*data.Frame
		kr := &kgo.Record{Topic: q.Topic}
		for i := range pair {
			for n := i * benchPushRows; n < (i+1)*benchPushRows; n++ {
				kr.Value, kr.Key, kr.Offset = c.value(n), []byte(f1.Grid()[n%20].Code), int64(n)
				kr.Timestamp = time.UnixMilli(1725197758853 + int64(n)*50)
				feeder.feed(context.Background(), kr)
			}
			frames := pipe.Frames(false)
			if len(frames) != 1 {
				tb.Fatalf("%s: %d frames, want 1", c.name, len(frames))
			}
			if c.notices {
				liveNotices(frames, faults, notices)
			}
			pair[i] = frames[0]
		}
		out[c.name] = pair
	}
	return out
}

// BenchmarkSameSchema is frameSender.send's question per frame: is this
// push's schema the last one's (new objects, same values)? And, per frame,
// the whole send of a data-only push into a discarding sender
// (send_*), for scale.
func BenchmarkSameSchema(b *testing.B) {
	pairs := liveFramePairs(b)
	for _, name := range []string{"telemetry", "raw_notices"} {
		p := pairs[name]
		b.Run(name, func(b *testing.B) {
			if !sameSchema(p[0], p[1]) {
				b.Fatal("consecutive pushes of one stream differ in schema")
			}
			b.ReportAllocs()
			for b.Loop() {
				if !sameSchema(p[0], p[1]) {
					b.Fatal("different")
				}
			}
		})
		b.Run("send_"+name, func(b *testing.B) {
			fs := newFrameSender(backend.NewStreamSender(&discardSender{}), "bench")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := fs.send(p[i&1]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
