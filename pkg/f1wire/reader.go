package f1wire

import (
	"time"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Typed views of decoded records: the same record decoded from JSON or Avro
// (pkg/codec) fills the same pkg/f1 struct. Each view maps field ids to
// struct slots once per names table, so filling a struct costs one slice
// index per field. The field names are those of docs/DESIGN.md and of the
// schemas in schemas.go.

var (
	telemetrySlots = slotNames("ts", "race_id", "driver", "driver_number", "team", "lap", "distance_m", "speed_kph", "rpm",
		"gear", "throttle_pct", "brake", "drs", "x", "y", "brake_temp_c")
	positionSlots = slotNames("ts", "race_id", "driver", "position", "lap", "gap_to_leader_s", "interval_s", "last_lap_s",
		"best_lap_s", "pit_stops", "tyre", "tyre_age_laps", "status", "sector_1_s", "sector_2_s", "sector_3_s")
	raceControlSlots = slotNames("ts", "race_id", "type", "driver", "lap", "total_laps", "message")
	alertSlots       = slotNames("ts", "race_id", "driver", "severity", "kind", "value", "message")
	predictionSlots  = slotNames("ts", "race_id", "driver", "lap", "model", "horizon_laps", "probability", "reasons")
)

func slotNames(names ...string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i
	}
	return m
}

// slotIndex maps a names table's ids to the slots of one struct.
type slotIndex struct {
	names *codec.Names
	slots []int8 // id -> slot, -1: not a field of the struct
	want  map[string]int
}

func (s *slotIndex) slot(names *codec.Names, id int32) int {
	if s.names != names {
		s.names, s.slots = names, s.slots[:0]
	}
	for int(id) >= len(s.slots) {
		n := int32(len(s.slots)) // #nosec G115 -- below id, an int32
		v := int8(-1)
		if i, ok := s.want[names.Name(n)]; ok {
			v = int8(i) // #nosec G115 -- a slot of the slotNames lists, fewer than 20
		}
		s.slots = append(s.slots, v)
	}
	return int(s.slots[id])
}

// Reader fills pkg/f1 structs from decoded records. Keep one per pipeline
// (it caches per names table); it is not safe for concurrent use.
//
// Each method takes a record decoded by pkg/codec, the names table its
// field ids index, and the Kafka record's timestamp and key: they stand in
// for a value without ts, and (F1 topics are keyed by driver) without
// driver.
type Reader struct {
	tel, pos, rc, al, pr slotIndex
	interns              map[string]string
}

// NewReader returns a reader.
func NewReader() *Reader {
	return &Reader{tel: slotIndex{want: telemetrySlots}, pos: slotIndex{want: positionSlots},
		rc: slotIndex{want: raceControlSlots}, al: slotIndex{want: alertSlots}, pr: slotIndex{want: predictionSlots},
		interns: map[string]string{}}
}

func num(f codec.Field) float64 {
	if f.Kind == codec.KindNumber {
		return f.Num
	}
	return 0
}

// str returns a string field, sharing repeated short values (driver codes,
// team names, race ids) instead of allocating each time.
func (fr *Reader) str(f codec.Field) string {
	if f.Kind != codec.KindString {
		return ""
	}
	if len(f.Bytes) > 32 {
		return string(f.Bytes)
	}
	if s, ok := fr.interns[string(f.Bytes)]; ok {
		return s
	}
	s := string(f.Bytes)
	if len(fr.interns) < 4096 {
		fr.interns[s] = s
	}
	return s
}

// Telemetry fills t from an f1-telemetry record; false if it has no driver.
func (fr *Reader) Telemetry(rec *codec.Record, names *codec.Names, ts time.Time, key []byte, t *f1.Telemetry) bool {
	*t = f1.Telemetry{}
	for _, f := range rec.Fields {
		switch fr.tel.slot(names, f.ID) {
		case 0:
			t.Ts = int64(num(f))
		case 1:
			t.RaceID = fr.str(f)
		case 2:
			t.Driver = fr.str(f)
		case 3:
			t.DriverNumber = int(num(f))
		case 4:
			t.Team = fr.str(f)
		case 5:
			t.Lap = int(num(f))
		case 6:
			t.DistanceM = num(f)
		case 7:
			t.SpeedKph = num(f)
		case 8:
			t.RPM = num(f)
		case 9:
			t.Gear = int(num(f))
		case 10:
			t.ThrottlePct = num(f)
		case 11:
			t.Brake = num(f)
		case 12:
			t.DRS = int(num(f))
		case 13:
			t.X = num(f)
		case 14:
			t.Y = num(f)
		case 15:
			t.BrakeTempC = num(f)
		}
	}
	fillTsDriver(ts, key, &t.Ts, &t.Driver)
	return t.Driver != ""
}

