package pipeline

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// Hub shares Kafka consumers among the live streams of one datasource
// instance. Grafana Live already fans one channel out to all its viewers;
// the hub does the same below the channels: the streams that read the same
// topics, partition and format (twenty panels over f1-telemetry, each its
// own channel) get one consumer, one fetch loop and one decode of each
// record (a feed, fanout.go), and each keeps its own pipeline, offsets,
// filters and flush.
//
// A stream joins a feed when it has caught up with the end of the log: a
// stream that starts behind (earliest, lastN, a resume) reads on its own
// consumer first, then joins without a gap or a duplicate (the feed keeps
// its last records to hand a joiner what it missed). A stream too slow for
// its feed leaves it and reads on its own again (stream.go).
type Hub struct {
	mu     sync.Mutex
	feeds  map[feedKey]*feed
	closed bool
	off    bool
}

// NewHub returns a hub that shares.
func NewHub() *Hub { return &Hub{feeds: map[feedKey]*feed{}} }

// SetSharing turns sharing on (the default) or off. Off, every stream reads
// Kafka on a consumer of its own, as streams did before sharing: the
// baseline of the bench. It applies to streams that start afterwards.
func (h *Hub) SetSharing(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.off = !on
}

// Close stops every feed; their streams fail (they are being stopped too:
// the datasource is going away).
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	feeds := make([]*feed, 0, len(h.feeds))
	for _, f := range h.feeds {
		feeds = append(feeds, f)
	}
	h.mu.Unlock()
	for _, f := range feeds {
		f.cancel()
		<-f.done
	}
}

// Stats are how many shared consumers run and how many streams they feed.
func (h *Hub) Stats() (feeds, members int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range h.feeds {
		members += int(f.size.Load())
	}
	return len(h.feeds), members
}

// feedKey says which streams may share a feed: the same records (topics,
// partition, isolation level) decoded the same way (format, line-protocol
// precision, key format).
type feedKey struct {
	topics    string // sorted, comma-separated
	partition int32  // -1: all
	format    codec.Format
	iso       kafka.Isolation
	precision time.Duration
	keyFormat codec.Format // "": keys not decoded
}

func keyOf(q *query.Query) feedKey {
	ts := append([]string(nil), topics(q)...)
	sort.Strings(ts)
	return feedKey{topics: strings.Join(ts, ","), partition: q.Partition, format: q.Format,
		iso: isolation(q), precision: q.PrecisionUnit(), keyFormat: keyFormatOf(q)}
}

// feedOptions are a feed's settings, those of the stream that started it
// (the same for every stream of a datasource).
type feedOptions struct {
	UID        string
	AliveEvery time.Duration
	LossAfter  time.Duration
	Log        log.Logger
}

var (
	// errNoSharing: the hub does not share (off, or closed).
	errNoSharing = errors.New("consumers are not shared")
	// errPartitions: the stream reads other partitions than the feed (the
	// topic has changed since the feed started); it reads on its own.
	errPartitions = errors.New("the stream's partitions are not the shared consumer's")
	// errBehind: the stream is further behind the feed than the records the
	// feed keeps; it reads on its own a little longer.
	errBehind = errors.New("the stream is behind the shared consumer")
	// errFeedGone: the feed stopped while the stream asked to join.
	errFeedGone = errors.New("the shared consumer stopped")
)

// joinReq is a stream asking a running feed to take it.
type joinReq struct {
	m     *member
	reply chan error
}

// join makes m a member of the feed for m's query, starting a feed at
// m.start when there is none. It returns errNoSharing, errPartitions or
// errBehind when m must read on its own, and ctx's error if ctx ends first.
func (h *Hub) join(ctx context.Context, src *Source, o feedOptions, m *member) (*feed, error) {
	key := keyOf(m.q)
	h.mu.Lock()
	if h.closed || h.off {
		h.mu.Unlock()
		return nil, errNoSharing
	}
	f := h.feeds[key]
	if f == nil {
		f, err := startFeed(h, src, key, o, m)
		if err == nil {
			h.feeds[key] = f
		}
		h.mu.Unlock()
		return f, err
	}
	req := &joinReq{m: m, reply: make(chan error, 1)}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	h.mu.Unlock()
	f.wake()
	select {
	case err := <-req.reply:
		if err != nil {
			return nil, err
		}
		return f, nil
	case <-ctx.Done():
		m.left.Store(true) // if the feed takes it after all, it drops it
		f.wake()
		return nil, ctx.Err()
	case <-f.done:
		select {
		case err := <-req.reply:
			if err == nil {
				return f, nil // taken, then the feed failed: m.failed says so
			}
		default:
		}
		return nil, errFeedGone
	}
}

// remove forgets f if it is still the feed of its key.
func (h *Hub) remove(f *feed) {
	if h.feeds[f.key] == f {
		delete(h.feeds, f.key)
	}
}
