package f1frame

import (
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/f1"
)

// Builder is the per-query or per-stream state of one F1 query type: feed it
// decoded records (per driver in time order; drivers and topics may be
// interleaved, ideally merged by ts), then take Frames (time range) or Flush
// (Live). Not safe for concurrent use.
type Builder struct {
	kind  QueryType
	opts  Options
	impl  impl
	env   *env
	uses  inputs
	stats Stats
}

// inputs is a set of record types a kind reads.
type inputs uint8

const (
	inTelemetry inputs = 1 << iota
	inPosition
	inRaceControl
	inAlert
	inPrediction
)

// impl is one kind's state. Each method gets only records of types in the
// kind's inputs.
type impl interface {
	telemetry(t *f1.Telemetry)
	position(p *f1.Position)
	raceControl(rc *f1.RaceControl)
	alert(a *f1.Alert)
	prediction(p *f1.Prediction)
	frames() data.Frames
	flush() *data.Frame
}

// noInput gives an impl the record methods it does not use.
type noInput struct{}

func (noInput) telemetry(*f1.Telemetry)     {}
func (noInput) position(*f1.Position)       {}
func (noInput) raceControl(*f1.RaceControl) {}
func (noInput) alert(*f1.Alert)             {}
func (noInput) prediction(*f1.Prediction)   {}

// env is what every impl shares: the options, the driver filter, the rules
// and the counters.
type env struct {
	opts   Options
	rules  f1.Rules
	filter driverFilter
	stats  *Stats
	now    time.Time // of the Flush in progress
}

// hold is Options.LiveHoldMs.
func (e *env) hold() time.Duration { return time.Duration(e.opts.LiveHoldMs) * time.Millisecond }

// holder is an impl that may hold Live points back at a flush.
type holder interface {
	due() time.Time
}

// New builds the Builder of a query type. It fails, saying what to fix, for an
// unknown kind, a view the kind does not have, a Live stream of an
// annotation view, or rules that cannot work.
func New(kind QueryType, opts Options) (*Builder, error) {
	spec, ok := kindSpecs[kind]
	if !ok {
		return nil, fmt.Errorf("f1frame: unknown query type %q (want one of %s)", kind, strings.Join(kindNames(), ", "))
	}
	if !spec.hasView(opts.View) {
		return nil, fmt.Errorf("f1frame: query type %s has no view %q (it has %s)", kind, opts.View, spec.viewNames())
	}
	if opts.Live && (opts.View == ViewAnnotations) {
		return nil, fmt.Errorf("f1frame: annotations are read by time range, not streamed: turn streaming off for the %s annotation query", kind)
	}
	rules, err := opts.rules()
	if err != nil {
		return nil, err
	}
	if kind == Predictions {
		if err := checkPredictionOptions(&opts); err != nil {
			return nil, err
		}
	}
	b := &Builder{kind: kind, opts: opts.withDefaults(), uses: spec.inputs}
	e := &env{opts: b.opts, rules: rules, filter: newDriverFilter(opts.Drivers), stats: &b.stats}
	b.impl, b.env = spec.build(e), e
	return b, nil
}

// QueryType is the query type the Builder was made for.
func (b *Builder) QueryType() QueryType { return b.kind }

// Options are the options in use (defaults filled in).
func (b *Builder) Options() Options { return b.opts }

// Stats are the Builder's counters so far.
func (b *Builder) Stats() Stats { return b.stats }

// AddTelemetry feeds one f1-telemetry record.
func (b *Builder) AddTelemetry(t *f1.Telemetry) {
	b.stats.Records++
	if b.uses&inTelemetry == 0 {
		b.stats.Ignored++
		return
	}
	b.impl.telemetry(t)
}

// AddPosition feeds one f1-positions record.
func (b *Builder) AddPosition(p *f1.Position) {
	b.stats.Records++
	if b.uses&inPosition == 0 {
		b.stats.Ignored++
		return
	}
	b.impl.position(p)
}

// AddRaceControl feeds one f1-race-control record.
func (b *Builder) AddRaceControl(rc *f1.RaceControl) {
	b.stats.Records++
	if b.uses&inRaceControl == 0 {
		b.stats.Ignored++
		return
	}
	b.impl.raceControl(rc)
}

// AddAlert feeds one f1-alerts record (an alert already on the topic).
func (b *Builder) AddAlert(a *f1.Alert) {
	b.stats.Records++
	if b.uses&inAlert == 0 {
		b.stats.Ignored++
		return
	}
	b.impl.alert(a)
}

