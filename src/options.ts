/**
 * The option lists and per-query-type facts the editors show: query types,
 * formats, offsets, views, default topics and defaults. The types they use
 * are in types.ts.
 */
import { SelectableValue } from '@grafana/data';
import type { ComboboxOption } from '@grafana/ui';

import {
  AlertSeverity,
  Isolation,
  KeyFormat,
  OffsetMode,
  PayloadFormat,
  Precision,
  PitwallQuery,
  PredictionModel,
  QueryType,
  QueryTypeEditorFields,
  QueryTypeInfo,
  QueryView,
  RawColumn,
} from './types';

/** The query types that can feed annotations (alerts and race control, plus spin and gear events). */
export const ANNOTATION_TYPES: QueryType[] = ['alerts', 'raceControl', 'wheelSpin', 'gearAnomalies'];

export const DEFAULT_TOPICS: Record<QueryType, string> = {
  raw: '',
  telemetry: 'f1-telemetry',
  wheelSpin: 'f1-telemetry',
  gearAnomalies: 'f1-telemetry',
  alerts: 'f1-alerts',
  leaderboard: 'f1-positions',
  averageSpeed: 'f1-telemetry',
  raceControl: 'f1-race-control',
  predictions: 'f1-predictions',
};

export const DEFAULT_QUERY: Partial<PitwallQuery> = {
  queryType: 'telemetry',
  topic: '',
  format: 'auto',
  partition: -1,
  offset: 'timeRange',
  lastN: 100,
  drivers: [],
  fields: [],
  stream: false,
};

export const DEFAULT_SPIN_THRESHOLD_PCT = 8;
export const DEFAULT_OVERSPEED_KPH = 300;

export const QUERY_TYPES: QueryTypeInfo[] = [
  {
    value: 'raw',
    label: 'Raw topic',
    description: 'Any topic, any JSON or Avro payload; nested fields flattened with "."',
  },
  { value: 'telemetry', label: 'Telemetry', description: 'Car samples: speed, rpm, gear, throttle, brake, DRS, x/y' },
  {
    value: 'wheelSpin',
    label: 'Wheel spin',
    description: 'Slip % per driver from rpm, gear and speed, with spin events',
  },
  {
    value: 'gearAnomalies',
    label: 'Gear anomalies',
    description: 'Lugging, over-rev, gear mismatch and skipped upshifts, plus gear distribution',
  },
  {
    value: 'alerts',
    label: 'Alerts',
    description: 'Overspeed, DRS, brake temperature, wheel spin and gear anomaly alerts with severity',
  },
  {
    value: 'leaderboard',
    label: 'Leaderboard',
    description: 'Latest state per driver and the race: order, gaps, laps, tyres (a snapshot)',
  },
  { value: 'averageSpeed', label: 'Average speed', description: 'Running average speed per driver per race' },
  {
    value: 'raceControl',
    label: 'Race control',
    description: 'Race events: lights out, laps, flags, SC, pits, finish',
  },
  {
    value: 'predictions',
    label: 'Predictions',
    description: 'Pit-window (within 1, 3, 5 laps) and tyre-cliff probabilities per driver, with their reasons',
  },
];

export function queryTypeInfo(t: QueryType | undefined): QueryTypeInfo {
  return QUERY_TYPES.find((q) => q.value === t) ?? QUERY_TYPES[1];
}

export const FORMAT_OPTIONS: Array<ComboboxOption<PayloadFormat>> = [
  {
    value: 'auto',
    label: 'Auto',
    description:
      'Records with the Confluent wire header by their registered schema type (Avro, Protobuf, JSON Schema), others as JSON',
  },
  { value: 'json', label: 'JSON' },
  { value: 'avro', label: 'Avro', description: 'Confluent wire format, schema looked up by id in the registry' },
  { value: 'protobuf', label: 'Protobuf', description: 'Confluent wire format with message indexes, schema by id' },
  { value: 'jsonschema', label: 'JSON Schema', description: 'Confluent wire format, JSON body typed by its schema' },
  { value: 'text', label: 'Text', description: 'The whole value as one field, a number when it is one' },
  { value: 'influx', label: 'Line protocol', description: "InfluxDB line protocol (Telegraf's influx format)" },
];

export const KEY_FORMAT_OPTIONS: Array<ComboboxOption<KeyFormat>> = [
  { value: 'string', label: 'String', description: 'The key bytes as text' },
  { value: 'base64', label: 'Base64', description: 'The raw key bytes, base64' },
  { value: 'json', label: 'JSON', description: 'Flattened into kafka.key.<field> columns' },
  { value: 'avro', label: 'Avro', description: 'By the schema id in the key, subject <topic>-key' },
  { value: 'protobuf', label: 'Protobuf', description: 'By the schema id in the key, subject <topic>-key' },
  { value: 'jsonschema', label: 'JSON Schema', description: 'By the schema id in the key, subject <topic>-key' },
];