// Position fills p from an f1-positions record; false if it has no driver.
func (fr *Reader) Position(rec *codec.Record, names *codec.Names, ts time.Time, key []byte, p *f1.Position) bool {
	*p = f1.Position{}
	for _, f := range rec.Fields {
		switch fr.pos.slot(names, f.ID) {
		case 0:
			p.Ts = int64(num(f))
		case 1:
			p.RaceID = fr.str(f)
		case 2:
			p.Driver = fr.str(f)
		case 3:
			p.Position = int(num(f))
		case 4:
			p.Lap = int(num(f))
		case 5:
			p.GapToLeaderS = num(f)
		case 6:
			p.IntervalS = num(f)
		case 7:
			p.LastLapS = num(f)
		case 8:
			p.BestLapS = num(f)
		case 9:
			p.PitStops = int(num(f))
		case 10:
			p.Tyre = fr.str(f)
		case 11:
			p.TyreAgeLaps = int(num(f))
		case 12:
			p.Status = fr.str(f)
		case 13:
			p.Sector1S = num(f)
		case 14:
			p.Sector2S = num(f)
		case 15:
			p.Sector3S = num(f)
		}
	}
	fillTsDriver(ts, key, &p.Ts, &p.Driver)
	return p.Driver != ""
}

// RaceControl fills e from an f1-race-control record; false without a type.
func (fr *Reader) RaceControl(rec *codec.Record, names *codec.Names, ts time.Time, e *f1.RaceControl) bool {
	*e = f1.RaceControl{}
	for _, f := range rec.Fields {
		switch fr.rc.slot(names, f.ID) {
		case 0:
			e.Ts = int64(num(f))
		case 1:
			e.RaceID = fr.str(f)
		case 2:
			e.Type = fr.str(f)
		case 3:
			e.Driver = fr.str(f)
		case 4:
			e.Lap = int(num(f))
		case 5:
			e.TotalLaps = int(num(f))
		case 6:
			e.Message = fr.str(f)
		}
	}
	if e.Ts == 0 {
		e.Ts = ts.UnixMilli()
	}
	return e.Type != ""
}

// Alert fills a from an f1-alerts record; false without a kind.
func (fr *Reader) Alert(rec *codec.Record, names *codec.Names, ts time.Time, a *f1.Alert) bool {
	*a = f1.Alert{}
	for _, f := range rec.Fields {
		switch fr.al.slot(names, f.ID) {
		case 0:
			a.Ts = int64(num(f))
		case 1:
			a.RaceID = fr.str(f)
		case 2:
			a.Driver = fr.str(f)
		case 3:
			a.Severity = fr.str(f)
		case 4:
			a.Kind = fr.str(f)
		case 5:
			a.Value = num(f)
		case 6:
			a.Message = fr.str(f)
		}
	}
	if a.Ts == 0 {
		a.Ts = ts.UnixMilli()
	}
	return a.Kind != ""
}

// Prediction fills p from an f1-predictions record; false without a driver
// or a model (the topic is keyed by model, so the key is no driver).
func (fr *Reader) Prediction(rec *codec.Record, names *codec.Names, ts time.Time, p *f1.Prediction) bool {
	*p = f1.Prediction{}
	for _, f := range rec.Fields {
		switch fr.pr.slot(names, f.ID) {
		case 0:
			p.Ts = int64(num(f))
		case 1:
			p.RaceID = fr.str(f)
		case 2:
			p.Driver = fr.str(f)
		case 3:
			p.Lap = int(num(f))
		case 4:
			p.Model = fr.str(f)
		case 5:
			p.HorizonLaps = int(num(f))
		case 6:
			p.Probability = num(f)
		case 7:
			p.Reasons = fr.str(f)
		}
	}
	if p.Ts == 0 {
		p.Ts = ts.UnixMilli()
	}
	return p.Driver != "" && p.Model != ""
}

// fillTsDriver falls back to the Kafka timestamp and key (F1 topics are
// keyed by driver).
func fillTsDriver(kts time.Time, key []byte, ts *int64, driver *string) {
	if *ts == 0 {
		*ts = kts.UnixMilli()
	}
	if *driver == "" && key != nil {
		*driver = string(key)
	}
}
