-- Pitwall: average speed per driver per race, as an optional Flink SQL job.
--
-- Pitwall computes this itself (query type `averageSpeed`, pkg/f1 AvgSpeed):
-- it is the earlier lab's Flink job, `AVG(speed) GROUP BY driver_name,
-- race_id`, moved into the Grafana plugin. Run this only if you already run
-- Flink upstream and want the aggregate on a topic of its own for consumers
-- outside Grafana.
--
-- Source: the f1-telemetry topic in JSON (producer --format json). Field
-- names are those of DESIGN.md (`driver`, `speed_kph`, ...). For Avro
-- topics use 'format' = 'avro-confluent' with 'avro-confluent.url' set to
-- the Schema Registry instead.
-- Sink: an upsert topic keyed by (driver, race_id); each update replaces
-- the previous average of that group. Like SQL AVG, Pitwall's running
-- average is the plain mean of the samples (not time-weighted) and skips
-- NULLs, so both give the same numbers.
-- Adjust the bootstrap servers (and add SASL/TLS 'properties.*') to match
-- your cluster.

CREATE TABLE f1_telemetry (
  `ts`          BIGINT,
  race_id       STRING,
  driver        STRING,
  driver_number INT,
  team          STRING,
  lap           INT,
  distance_m    DOUBLE,
  speed_kph     DOUBLE,
  rpm           DOUBLE,
  gear          INT,
  throttle_pct  DOUBLE,
  brake         DOUBLE,
  drs           INT,
  x             DOUBLE,
  y             DOUBLE,
  brake_temp_c  DOUBLE,
  event_time AS TO_TIMESTAMP_LTZ(`ts`, 3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'f1-telemetry',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'pitwall-flink-average-speed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.fail-on-missing-field' = 'false',
  'json.ignore-parse-errors' = 'false'
);

CREATE TABLE f1_average_speed (
  driver        STRING,
  race_id       STRING,
  avg_speed_kph DOUBLE,
  samples       BIGINT,
  PRIMARY KEY (driver, race_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'f1-average-speed',
  'properties.bootstrap.servers' = 'localhost:9092',
  'key.format' = 'json',
  'value.format' = 'json'
);

INSERT INTO f1_average_speed
SELECT driver, race_id, AVG(speed_kph) AS avg_speed_kph, COUNT(speed_kph) AS samples
FROM f1_telemetry
GROUP BY driver, race_id;
