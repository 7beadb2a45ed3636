package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pitwall-f1/pitwall/internal/openf1"
	"github.com/pitwall-f1/pitwall/internal/replay"
)

const openf1Examples = `Replays a historical session from the OpenF1 API (https://openf1.org; data
from 2023 on, free, no key) into Kafka, the whole grid at its original pace
divided by --speed: /laps, /position, /intervals, /stints, /pit and
/session_result make the timing (f1-positions, and LAP, PIT and
CLASSIFICATION events), /race_control goes to f1-race-control, /weather to
f1-weather, /location to f1-locations (the track map), /car_data to
f1-telemetry (each sample with its lap, and x/y from the location within
500 ms). Downloads are paced under OpenF1's 30 requests per 10 s and wait
out a 429; with --cache DIR they are kept there, and a second replay needs
no network.

Examples:
  producer openf1 --session 9590 --cache ~/.cache/pitwall-openf1
  producer openf1 --year 2024 --country Italy --speed 10
  producer openf1 --meeting 1244 --session-name Race --drivers 16,81,4 --no-car-data
  producer openf1 --session 9590 --base-url http://127.0.0.1:8000/v1   # a mirror or a test server`

func runOpenF1(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	f := newFlags("openf1", "producer openf1 [flags] (--session KEY | --meeting KEY | --year YEAR --country COUNTRY)", openf1Examples)
	kc := addKafkaFlags(f)
	var q openf1.Query
	f.IntVar(&q.SessionKey, "session", 0, "OpenF1 session_key (e.g. 9590: Monza 2024, Race)")
	f.IntVar(&q.MeetingKey, "meeting", 0, "OpenF1 meeting_key: its session named --session-name")
	f.IntVar(&q.Year, "year", 0, "with --country: the year of the meeting")
	f.StringVar(&q.Country, "country", "", "with --year: the country's English name, e.g. Italy")
	f.StringVar(&q.SessionName, "session-name", "Race", "with --meeting or --year: the session's name (Race, Sprint, Qualifying, ...)")
	base := f.String("base-url", openf1.DefaultBaseURL, "the OpenF1 API root")
	cache := f.String("cache", "", "directory to keep downloads in (and read them back from)")
	pace := f.Duration("pace", 400*time.Millisecond, "least time between two requests (OpenF1 allows 30 per 10 s; a mirror may allow more)")
	drivers := f.String("drivers", "", "car numbers to replay, comma separated (default: every driver)")
	noCar := f.Bool("no-car-data", false, "skip /car_data (the largest download): no f1-telemetry")
	noLoc := f.Bool("no-locations", false, "skip /location: no track map")
	speed := f.String("speed", "1", "time factor: 1 keeps the original spacing, 10 is ten times faster, max is as fast as possible")
	keep := f.Bool("keep-time", false, "keep the original timestamps instead of moving them to now")
	raceID := f.String("race-id", "", "race id in every record (default openf1-<session key>)")
	alerts := f.Bool("alerts", true, "run pkg/f1's rules on the telemetry and publish their alerts")
	preds := f.Bool("predictions", true, "publish pit-window and tyre-cliff predictions made on the timing (the circuit's pit loss when Pitwall knows it, else 22 s)")
	from := f.String("from", "start", "start (a minute before lights out) or first (the first record, e.g. pre-race messages)")
	if err := f.parseNoArgs(args, env, stdout, stderr); err != nil {
		return err
	}
	if err := q.Check(); err != nil {
		return err
	}
	var numbers []int
	for _, s := range strings.Split(*drivers, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 99 {
			return fmt.Errorf("--drivers: %q is not a car number", s)
		}
		numbers = append(numbers, n)
	}
	if *from != "start" && *from != "first" {
		return fmt.Errorf("--from %q: want start or first", *from)
	}
	sp, err := parseSpeed(*speed)
	if err != nil {
		return err
	}
	if err := kc.check(); err != nil {
		return err
	}
	if *pace < 0 {
		return fmt.Errorf("--pace %s: want 0 or more", *pace)
	}
	cl := openf1.New(*base, *cache)
	cl.MinInterval = *pace
	cl.Logf = func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	// Everything is downloaded and checked before anything is sent.
	sess, err := cl.Lookup(ctx, q)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "openf1: %s\n", sess)
	t0 := time.Now()
	data, err := cl.Download(ctx, sess, openf1.DownloadOptions{Drivers: numbers, NoCarData: *noCar, NoLocations: *noLoc})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "openf1: %d requests, %d from the cache, in %s\n", cl.Requests, cl.CacheHits, time.Since(t0).Round(time.Millisecond))
	ro := replayOpts{speed: sp, keepTime: *keep, alerts: *alerts, predictions: *preds, pitLossS: pitLossOfFiles([]string{sess.CircuitShortName, sess.Location}), raceID: *raceID}
	if ro.raceID == "" {
		ro.raceID = fmt.Sprintf("openf1-%d", sess.SessionKey)
	}
	set, err := replay.OpenF1Race(data, ro.raceID, replay.AssembleOptions{FromStart: *from == "start"})
	if err != nil {
		return err
	}
	for _, n := range set.Notes {
		fmt.Fprintln(stderr, "openf1:", n)
	}
	if len(set.Items) == 0 {
		return fmt.Errorf("OpenF1 session %d has nothing to replay", sess.SessionKey)
	}
	snk, closeSink, err := kc.openSink(ctx, stderr, stderr)
	if err != nil {
		return err
	}
	defer closeSink()
	return sendReplay(ctx, snk, set.Items, ro, stdout, stderr)
}