// AddPrediction feeds one f1-predictions record.
func (b *Builder) AddPrediction(p *f1.Prediction) {
	b.stats.Records++
	if b.uses&inPrediction == 0 {
		b.stats.Ignored++
		return
	}
	b.impl.prediction(p)
}

// Add feeds a record of any of the five topics, by pointer or by value. Any
// other type is an error (the record is not counted).
func (b *Builder) Add(rec any) error {
	switch r := rec.(type) {
	case *f1.Telemetry:
		b.AddTelemetry(r)
	case f1.Telemetry:
		b.AddTelemetry(&r)
	case *f1.Position:
		b.AddPosition(r)
	case f1.Position:
		b.AddPosition(&r)
	case *f1.RaceControl:
		b.AddRaceControl(r)
	case f1.RaceControl:
		b.AddRaceControl(&r)
	case *f1.Alert:
		b.AddAlert(r)
	case f1.Alert:
		b.AddAlert(&r)
	case *f1.Prediction:
		b.AddPrediction(r)
	case f1.Prediction:
		b.AddPrediction(&r)
	default:
		return fmt.Errorf("f1frame: cannot use a %T record for %s: want *f1.Telemetry, *f1.Position, *f1.RaceControl, *f1.Alert or *f1.Prediction", rec, b.kind)
	}
	return nil
}

// Frames returns the complete result so far. For a time range, call it once
// after the last record: it closes runs still open (a spin at the end of the
// range). With Options.Live it is the first frame of the stream, in the Live
// layout, and the next Flush continues after it. Every frame carries the
// query's RefID.
func (b *Builder) Frames() data.Frames {
	fs := b.impl.frames()
	for _, f := range fs {
		f.RefID = b.opts.RefID
	}
	return fs
}

// Flush returns what is new since the last Flush (or Frames) as one frame
// for a Live push, and false when there is nothing to send. Appending kinds
// send new rows; snapshot kinds send the whole snapshot, only when it
// changed (meta.custom.snapshot is true: the panel replaces).
func (b *Builder) Flush() (*data.Frame, bool) { return b.FlushAt(time.Now()) }

// FlushAt is Flush at time now (the clock of the hold, Options.LiveHoldMs).
func (b *Builder) FlushAt(now time.Time) (*data.Frame, bool) {
	b.env.now = now
	f := b.impl.flush()
	if f == nil {
		return nil, false
	}
	f.RefID = b.opts.RefID
	return f, true
}

// Due is when points the last Flush held back (to keep pushes in time
// order, Options.LiveHoldMs) must be pushed by another Flush; zero when none
// are held.
func (b *Builder) Due() time.Time {
	if h, ok := b.impl.(holder); ok {
		return h.due()
	}
	return time.Time{}
}

// Stats counts what a Builder did with its records. The plugin can surface
// non-zero Late, DroppedEvents or Invalid as frame notices.
type Stats struct {
	Records  int64 // records given to Add*
	Ignored  int64 // of a type this kind does not read
	Filtered int64 // left out by the driver filter
	Invalid  int64 // unusable: no driver, or a time of 0
	// Late counts Live points not drawn because a later point of the same
	// series had already been pushed (a series' samples out of time order).
	// Detection still ran on them.
	Late int64
	// Decimated counts series points not drawn because of MaxDataPoints or
	// MaxPointsPerFlush (the extremes of each bucket are kept).
	Decimated int64
	// DroppedEvents and SuppressedAlerts are the Analyzer's counters.
	DroppedEvents    int64
	SuppressedAlerts int64
}

// driverFilter is the query's driver list; empty means all.
type driverFilter struct {
	all   bool
	codes []string // upper-case
}

func newDriverFilter(list []string) driverFilter {
	var f driverFilter
	for _, c := range list {
		c = strings.ToUpper(strings.TrimSpace(c))
		switch c {
		case "":
			continue
		case "ALL", "*", "$__ALL":
			return driverFilter{all: true}
		}
		f.codes = append(f.codes, c)
	}
	f.all = len(f.codes) == 0
	return f
}

// has reports whether driver passes the filter. Codes on the topics are
// upper-case; other spellings are compared without case.
func (f *driverFilter) has(driver string) bool {
	if f.all {
		return true
	}
	for _, c := range f.codes {
		if c == driver {
			return true
		}
	}
	for _, c := range f.codes {
		if strings.EqualFold(c, driver) {
			return true
		}
	}
	return false
}
