package replay

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pitwall-f1/pitwall/internal/openf1"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// TestOpenF1Quirks reads the documented examples of openf1.org (the API
// documentation's sample outputs: car_data of Sainz, session 9159, with
// drs 12 and 8) and constructed rows in the documented shapes for what the
// examples do not show: every DRS code (0/1 off, 8 eligible, 10/12/14
// open), "+1 LAP" / "+2 LAPS" gaps, a null gap and interval (the leader),
// null sectors and duration on lap 1, a null lane duration, nulls in
// weather.
func TestOpenF1Quirks(t *testing.T) {
	documented := `[
  {"brake": 0, "date": "2023-09-15T13:08:19.923000+00:00", "driver_number": 55, "drs": 12, "meeting_key": 1219,
   "n_gear": 8, "rpm": 11141, "session_key": 9159, "speed": 315, "throttle": 99},
  {"brake": 100, "date": "2023-09-15T13:35:41.808000+00:00", "driver_number": 55, "drs": 8, "meeting_key": 1219,
   "n_gear": 8, "rpm": 11023, "session_key": 9159, "speed": 315, "throttle": 57}]`
	f, err := ParseOpenF1JSON([]byte(documented), "car_data.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 2 || f.Items[0].Tel.Driver != "SAI" || f.Items[0].Tel.DRS != 12 || !f1.DRSOpen(f.Items[0].Tel.DRS) ||
		f.Items[1].Tel.DRS != 8 || f1.DRSOpen(8) || f.Items[1].Tel.Brake != 100 {
		t.Fatalf("documented car_data: %+v", f.Items)
	}
	for code, open := range map[int]bool{0: false, 1: false, 8: false, 10: true, 12: true, 14: true} {
		if f1.DRSOpen(code) != open {
			t.Errorf("DRS code %d open = %v", code, !open)
		}
	}
	// Number 55 belongs to another driver in another season: the session's
	// /drivers wins.
	f, err = ParseOpenF1JSON([]byte(documented), "car_data.json", Options{Numbers: map[int]string{55: "XYZ"}})
	if err != nil || f.Items[0].Tel.Driver != "XYZ" {
		t.Fatalf("numbers from /drivers: %v %+v", err, f.Items[0].Tel)
	}

	s := &openf1.SessionData{Session: openf1.Session{SessionKey: 1},
		Drivers: []byte(`[{"driver_number":1,"name_acronym":"VER","team_name":"Red Bull Racing","team_colour":"3671C6"},
			{"driver_number":2,"name_acronym":"SAR","team_name":"Williams","team_colour":"64C4FF"}]`),
		RaceControl: []byte(`[{"date":"2023-01-01T12:00:00+00:00","category":"SessionStatus","flag":null,"message":"SESSION STARTED",
			"driver_number":null,"lap_number":null}]`),
		Laps: []byte(`[
			{"driver_number":1,"lap_number":1,"date_start":null,"lap_duration":null,"duration_sector_1":null,"duration_sector_2":30.1,"duration_sector_3":30.2,"is_pit_out_lap":false},
			{"driver_number":1,"lap_number":2,"date_start":"2023-01-01T12:01:30+00:00","lap_duration":90.0,"duration_sector_1":30,"duration_sector_2":30,"duration_sector_3":30,"is_pit_out_lap":false},
			{"driver_number":1,"lap_number":3,"date_start":"2023-01-01T12:03:00+00:00","lap_duration":90.0,"duration_sector_1":null,"duration_sector_2":null,"duration_sector_3":null,"is_pit_out_lap":null},
			{"driver_number":2,"lap_number":1,"date_start":null,"lap_duration":null,"is_pit_out_lap":false},
			{"driver_number":2,"lap_number":2,"date_start":"2023-01-01T12:01:40+00:00","lap_duration":110.0,"is_pit_out_lap":false}]`),
		Stints: []byte(`[{"driver_number":1,"stint_number":1,"lap_start":1,"lap_end":3,"compound":"SOFT","tyre_age_at_start":null}]`),
		Pit:    []byte(`[{"driver_number":2,"date":"2023-01-01T12:03:20+00:00","lap_number":2,"lane_duration":null,"pit_duration":null,"stop_duration":null}]`),
		Position: []byte(`[{"driver_number":1,"date":"2023-01-01T11:55:00+00:00","position":1},
			{"driver_number":2,"date":"2023-01-01T11:55:00+00:00","position":2}]`),
		Intervals: []byte(`[
			{"driver_number":1,"date":"2023-01-01T12:02:00+00:00","gap_to_leader":null,"interval":null},
			{"driver_number":2,"date":"2023-01-01T12:02:00+00:00","gap_to_leader":12.5,"interval":12.5},
			{"driver_number":2,"date":"2023-01-01T12:04:10+00:00","gap_to_leader":"+1 LAP","interval":"+1 LAP"},
			{"driver_number":2,"date":"2023-01-01T12:04:20+00:00","gap_to_leader":"+2 LAPS","interval":31.0}]`),
		Weather: []byte(`[{"date":"2023-01-01T12:00:00+00:00","air_temperature":27.8,"humidity":58,"pressure":1018.7,"rainfall":1,
			"track_temperature":null,"wind_direction":136,"wind_speed":2.4}]`),
		Results: []byte(`[]`),
	}
	sr, err := readOpenF1Session(s, "q")
	if err != nil {
		t.Fatal(err)
	}
	ver := sr.race.Driver("VER")
	if l := ver.Lap(1); l.TimeS != 90 || l.EndMs != l.StartMs+90_000 || l.SectorS[0] != 0 || l.Compound != f1.TyreSoft || l.TyreAge != 1 {
		t.Errorf("VER lap 1 (OpenF1 leaves it untimed): %+v", l)
	}
	if l := ver.Lap(3); l.EndMs == 0 || l.TimeS != 90 || l.PitOut {
		t.Errorf("VER lap 3 (null is_pit_out_lap, last lap): %+v", l)
	}
	sar := sr.race.Driver("SAR")
	if len(sar.Pits) != 1 || sar.Pits[0].OutMs != 0 || !sar.Lap(2).PitIn {
		t.Errorf("SAR pit with a null lane duration: %+v", sar.Pits)
	}
	var gaps []string
	for _, p := range sr.intervals {
		gaps = append(gaps, p.Driver+" "+ftoa(p.GapToLeaderS)+"/"+ftoa(p.IntervalS))
	}
	// VER's last lap took 90 s: +1 LAP is 90 s, +2 LAPS 180 s.
	if strings.Join(gaps, ", ") != "VER 0/0, SAR 12.5/12.5, SAR 90/90, SAR 180/31" {
		t.Errorf("gaps %v", gaps)
	}
	if w := sr.weather[0]; !w.Rain || w.TrackC != 0 || w.AirC != 27.8 {
		t.Errorf("weather %+v", w)
	}

	for _, bad := range []struct{ field, json string }{
		{"Laps", `[{"driver_number":99,"lap_number":1}]`},
		{"Laps", `[{"driver_number":1,"lap_number":0}]`},
		{"Laps", `{"detail":"oops"}`},
		{"Position", `[{"driver_number":1,"date":"yesterday","position":1}]`},
		{"Weather", `[{"date":"2023-01-01T12:00:00+00:00","air_temperature":999}]`},
		{"Drivers", `[{"driver_number":3,"name_acronym":"?"}]`},
	} {
		c := *s
		switch bad.field {
		case "Laps":
			c.Laps = []byte(bad.json)
		case "Position":
			c.Position = []byte(bad.json)
		case "Weather":
			c.Weather = []byte(bad.json)
		case "Drivers":
			c.Drivers = []byte(bad.json)
		}
		if _, err := readOpenF1Session(&c, "q"); err == nil || !strings.Contains(err.Error(), "OpenF1 /") {
			t.Errorf("%s %s: %v", bad.field, bad.json, err)
		}
	}
}

func ftoa(v float64) string { b, _ := json.Marshal(v); return string(b) }
