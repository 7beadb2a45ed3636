package openf1

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Session is one OpenF1 /sessions element (the fields Pitwall uses).
type Session struct {
	SessionKey       int    `json:"session_key"`
	MeetingKey       int    `json:"meeting_key"`
	SessionName      string `json:"session_name"`
	SessionType      string `json:"session_type"`
	CountryName      string `json:"country_name"`
	CircuitShortName string `json:"circuit_short_name"`
	Location         string `json:"location"`
	DateStart        string `json:"date_start"`
	DateEnd          string `json:"date_end"`
	Year             int    `json:"year"`
}

func (s Session) String() string {
	return fmt.Sprintf("session %d: %s %d %s (%s, %s, meeting %d)", s.SessionKey, s.CountryName, s.Year, s.SessionName,
		s.CircuitShortName, s.DateStart, s.MeetingKey)
}

// Query says which session to replay: a session key, or a meeting key (its
// session named SessionName, default "Race"), or year, country and session
// name.
type Query struct {
	SessionKey  int
	MeetingKey  int
	Year        int
	Country     string
	SessionName string
}

// Check says what is missing or contradictory in q.
func (q Query) Check() error {
	switch {
	case q.SessionKey < 0 || q.MeetingKey < 0 || q.Year < 0:
		return fmt.Errorf("session, meeting and year must be positive numbers")
	case q.SessionKey > 0 && (q.MeetingKey > 0 || q.Year > 0 || q.Country != ""):
		return fmt.Errorf("give --session alone, or --meeting, or --year with --country: not several")
	case q.SessionKey > 0:
		return nil
	case q.MeetingKey > 0 && (q.Year > 0 || q.Country != ""):
		return fmt.Errorf("give --meeting alone (with --session-name), or --year with --country: not both")
	case q.MeetingKey > 0:
		return nil
	case q.Year > 0 && q.Country != "":
		return nil
	case q.Year > 0 || q.Country != "":
		return fmt.Errorf("--year and --country go together (e.g. --year 2024 --country Italy)")
	}
	return fmt.Errorf("say which session: --session KEY, --meeting KEY, or --year YEAR --country COUNTRY [--session-name Race]")
}

// Lookup finds the session q names. Several matches (a sprint weekend
// asked for by country only, say) are an error listing them.
func (c *Client) Lookup(ctx context.Context, q Query) (Session, error) {
	if err := q.Check(); err != nil {
		return Session{}, err
	}
	p := url.Values{}
	name := q.SessionName
	switch {
	case q.SessionKey > 0:
		p.Set("session_key", strconv.Itoa(q.SessionKey))
		name = ""
	case q.MeetingKey > 0:
		p.Set("meeting_key", strconv.Itoa(q.MeetingKey))
	default:
		p.Set("year", strconv.Itoa(q.Year))
		p.Set("country_name", q.Country)
	}
	if name == "" && q.SessionKey == 0 {
		name = "Race"
	}
	if name != "" {
		p.Set("session_name", name)
	}
	b, err := c.Get(ctx, "sessions", p)
	if err != nil {
		return Session{}, err
	}
	var all []Session
	if err := json.Unmarshal(b, &all); err != nil {
		return Session{}, fmt.Errorf("OpenF1 /sessions?%s: %w", encode(p), err)
	}
	switch len(all) {
	case 0:
		return Session{}, fmt.Errorf("%w for %s: check the key, the year and the country's English name (Italy, Belgium, United States)",
			ErrNotFound, encode(p))
	case 1:
		if all[0].SessionKey <= 0 {
			return Session{}, fmt.Errorf("OpenF1 /sessions?%s: a session without session_key", encode(p))
		}
		return all[0], nil
	}
	var list []string
	for _, s := range all {
		list = append(list, "  "+s.String())
	}
	return Session{}, fmt.Errorf("%d OpenF1 sessions match %s; pick one with --session:\n%s", len(all), encode(p), strings.Join(list, "\n"))
}
