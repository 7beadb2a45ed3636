package openf1

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// SessionData is a session's answers as OpenF1 gave them (JSON arrays).
type SessionData struct {
	Session     Session
	Drivers     []byte
	Laps        []byte
	Stints      []byte
	Pit         []byte
	Position    []byte
	Intervals   []byte
	RaceControl []byte
	Weather     []byte
	Results     []byte         // /session_result; "[]" when OpenF1 has none
	CarData     map[int][]byte // per driver number
	Location    map[int][]byte // per driver number
	Numbers     []int          // the drivers downloaded, in /drivers order
}

// DownloadOptions narrow a download.
type DownloadOptions struct {
	Drivers     []int // driver numbers; empty: every driver of /drivers
	NoCarData   bool  // skip /car_data (the heaviest endpoint)
	NoLocations bool  // skip /location
}

// driverEntry reads the driver numbers of /drivers.
type driverEntry struct {
	DriverNumber int `json:"driver_number"`
}

// Download fetches every endpoint a replay uses for session s: the
// session-wide ones once, /car_data and /location once per driver (one
// driver's race is a few MiB; the whole grid at once is too large for one
// answer).
func (c *Client) Download(ctx context.Context, s Session, opt DownloadOptions) (*SessionData, error) {
	p := url.Values{"session_key": {strconv.Itoa(s.SessionKey)}}
	d := &SessionData{Session: s, CarData: map[int][]byte{}, Location: map[int][]byte{}}
	for _, ep := range []struct {
		name string
		dst  *[]byte
	}{{"drivers", &d.Drivers}, {"laps", &d.Laps}, {"stints", &d.Stints}, {"pit", &d.Pit}, {"position", &d.Position},
		{"intervals", &d.Intervals}, {"race_control", &d.RaceControl}, {"weather", &d.Weather}} {
		b, err := c.Get(ctx, ep.name, p)
		if err != nil {
			return nil, err
		}
		*ep.dst = b
	}
	// The official classification is optional: older sessions lack it.
	b, err := c.Get(ctx, "session_result", p)
	var se *StatusError
	switch {
	case err == nil:
		d.Results = b
	case errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusUnprocessableEntity):
		d.Results = []byte("[]")
	default:
		return nil, err
	}
	var drivers []driverEntry
	if err := json.Unmarshal(d.Drivers, &drivers); err != nil {
		return nil, fmt.Errorf("OpenF1 /drivers?%s: %w", encode(p), err)
	}
	for _, e := range drivers {
		if e.DriverNumber > 0 && !slices.Contains(d.Numbers, e.DriverNumber) &&
			(len(opt.Drivers) == 0 || slices.Contains(opt.Drivers, e.DriverNumber)) {
			d.Numbers = append(d.Numbers, e.DriverNumber)
		}
	}
	if len(d.Numbers) == 0 {
		return nil, fmt.Errorf("OpenF1 lists no drivers for session %d (or none of %v)", s.SessionKey, opt.Drivers)
	}
	for _, n := range d.Numbers {
		pd := url.Values{"session_key": {strconv.Itoa(s.SessionKey)}, "driver_number": {strconv.Itoa(n)}}
		if !opt.NoCarData {
			if d.CarData[n], err = c.Get(ctx, "car_data", pd); err != nil {
				return nil, err
			}
		}
		if !opt.NoLocations {
			if d.Location[n], err = c.Get(ctx, "location", pd); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}