export const ISOLATION_OPTIONS: Array<SelectableValue<Isolation>> = [
  { value: 'read_committed', label: 'Committed', description: 'Records of aborted transactions never show (default)' },
  {
    value: 'read_uncommitted',
    label: 'Uncommitted',
    description: 'Every record as written, aborted and open transactions too',
  },
];

export const PRECISION_OPTIONS: Array<ComboboxOption<Precision>> = [
  { value: 'ns', label: 'ns' },
  { value: 'us', label: 'µs' },
  { value: 'ms', label: 'ms' },
  { value: 's', label: 's' },
];

export const OFFSET_OPTIONS: Array<SelectableValue<OffsetMode>> = [
  { value: 'timeRange', label: 'Time range', description: "Records between the dashboard's from and to" },
  { value: 'latest', label: 'Latest', description: 'Only new records (use with streaming)' },
  { value: 'earliest', label: 'Earliest', description: 'From the start of each partition' },
  { value: 'lastN', label: 'Last N', description: 'The last N records of each partition' },
];

export const RAW_COLUMN_OPTIONS: Array<ComboboxOption<RawColumn>> = [
  { value: 'key', label: 'Key' },
  { value: 'partition', label: 'Partition' },
  { value: 'offset', label: 'Offset' },
  { value: 'timestamp', label: 'Kafka timestamp' },
  { value: 'headers', label: 'Headers' },
];

/** Fields of a telemetry record (DESIGN.md), offered by the fields picker. */
export const TELEMETRY_FIELDS = [
  'speed_kph',
  'rpm',
  'gear',
  'throttle_pct',
  'brake',
  'drs',
  'distance_m',
  'lap',
  'x',
  'y',
  'brake_temp_c',
  'driver_number',
  'team',
  'race_id',
];

/** The frames a query type can return instead of its default (pkg/f1frame views). */
export const VIEW_OPTIONS: Partial<Record<QueryType, Array<SelectableValue<QueryView>>>> = {
  wheelSpin: [
    { value: '', label: 'All', description: 'Slip series and spin events' },
    { value: 'series', label: 'Slip series', description: 'Slip % per driver with the threshold line' },
    { value: 'events', label: 'Spin events', description: 'A table of wheel-spin events' },
  ],
  gearAnomalies: [
    { value: '', label: 'All', description: 'Anomaly events and gear distribution' },
    { value: 'events', label: 'Events', description: 'A table of gear anomalies' },
    { value: 'distribution', label: 'Gear distribution', description: 'Share of samples in each gear per driver' },
  ],
  averageSpeed: [
    { value: '', label: 'All', description: 'Running average series and the latest values' },
    { value: 'series', label: 'Series', description: 'The running average over time' },
    { value: 'latest', label: 'Latest', description: 'The latest average per driver' },
  ],
  leaderboard: [
    { value: '', label: 'Order', description: 'A row per driver, with the race on each row' },
    { value: 'race', label: 'Race only', description: 'One row: lap, total laps, elapsed time, flag' },
  ],
  predictions: [
    { value: '', label: 'All', description: 'Probability series and the latest table' },
    { value: 'series', label: 'Series', description: 'The chosen model and horizon per driver over time' },
    {
      value: 'latest',
      label: 'Latest',
      description: 'Per driver: pit window within 1, 3, 5 laps, tyre cliff, reasons',
    },
  ],
};

/** The prediction models (predictions queries). */
export const MODEL_OPTIONS: Array<SelectableValue<PredictionModel>> = [
  { value: 'pit_window', label: 'Pit window', description: 'The chance of a stop within the next laps' },
  { value: 'tyre_cliff', label: 'Tyre cliff', description: "The chance the set's loss is accelerating past its life" },
];

/** The pit window's horizons in laps. */
export const HORIZON_OPTIONS: Array<SelectableValue<number>> = [
  { value: 1, label: '1 lap' },
  { value: 3, label: '3 laps' },
  { value: 5, label: '5 laps' },
];

export const DEFAULT_HORIZON_LAPS = 3;

export function editorFieldsFor(t: QueryType): QueryTypeEditorFields {
  return {
    topicRequired: t === 'raw',
    partition: t === 'raw' || t === 'telemetry',
    drivers: t !== 'raw' && t !== 'raceControl',
    fields: t === 'raw' || t === 'telemetry',
    columns: t === 'raw',
    timeField: t === 'raw',
    view: VIEW_OPTIONS[t] !== undefined,
    spinThreshold: t === 'wheelSpin',
    overspeed: t === 'alerts',
    minSeverity: t === 'alerts',
    prediction: t === 'predictions',
  };
}

/** The minimum severity of alerts (alerts queries); `low` is every alert. */
export const SEVERITY_OPTIONS: Array<SelectableValue<AlertSeverity>> = [
  { value: 'low', label: 'All', description: 'Every alert: low, medium and high' },
  { value: 'medium', label: 'Medium+', description: 'Medium and high alerts' },
  { value: 'high', label: 'High', description: 'High alerts only' },
];

/** Alert annotations show high alerts unless the annotation says otherwise: all of them bury the graphs. */
export const DEFAULT_ANNOTATION_SEVERITY: AlertSeverity = 'high';
