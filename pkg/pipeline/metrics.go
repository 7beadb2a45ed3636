package pipeline

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/pitwall-f1/pitwall/pkg/codec"
)

// Prometheus metrics, registered with the default registry, which the SDK
// serves on the plugin's metrics endpoint (Grafana scrapes it at
// /api/plugins/pitwall-kafka-datasource/metrics). Hot paths count locally and
// add per batch (per flush or per query), never per record.
var (
	metricRecords = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "pitwall", Name: "records_total",
		Help: "Kafka records read, by topic and by who read them (query or stream).",
	}, []string{"topic", "reader"})
	metricBytes = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "pitwall", Name: "record_bytes_total",
		Help: "Bytes of Kafka record values read, by topic.",
	}, []string{"topic"})
	MetricDecodeErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "pitwall", Name: "decode_errors_total",
		Help: "Records that could not be decoded (or were cut), by kind: " + decodeKinds(),
	}, []string{"kind"})
	MetricFramesSent = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "pitwall", Name: "stream_frames_sent_total",
		Help: "Frames sent to Grafana Live, by query type.",
	}, []string{"query_type"})
	MetricActiveStreams = promauto.NewGauge(prometheus.GaugeOpts{
		Namespace: "pitwall", Name: "active_streams",
		Help: "Live streams running (one per channel).",
	})
	metricDataLoss = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "pitwall", Name: "stream_data_loss_total",
		Help: "Spans of records a live stream could not read (deleted by retention, or a truncated log), by topic.",
	}, []string{"topic"})
	metricQueriesCut = promauto.NewCounter(prometheus.CounterOpts{
		Namespace: "pitwall", Name: "queries_cut_total",
		Help: "Queries whose result was cut at their byte budget.",
	})
	MetricReadsWaiting = promauto.NewGauge(prometheus.GaugeOpts{
		Namespace: "pitwall", Name: "reads_waiting",
		Help: "Time-range reads waiting for one of the process-wide read slots.",
	})
	metricSharedConsumers = promauto.NewGauge(prometheus.GaugeOpts{
		Namespace: "pitwall", Name: "shared_consumers",
		Help: "Kafka consumers shared by live streams (one per datasource, topics, partition and format in use).",
	})
	metricStreamsDetached = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: "pitwall", Name: "stream_detached_total",
		Help: "Live streams that fell behind their shared consumer (a slow viewer) and went on reading Kafka on their own, by datasource uid.",
	}, []string{"datasource"})
	metricStreamLag = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "pitwall", Name: "stream_lag_records",
		Help: "Records a stream's partitions hold beyond what it has read, by datasource uid and channel path.",
	}, []string{"datasource", "path"})
)

func decodeKinds() string {
	kinds := []codec.ErrClass{codec.ErrEmpty, codec.ErrTooLarge, codec.ErrInvalidJSON, codec.ErrNoHeader, codec.ErrUnknownSchema,
		codec.ErrRegistryUnavailable, codec.ErrNoRegistry, codec.ErrBadSchema, codec.ErrAvroInvalid, codec.ErrTooManyFields, codec.ErrTypeMismatch}
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}

// MetricRecordsRead is the records_total counter of a topic and reader
// (query, stream).
func MetricRecordsRead(topic, reader string) prometheus.Counter {
	return metricRecords.WithLabelValues(topic, reader)
}

// MetricStreamsDetached is the stream_detached_total counter of a
// datasource.
func MetricStreamsDetached(uid string) prometheus.Counter {
	return metricStreamsDetached.WithLabelValues(uid)
}
