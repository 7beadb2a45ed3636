// Package replay reads recorded Formula 1 data into Pitwall's records:
//
//   - FastF1 telemetry CSV: merged (Lap.get_telemetry(), with a Source
//     column) or car data only (Lap.get_car_data());
//   - FastF1 laps CSV (session.laps) into f1.RaceLaps, whose Timing is the
//     replayed feed (f1-positions, LAP/PIT events);
//   - a per-lap summary CSV (driver, lap_number, lap_time, position, ...),
//     as built from FastF1 laps by the AiLab-F1 project;
//   - OpenF1 race_control CSV → race control events;
//   - OpenF1 car_data JSON (an array of samples);
//   - with a race's laps: FastF1 results, OpenF1 stints, weather (FastF1 or
//     OpenF1) and location tracks (t, driver, x, y); Assemble puts all the
//     files of a race on one clock (raceset.go);
//   - a whole OpenF1 session, as internal/openf1 downloads it (OpenF1Race;
//     openf1session.go reads its drivers and race control, openf1timing.go
//     its timing, openf1samples.go its weather, locations and car data).
//
// Each parser checks the columns, reports malformed rows by line number and
// never guesses a driver: it comes from a column, from Options.Driver or
// from a _CODE suffix of the file name (telemetry_VER.csv), or, for files
// that name drivers by number, from Options.Numbers (else the 2024 grid).
package replay
