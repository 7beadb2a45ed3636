import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** The query types of DESIGN.md, in the order the editor lists them. */
export type QueryType =
  | 'raw'
  | 'telemetry'
  | 'wheelSpin'
  | 'gearAnomalies'
  | 'alerts'
  | 'leaderboard'
  | 'averageSpeed'
  | 'raceControl'
  | 'predictions';

/** The models on f1-predictions (pkg/f1/predict). */
export type PredictionModel = 'pit_window' | 'tyre_cliff';

export type PayloadFormat = 'auto' | 'json' | 'avro' | 'protobuf' | 'jsonschema' | 'text' | 'influx';
/** How a raw query shows record keys (DESIGN.md keyFormat). */
export type KeyFormat = 'string' | 'base64' | 'json' | 'avro' | 'protobuf' | 'jsonschema';
/** Which records of Kafka transactions a query reads. */
export type Isolation = 'read_committed' | 'read_uncommitted';
/** The unit of line-protocol timestamps. */
export type Precision = 'ns' | 'us' | 'ms' | 's';
export type OffsetMode = 'latest' | 'earliest' | 'lastN' | 'timeRange';

/** Extra columns a `raw` query can add to each row (Pitwall extension of the query model). */
export type RawColumn = 'key' | 'partition' | 'offset' | 'timestamp' | 'headers';

/** Alert severities, lowest first (f1-alerts `severity`). */
export type AlertSeverity = 'low' | 'medium' | 'high';

/**
 * Which frames an F1 query returns (pkg/f1frame View); empty is the type's default.
 * `annotations` is set by annotation queries, not offered in the query editor.
 */
export type QueryView = '' | 'annotations' | 'logs' | 'events' | 'series' | 'distribution' | 'latest' | 'race';

/**
 * One query, as JSON sent to the backend. The common fields are fixed by DESIGN.md;
 * the others are extensions shared with pkg/plugin (querymodel.go) and pkg/f1frame.
 */
export interface PitwallQuery extends DataQuery {
  queryType?: QueryType;
  /** Empty means the query type's default topic. */
  topic?: string;
  format?: PayloadFormat;
  /** -1 reads every partition. */
  partition?: number;
  offset?: OffsetMode;
  /** How many records per partition, with `offset: lastN`. */
  lastN?: number;
  /** Driver codes; empty means all. Template variables allowed. */
  drivers?: string[];
  /** Field names; empty means all. */
  fields?: string[];
  stream?: boolean;
  /** raw: extra Kafka columns. */
  columns?: RawColumn[];
  /** raw: the payload field holding the record time; empty uses the Kafka timestamp. */
  timeField?: string;
  /** raw: how keys are shown (default string). */
  keyFormat?: KeyFormat;
  /** raw: columns whose values split the rows into labelled series (kafka.key, kafka.header.x, a field). */
  seriesBy?: string[];
  /** Default read_committed: records of aborted transactions never show. */
  isolation?: Isolation;
  /** format influx: the unit of the lines' timestamps (default ns). */
  precision?: Precision;
  /** Records one query reads at most; empty uses the backend's default. */
  limit?: number;
  /** Live flush interval in milliseconds (10 to 10000): a fixed cadence; unset sends records as they arrive, at most 60 frames a second. */
  flushMs?: number;
  /** Which frames to return (see QueryView). */
  view?: QueryView;
  /** wheelSpin: slip threshold in percent (default 8). */
  spinThresholdPct?: number;
  /** alerts: overspeed threshold in km/h (default 300). */
  overspeedKph?: number;
  /** alerts: only alerts of this severity or higher; empty means all (annotations default to high). */
  minSeverity?: AlertSeverity;
  /** predictions: which model's series (default pit_window). */
  model?: PredictionModel;
  /** predictions: the pit window within 1, 3 (default) or 5 laps; none for the tyre cliff. */
  horizonLaps?: number;
}

export interface QueryTypeInfo {
  value: QueryType;
  label: string;
  description: string;
}

/** The options the query editor shows for a query type. */
export interface QueryTypeEditorFields {
  topicRequired: boolean;
  partition: boolean;
  drivers: boolean;
  fields: boolean;
  columns: boolean;
  timeField: boolean;
  view: boolean;
  spinThreshold: boolean;
  overspeed: boolean;
  minSeverity: boolean;
  /** predictions: the model and horizon. */
  prediction: boolean;
}

/** Datasource settings, names exactly as DESIGN.md. */
export type SaslMechanism = '' | 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER' | 'AWS_MSK_IAM';

/** Where AWS_MSK_IAM takes its credentials: the keys, or Grafana's own AWS identity. */
export type AwsAuthType = 'keys' | 'default';

export interface PitwallOptions extends DataSourceJsonData {
  bootstrapServers?: string;
  clientId?: string;
  saslMechanism?: SaslMechanism;
  saslUsername?: string;
  /** OAUTHBEARER (client credentials): the token endpoint, client id, scopes, audience, SASL extensions (k=v,k=v). */
  oauthTokenUrl?: string;
  oauthClientId?: string;
  oauthScopes?: string;
  oauthAudience?: string;
  oauthExtensions?: string;
  /** AWS_MSK_IAM: keys (default) or the AWS SDK's default chain, where Grafana allows it. */
  awsAuthType?: AwsAuthType;
  awsRegion?: string;
  /** Every connection through Grafana's secure SOCKS proxy (Private Data source Connect); Grafana's own key. */
  enableSecureSocksProxy?: boolean;
  tlsEnabled?: boolean;
  tlsSkipVerify?: boolean;
  tlsServerName?: string;
  schemaRegistryUrl?: string;
  schemaRegistryUsername?: string;
  /** Skip verifying the registry's certificate (https only); separate from tlsSkipVerify. */
  schemaRegistryTlsSkipVerify?: boolean;
  timeoutSeconds?: number;
  /** Viewers may start and stop races (else the Editor role is needed). */
  viewersControlRace?: boolean;
  /** Live streams this datasource runs at once (backend default 64). */
  maxStreams?: number;
}

export interface PitwallSecureOptions {
  saslPassword?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
  schemaRegistryPassword?: string;
  oauthClientSecret?: string;
  awsAccessKeyId?: string;
  awsSecretAccessKey?: string;
  awsSessionToken?: string;
}

export type SecureKey = keyof PitwallSecureOptions;

/** The query model of variable queries. */
export type VariableKind = 'drivers' | 'topics' | 'raceIds';

export interface PitwallVariableQuery extends DataQuery {
  kind: VariableKind;
  /** raceIds: the race-control topic to read (empty for the default). */
  topic?: string;
}

/** A body for POST race/start. */
export interface RaceStartBody {
  circuit: string;
  laps: number;
  drivers: string[];
  /** A speed factor; 0 means as fast as possible. */
  speed: number;
  selectedDriver: string;
}
