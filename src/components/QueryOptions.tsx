import {
  ComboboxOption,
  InlineField,
  InlineFieldRow,
  InlineSwitch,
  Input,
  MultiCombobox,
  RadioButtonGroup,
} from '@grafana/ui';
import React, { useMemo, useState } from 'react';

import type { PitwallDataSource } from '../datasource';
import {
  DEFAULT_HORIZON_LAPS,
  HORIZON_OPTIONS,
  MODEL_OPTIONS,
  RAW_COLUMN_OPTIONS,
  TELEMETRY_FIELDS,
  VIEW_OPTIONS,
} from '../options';
import { PitwallQuery, PredictionModel, QueryTypeEditorFields, QueryView, RawColumn } from '../types';
import { DriversField } from './DriversSelect';
import { NamesPicker } from './NamesPicker';
import { NumberInput } from './NumberInput';
import { OverspeedField, SeverityField, SpinThresholdField } from './ThresholdFields';
import { variableOptions } from './variableOptions';

export const LABEL_WIDTH = 14;

/** Stable empty lists: a new [] on every render is a new value for the pickers on every render. */
const NONE: string[] = [];
const NO_COLUMNS: RawColumn[] = [];

/** Without a flush interval the backend sends records as they arrive, at most 30 frames a second (pkg/pipeline's flush policy). */
export const ADAPTIVE_FLUSH = 'as they arrive';

interface Props {
  datasource: PitwallDataSource;
  query: PitwallQuery;
  show: QueryTypeEditorFields;
  update: (patch: Partial<PitwallQuery>) => void;
}

/** A text input that commits on blur or Enter. */
function TextInput(props: { id: string; value?: string; placeholder?: string; onCommit: (v: string) => void }) {
  const [text, setText] = useState(props.value ?? '');
  const [shown, setShown] = useState(props.value);
  if (shown !== props.value) {
    setShown(props.value);
    setText(props.value ?? '');
  }
  const commit = () => text.trim() !== (props.value ?? '') && props.onCommit(text.trim());
  return (
    <Input
      id={props.id}
      width={24}
      value={text}
      placeholder={props.placeholder}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

/** The options below the source: drivers, fields, raw columns, view, thresholds, limit and streaming. */
export function QueryOptions({ datasource, query: q, show, update }: Props) {
  const type = q.queryType ?? 'telemetry';
  const fields = q.fields ?? NONE;
  // Memoised: the pickers recompute their selection whenever their options change.
  const fieldOptions = useMemo<Array<ComboboxOption<string>>>(
    () => [
      ...(type === 'telemetry' ? TELEMETRY_FIELDS : []).map((f) => ({ value: f, label: f })),
      ...fields
        .filter((f) => type !== 'telemetry' || !TELEMETRY_FIELDS.includes(f))
        .map((f) => ({ value: f, label: f })),
      ...variableOptions(),
    ],
    [type, fields]
  );

  return (
    <>
      {(show.drivers || show.fields) && (
        <InlineFieldRow>
          {show.drivers && (
            <DriversField
              datasource={datasource}
              id="pitwall-drivers"
              value={q.drivers}
              onChange={(drivers) => update({ drivers })}
              labelWidth={LABEL_WIDTH}
              tooltip="Driver codes (e.g. VER) or template variables such as $driver; empty means all drivers"
            />
          )}
          {show.fields && (
            <InlineField
              label="Fields"
              labelWidth={show.drivers ? undefined : LABEL_WIDTH}
              tooltip="Which fields to return (nested fields as a.b); empty means all"
            >
              <NamesPicker
                id="pitwall-fields"
                options={fieldOptions}
                value={fields}
                customValueDescription="Use this field name"
                placeholder="All fields"
                onChange={(fields) => update({ fields })}
              />
            </InlineField>
          )}
        </InlineFieldRow>
      )}

      {(show.columns || show.timeField) && (
        <InlineFieldRow>
          <InlineField
            label="Kafka columns"
            labelWidth={LABEL_WIDTH}
            tooltip="Add the record's key, partition, offset or Kafka timestamp as columns"
          >
            <MultiCombobox<RawColumn>
              id="pitwall-raw-columns"
              width={40}
              options={RAW_COLUMN_OPTIONS}
              value={q.columns ?? NO_COLUMNS}
              isClearable
              placeholder="None"
              onChange={(items) => update({ columns: items.map((v) => v.value) })}
            />
          </InlineField>
          <InlineField
            label="Time field"
            tooltip="The payload field that holds each record's time (e.g. ts); empty uses the Kafka timestamp"
          >
            <TextInput
              id="pitwall-time-field"
              value={q.timeField}
              placeholder="Kafka timestamp"
              onCommit={(timeField) => update({ timeField })}
            />
          </InlineField>
        </InlineFieldRow>
      )}

      {(show.view || show.spinThreshold || show.overspeed || show.minSeverity) && (
        <InlineFieldRow>
          {show.view && (
            <InlineField label="Show" labelWidth={LABEL_WIDTH} tooltip="Which frames the query returns">
              <RadioButtonGroup<QueryView>
                options={VIEW_OPTIONS[type] ?? []}
                value={q.view ?? ''}
                onChange={(view) => update({ view })}
              />
            </InlineField>
          )}
          {show.spinThreshold && <SpinThresholdField query={q} update={update} idPrefix="pitwall" />}
          {show.overspeed && <OverspeedField query={q} update={update} idPrefix="pitwall" labelWidth={LABEL_WIDTH} />}
          {show.minSeverity && <SeverityField query={q} update={update} />}
        </InlineFieldRow>
      )}

      {show.prediction && (
        <InlineFieldRow>
          <InlineField label="Model" labelWidth={LABEL_WIDTH} tooltip="Which prediction the series shows">
            <RadioButtonGroup<PredictionModel>
              options={MODEL_OPTIONS}
              value={q.model ?? 'pit_window'}
              onChange={(model) => update({ model, horizonLaps: model === 'tyre_cliff' ? undefined : q.horizonLaps })}
            />
          </InlineField>
          {(q.model ?? 'pit_window') === 'pit_window' && (
            <InlineField label="Within" tooltip="The chance of a stop at the end of one of the next laps">
              <RadioButtonGroup<number>
                options={HORIZON_OPTIONS}
                value={q.horizonLaps ?? DEFAULT_HORIZON_LAPS}
                onChange={(horizonLaps) => update({ horizonLaps })}
              />
            </InlineField>
          )}
        </InlineFieldRow>
      )}

      <InlineFieldRow>
        <InlineField
          label="Stream"
          labelWidth={LABEL_WIDTH}
          tooltip="Keep the panel live through Grafana Live after loading the time range"
        >
          <InlineSwitch
            id="pitwall-stream"
            value={Boolean(q.stream)}
            onChange={(e) => update({ stream: e.currentTarget.checked })}
          />
        </InlineField>
        {q.stream && (
          <InlineField
            label="Flush every"
            tooltip="Empty: new records are sent to the browser as they arrive, at most 30 times a second. A number (10 to 10000 ms) sends them at that fixed cadence instead"
          >
            <NumberInput
              id="pitwall-flush"
              value={q.flushMs}
              placeholder={ADAPTIVE_FLUSH}
              min={10}
              max={10000}
              suffix="ms"
              onCommit={(flushMs) => update({ flushMs })}
            />
          </InlineField>
        )}
        <InlineField label="Max records" tooltip="The most records one query reads; empty uses the backend's limit">
          <NumberInput
            id="pitwall-limit"
            value={q.limit}
            placeholder="default"
            min={1}
            onCommit={(limit) => update({ limit })}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
