package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/f1"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/query"
)

// Resources for the query editor:
//
//	GET topics                       [{"name","partitions","internal"}]
//	GET topics/{topic}/partitions    [{"partition","startOffset","endOffset"}]
//	GET drivers[?topic=t]            [{"code","number","name","team","colour"}]
//	                                 the drivers seen in the last records of the
//	                                 telemetry topic (default f1-telemetry)
//
// Errors are {"error": "..."} with a 4xx/5xx status.

// driverSample is how many of the newest records per partition /drivers reads.
const driverSample = 2000

func (d *Datasource) handleTopics(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), d.settings.Timeout)
	defer cancel()
	topics, err := d.kafka.Topics(ctx)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, topics)
}

func (d *Datasource) handlePartitions(w http.ResponseWriter, r *http.Request) {
	topic := r.PathValue("topic")
	if !query.ValidTopic(topic) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "not a valid topic name: " + topic})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), d.settings.Timeout)
	defer cancel()
	ps, err := d.kafka.Partitions(ctx, topic)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ps)
}

// driverInfo is one entry of GET drivers.
type driverInfo struct {
	Code   string `json:"code"`
	Number int    `json:"number,omitempty"`
	Name   string `json:"name,omitempty"`
	Team   string `json:"team,omitempty"`
	Colour string `json:"colour,omitempty"`
}

func (d *Datasource) handleDrivers(w http.ResponseWriter, r *http.Request) {
	topic := r.URL.Query().Get("topic")
	if topic == "" {
		topic = f1.TopicTelemetry
	}
	if !query.ValidTopic(topic) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "not a valid topic name: " + topic})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), d.settings.Timeout)
	defer cancel()
	codes, err := d.driversSeen(ctx, topic)
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]driverInfo, 0, len(codes))
	for _, c := range codes {
		info := driverInfo{Code: c}
		if drv, ok := f1.DriverByCode(c); ok {
			info.Number, info.Name, info.Team, info.Colour = drv.Number, drv.Name, drv.Team, f1.TeamOf(drv).Colour
		}
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, out)
}

// driversSeen reads the newest records of each partition and collects the
// driver codes: the record key (telemetry is keyed by driver), else the
// value's "driver" field.
func (d *Datasource) driversSeen(ctx context.Context, topic string) ([]string, error) {
	ranges, err := d.tailRanges(ctx, topic, 0, driverSample)
	if err != nil {
		return nil, err
	}
	dec := codec.NewDecoder(codec.FormatAuto, topic, d.registry, d.limits)
	var rec codec.Record
	seen := map[string]bool{}
	err = d.kafka.ReadRange(ctx, topic, ranges, func(r *kgo.Record) error {
		code := strings.ToUpper(strings.TrimSpace(string(r.Key)))
		if code == "" && dec.Decode(ctx, r.Value, &rec) == nil {
			if id, ok := dec.Names().Lookup("driver"); ok {
				if f, ok := rec.Lookup(id); ok && f.Kind == codec.KindString {
					code = strings.ToUpper(string(f.Bytes))
				}
			}
		}
		if code != "" && query.ValidDriver(code) {
			seen[code] = true
		}
		return nil
	})
	if err != nil && !(errors.Is(err, context.DeadlineExceeded) && len(seen) > 0) {
		return nil, err
	}
	codes := make([]string, 0, len(seen))
	for c := range seen {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes, nil
}

// whenReady serves h once the instance is ready (valid settings, a Kafka
// client); before that every resource answers 503 with the reason.
func (d *Datasource) whenReady(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := d.ready(); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		h(w, r)
	}
}

func writeError(w http.ResponseWriter, err error) {
	status := http.StatusBadGateway
	switch {
	case errors.Is(err, kafka.ErrUnknownTopic):
		status = http.StatusNotFound
	case errors.Is(err, kafka.ErrAuth):
		status = http.StatusUnauthorized
	case errors.Is(err, kafka.ErrCanceled):
		status = int(statusClientClosed) // the caller went away: not a Kafka fault
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, kafka.ErrTimeout):
		status = http.StatusGatewayTimeout
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
