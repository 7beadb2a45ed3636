package plugin

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pitwall-f1/pitwall/pkg/codec"
	"github.com/pitwall-f1/pitwall/pkg/kafka"
	"github.com/pitwall-f1/pitwall/pkg/pipeline"
)

// PluginID is the datasource plugin id (docs/DESIGN.md).
const PluginID = "pitwall-kafka-datasource"

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.StreamHandler         = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one datasource instance: its settings, one Kafka client and
// (when configured) one Schema Registry client with its schema cache.
type Datasource struct {
	uid   string
	orgID int64
	name  string

	settings Settings
	// settingsErr is the validation error of the settings, if any. The
	// instance still exists so that health and every query can show it.
	settingsErr error

	kafka    *kafka.Client
	registry *codec.Registry
	log      log.Logger
	// proxied: every connection goes through the secure SOCKS proxy at
	// proxyAddr (Private Data source Connect).
	proxied   bool
	proxyAddr string

	resources backend.CallResourceHandler
	resume    *pipeline.Resumes
	writes    *writeGate    // rate of race/start, race/stop (access.go)
	hub       *pipeline.Hub // the consumers the instance's streams share

	// Tunables (tests shorten them).
	aliveEvery time.Duration // ping an idle stream's broker this often
	lossAfter  time.Duration // a stream fails after its broker is gone this long
	slotRetry  time.Duration // a stream over maxStreams checks for room this often
	limits     codec.Limits
	queryBytes int64 // byte budget of one query (0: pipeline.DefaultQueryBytes)

	subs    subscriptions // recent SubscribeStream paths (stream.go)
	mu      sync.Mutex
	streams map[string]*streamEntry // running streams, cancelled by Dispose
}

// NewDatasource is the instance factory for datasource.Manage.
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	d := &Datasource{
		uid:        s.UID,
		name:       s.Name,
		orgID:      backend.PluginConfigFromContext(ctx).OrgID,
		log:        log.DefaultLogger.With("datasource", s.UID),
		resume:     pipeline.NewResumes(),
		writes:     newWriteGate(writeEvery),
		hub:        pipeline.NewHub(),
		aliveEvery: time.Second,
		slotRetry:  slotRetry,
		streams:    map[string]*streamEntry{},
	}
	d.settings, d.settingsErr = LoadSettings(s)
	d.lossAfter = d.settings.Timeout
	if d.settingsErr == nil {
		d.settingsErr = checkAWSAllowed(ctx, d.settings)
	}
	if d.settingsErr == nil {
		d.settingsErr = d.connect(ctx, s)
	}
	if d.settingsErr != nil {
		d.log.Warn("datasource settings are invalid", "error", d.settingsErr)
	}
	d.resources = httpadapter.New(d.routes())
	return d, nil
}

// connect builds the Kafka client and the registry client. With the secure
// SOCKS proxy on, every connection they make (brokers, registry, the OAuth
// token endpoint) goes through it.
func (d *Datasource) connect(ctx context.Context, in backend.DataSourceInstanceSettings) error {
	kcfg, err := d.settings.kafkaConfig()
	if err != nil {
		return err
	}
	dial, proxyAddr, err := proxyDialer(ctx, in, d.settings)
	if err != nil {
		return err
	}
	d.proxied, d.proxyAddr = dial != nil, proxyAddr
	kcfg.Dial, kcfg.ProxyAddr = dial, proxyAddr
	if kcfg.SASL.Mechanism == kafka.SASLOAuthBearer {
		// The token endpoint is checked against the system's roots and,
		// for a lab's identity provider, tlsCACert.
		var web *tls.Config
		if d.settings.TLSEnabled {
			web = kafka.WebTLS([]byte(d.settings.TLSCACert.Reveal()))
		}
		kcfg.SASL.OAuth.HTTP = kafka.HTTPClient(web, dial, d.settings.Timeout)
	}
	kcfg.Logger = newQuietLogger(kafkaLogger{d.log}, 30*time.Second)
	if d.kafka, err = kafka.New(kcfg); err != nil {
		return err
	}
	if d.settings.SchemaRegistryURL != "" {
		rc := d.settings.registryConfig()
		rc.Dial = dial
		if d.registry, err = codec.NewRegistry(rc); err != nil {
			d.kafka.Close()
			d.kafka = nil
			return err
		}
	}
	return nil
}

// source is what the pipeline reads for this instance.
func (d *Datasource) source() *pipeline.Source {
	return &pipeline.Source{Kafka: d.kafka, Registry: d.registry, Limits: d.limits, Timeout: d.settings.Timeout, QueryBytes: d.queryBytes}
}

// ready returns the settings error, if any, so that handlers can refuse to
// work and say why.
func (d *Datasource) ready() error {
	if d.settingsErr != nil {
		return d.settingsErr
	}
	if d.kafka == nil {
		return fmt.Errorf("datasource %s is not connected", d.uid)
	}
	return nil
}

// Dispose stops the instance's streams and closes its Kafka client. Grafana
// calls it when the settings change or the datasource is deleted.
func (d *Datasource) Dispose() {
	d.mu.Lock()
	for _, e := range d.streams {
		e.cancel()
	}
	d.streams = nil // no new stream starts on a disposed instance
	d.mu.Unlock()
	d.hub.Close()
	if d.kafka != nil {
		d.kafka.Close()
	}
}

// ShareConsumers turns the sharing of Kafka consumers among the instance's
// live streams on (the default) or off, for streams that start afterwards.
// Off, every stream reads on a consumer of its own: the bench measures
// sharing against it.
func (d *Datasource) ShareConsumers(on bool) { d.hub.SetSharing(on) }

// CallResource serves the resources (resources.go).
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return d.resources.CallResource(ctx, req, sender)
}

func (d *Datasource) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /topics", d.whenReady(d.handleTopics))
	mux.HandleFunc("GET /topics/{topic}/partitions", d.whenReady(d.handlePartitions))
	mux.HandleFunc("GET /drivers", d.whenReady(d.handleDrivers))
	mux.HandleFunc("POST /race/start", d.whenReady(d.handleRaceStart))
	mux.HandleFunc("POST /race/stop", d.whenReady(d.handleRaceStop))
	mux.HandleFunc("GET /race/status", d.whenReady(d.handleRaceStatus))
	return d.guardWrites(mux)
}

// kafkaLogger passes franz-go's warnings and errors to the plugin log.
// franz-go never logs SASL passwords.
type kafkaLogger struct{ l log.Logger }

func (k kafkaLogger) Level() kgo.LogLevel { return kgo.LogLevelWarn }

func (k kafkaLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	switch level {
	case kgo.LogLevelError:
		k.l.Error("kafka: "+msg, keyvals...)
	default:
		k.l.Warn("kafka: "+msg, keyvals...)
	}
}

// SharedConsumers are how many Kafka consumers the instance's live streams
// share, and how many streams read through them (the others read on their
// own: catching up, or too slow for their shared consumer).
func (d *Datasource) SharedConsumers() (consumers, streams int) { return d.hub.Stats() }
