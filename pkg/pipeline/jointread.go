package pipeline

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// A dashboard's panels ask for the same records at once: the F1 dashboard
// opens with a dozen time-range queries over the same 5 minutes of
// f1-telemetry (speed, rpm, gear, throttle, brake, wheel spin, anomalies,
// average speed...). Read alone, each fetched and decoded the whole range
// again; on two cores five such reads at once took 5 s each where one took
// 0.7 s, and the browser's six connections waited on them (issue 11).
//
// ReadJoint lets time-range queries that read the same records (the same
// datasource, topics, range, partition, format and read options) and
// arrive within JointWait of each other share one read: one fetch and one
// decode of each record feed every member's pipeline, in the order Read
// feeds one. Faults of records that do not decode reach every member; the
// metrics count them once.

// JointWait is how long a time-range read waits for others to join it.
// Grafana sends a dashboard's queries within milliseconds of each other.
var JointWait = 20 * time.Millisecond

var joints = struct {
	sync.Mutex
	open map[string]*jointRead
}{open: map[string]*jointRead{}}

type jointRead struct {
	members []jointMember
	waiting int // members still waiting; the read stops when none is
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	notices []data.Notice
	err     error
}

type jointMember struct {
	pipe   Pipeline
	faults *Faults
}

// ReadJoint is Read, sharing the read with the queries that read the same
// records at the same time. Other offset modes read alone.
func ReadJoint(ctx context.Context, src *Source, q *query.Query, env *Env, pipe Pipeline) ([]data.Notice, error) {
	if q.Offset != query.OffsetTimeRange || JointWait <= 0 {
		return Read(ctx, src, q, env, pipe)
	}
	key := jointKey(src, q, env)
	joints.Lock()
	if g := joints.open[key]; g != nil {
		g.members = append(g.members, jointMember{pipe, env.Faults})
		g.waiting++
		joints.Unlock()
		return g.wait(ctx)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	g := &jointRead{members: []jointMember{{pipe, env.Faults}}, waiting: 1, ctx: rctx, cancel: cancel, done: make(chan struct{})}
	joints.open[key] = g
	joints.Unlock()
	go g.run(key, src, q, env)
	return g.wait(ctx)
}

// run waits for members to join, closes the door and reads once for all.
func (g *jointRead) run(key string, src *Source, q *query.Query, env *Env) {
	defer close(g.done)
	defer g.cancel()
	select {
	case <-time.After(JointWait):
	case <-g.ctx.Done():
	}
	joints.Lock()
	delete(joints.open, key)
	members := g.members
	joints.Unlock()
	var notes func(codec.ErrClass, string, string)
	if len(members) > 1 {
		notes = func(kind codec.ErrClass, where, msg string) {
			for _, m := range members[1:] {
				m.faults.note(kind, where, msg)
			}
		}
	}
	lead := *env
	lead.Faults = members[0].faults
	g.notices, g.err = read(g.ctx, src, q, &lead, jointPipe(members), notes)
}

// wait returns the joint read's result, or ctx's error when this member's
// request ends first (the read stops when no member waits for it).
func (g *jointRead) wait(ctx context.Context) ([]data.Notice, error) {
	select {
	case <-g.done:
		return g.notices, g.err
	case <-ctx.Done():
		joints.Lock()
		g.waiting--
		if g.waiting == 0 {
			g.cancel()
		}
		joints.Unlock()
		return nil, fmt.Errorf("joint range read: %w", ctx.Err())
	}
}

// jointKey names the records a read fetches and how it decodes them.
func jointKey(src *Source, q *query.Query, env *Env) string {
	return fmt.Sprintf("%p|%p|%s|%s|%d|%d|%d|%d|%s|%s|%s|%t",
		src.Kafka, src.Registry, strings.Join(topics(q), ","), q.Format, q.Partition,
		env.From.UnixNano(), env.To.UnixNano(), q.Limit, q.Isolation, q.KeyFormat, q.PrecisionUnit(), q.ShowsKey())
}

// jointPipe hands each record to every member's pipeline.
type jointPipe []jointMember

func (j jointPipe) Add(r *Rec) {
	for _, m := range j {
		m.pipe.Add(r)
	}
}

func (j jointPipe) Pending() int              { return 0 }
func (j jointPipe) Frames(bool) []*data.Frame { return nil }
