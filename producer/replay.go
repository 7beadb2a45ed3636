package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/internal/replay"
	"github.com/pitwall-f1/pitwall/pkg/f1"
)

const replayExamples = `Replays recorded data into Kafka, several files merged in time order, keeping
the original spacing between records divided by --speed:
  - FastF1 laps CSV -> f1-positions (the grid, a record per lap end: position,
    gaps at the line, lap and sector times, tyre and age, pit stops) and LAP,
    PIT, LIGHTS_OUT, FINISH events on f1-race-control
  - per-lap summary CSV (driver, lap_number, lap_time, position, ...) -> the same
  - FastF1 telemetry CSV, merged (with a Source column) or car data only -> f1-telemetry
  - OpenF1 race_control CSV -> f1-race-control
  - OpenF1 car_data JSON (array of date, driver_number, speed, rpm, ...) -> f1-telemetry
  - with the laps of the same race:
    FastF1 results CSV -> the grid, and the official classification (a
      record per driver, then CLASSIFICATION) one second after the last lap
    OpenF1 stints CSV -> each lap's tyre and tyre age
    weather CSV (FastF1 Time, AirTemp, ... or OpenF1 date, air_temperature, ...) -> f1-weather
    locations CSV (t, driver, x, y) -> f1-locations (the track map)
The files' clocks (dates, session times, a location grid) are put on the
race's: see the README. A file without a driver column takes its driver
from --driver, else from a _CODE suffix in its name (telemetry_VER.csv).
Timestamps are moved to now unless --keep-time. Alerts of pkg/f1's rules
are published for telemetry, and pit-window and tyre-cliff predictions
(pkg/f1/predict) for timing.

Examples:
  producer replay ../shared/data/monza2024_race/*.csv
  producer replay --speed 10 --from first ../shared/data/monza2024_race/*.csv
  producer replay ../shared/data/monza2024_race/telemetry_VER.csv
  producer replay --speed 5 ../shared/data/spa2022_race/telemetry_*.csv ../shared/data/spa2022_race/laps_VER_PER.csv
  producer replay --driver HAM --keep-time car_data.json
  producer replay --embedded --speed max --format avro ../shared/data/monza2024_race/laps.csv`

type replayOpts struct {
	speed       float64 // 0: as fast as possible
	keepTime    bool
	alerts      bool
	predictions bool
	pitLossS    float64 // of the recorded circuit, for the predictions
	raceID      string
}

func runReplay(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	f := newFlags("replay", "producer replay [flags] FILE...", replayExamples)
	kc := addKafkaFlags(f)
	driver := f.String("driver", "", "driver code for files with no driver column and no _CODE in their name")
	speed := f.String("speed", "1", "time factor: 1 keeps the original spacing, 10 is ten times faster, max is as fast as possible")
	keep := f.Bool("keep-time", false, "keep the original timestamps instead of moving them to now")
	raceID := f.String("race-id", "", "race id in every record (default replay-<start time>)")
	lap := f.Int("lap", 0, "lap number for telemetry files that have none")
	alerts := f.Bool("alerts", true, "run pkg/f1's rules on the telemetry and publish their alerts")
	preds := f.Bool("predictions", true, "publish pit-window and tyre-cliff predictions made on the timing (the circuit's pit loss from the file names, e.g. monza2024_race, else 22 s)")
	from := f.String("from", "start", "with a race's laps: start (a minute before lights out) or first (the first record of any file, e.g. pre-race messages)")
	if err := f.parse(args, env, stdout, stderr); err != nil {
		return err
	}
	files := f.Args()
	if len(files) == 0 {
		fmt.Fprint(stderr, "producer replay: give at least one file to replay\n\n")
		f.printUsage(stderr)
		return errUsage
	}
	if *driver != "" {
		if _, err := f1.ParseDrivers(*driver); err != nil || strings.Contains(*driver, ",") {
			return fmt.Errorf("--driver: %v", orMsg(err, "give one driver code"))
		}
	}
	sp, err := parseSpeed(*speed)
	if err != nil {
		return err
	}
	if err := kc.check(); err != nil {
		return err
	}
	ro := replayOpts{speed: sp, keepTime: *keep, alerts: *alerts, predictions: *preds, pitLossS: pitLossOfFiles(files), raceID: *raceID}
	if ro.raceID == "" {
		ro.raceID = "replay-" + time.Now().UTC().Format("20060102-150405")
	}
	if *from != "start" && *from != "first" {
		return fmt.Errorf("--from %q: want start or first", *from)
	}
	// Everything is read and checked before anything is sent.
	items, err := loadReplay(files, replay.Options{Driver: *driver, RaceID: ro.raceID, Lap: *lap}, ro.keepTime, *from == "start", stderr)
	if err != nil {
		return err
	}
	snk, closeSink, err := kc.openSink(ctx, stderr, stderr)
	if err != nil {
		return err
	}
	defer closeSink()
	if ro.keepTime {
		warnRetention(ctx, snk.cl, kc.topics, items[0].Ts, kc.connectTimeout, stderr)
	}
	return sendReplay(ctx, snk, items, ro, stdout, stderr)
}

func orMsg(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}

// loadReplay parses the files and puts them on one clock (replay.Assemble),
// saying on w how.
func loadReplay(paths []string, opt replay.Options, keepTime, fromStart bool, w io.Writer) ([]replay.Item, error) {
	var files []*replay.File
	for _, p := range paths {
		f, err := replay.ParseFile(p, opt)
		if err != nil {
			return nil, err
		}
		if keepTime && !f.Abs && f.Format != replay.WeatherCSV { // weather goes on the laps' clock
			return nil, fmt.Errorf("%s has session times only, no dates: drop --keep-time", p)
		}
		files = append(files, f)
	}
	set, err := replay.Assemble(files, opt, replay.AssembleOptions{FromStart: fromStart})
	if err != nil {
		return nil, err
	}
	for _, n := range set.Notes {
		fmt.Fprintln(w, "replay:", n)
	}
	if len(set.Items) == 0 {
		return nil, fmt.Errorf("nothing to replay: the files have no rows")
	}
	return set.Items, nil
}

// sendReplay produces the items, paced by speed, with the timestamps moved
// to now (spacing divided by the speed) unless they are kept. As fast as
// possible, the timestamps keep the original spacing and the replay ends
// now, as a race at --speed max does: a broker refuses timestamps too far
// ahead of its clock (Kafka 4 by default more than an hour,
// log.message.timestamp.after.max.ms), and a panel showing "now" would not
// see them.
func sendReplay(ctx context.Context, snk *sink, items []replay.Item, ro replayOpts, stdout, stderr io.Writer) error {
	t0 := items[0].Ts
	wallStart := time.Now()
	base := wallStart.UnixMilli()
	factor := ro.speed
	if factor == 0 {
		factor = 1
		base -= items[len(items)-1].Ts - t0
	}
	mapTs := func(ts int64) int64 {
		if ro.keepTime {
			return ts
		}
		return base + int64(float64(ts-t0)/factor)
	}
	an := f1.NewAnalyzer(f1.DefaultRules())
	var alertBuf []f1.Alert
	pred := newPredictions(ro.predictions, ro.pitLossS, 0) // the distance comes with the LAP events
	prog := newProgress(snk, stderr, "replay "+ro.raceID)
	defer prog.stop()
	aborted := false
	var lastTs int64
	for i := range items {
		it := &items[i]
		if ro.speed > 0 {
			due := wallStart.Add(time.Duration(float64(it.Ts-t0)/ro.speed) * time.Millisecond)
			if !sleepUntil(ctx, due) {
				aborted = true
				break
			}
		} else if ctx.Err() != nil {
			aborted = true
			break
		}
		it.SetTs(mapTs(it.Ts))
		lastTs = it.Ts
		var err error
		switch it.Type {
		case f1.TelemetryRecord:
			if err = snk.telemetry(&it.Tel); err == nil && ro.alerts {
				_, alertBuf = an.Observe(&it.Tel, alertBuf[:0])
				for j := range alertBuf {
					if err = snk.alert(&alertBuf[j]); err != nil {
						break
					}
				}
			}
		case f1.PositionRecord:
			if err = snk.position(&it.Pos); err == nil {
				err = pred.position(snk, &it.Pos)
			}
		case f1.RaceControlRecord:
			pred.raceControl(&it.RC)
			err = snk.raceControl(&it.RC)
		case f1.WeatherRecord:
			err = snk.weather(&it.Weather)
		case f1.LocationRecord:
			err = snk.location(&it.Loc)
		}
		if err != nil {
			return err
		}
	}
	var ab *f1.RaceControl
	if aborted {
		ab = &f1.RaceControl{Ts: max(lastTs, mapTs(t0)), RaceID: ro.raceID, Type: f1.EventAborted, Message: "Replay aborted: stopped by the user"}
	}
	return snk.finish(prog, "replay "+ro.raceID, wallStart, ab, stdout)
}
