import { InlineField, RadioButtonGroup } from '@grafana/ui';
import React from 'react';

import { DEFAULT_OVERSPEED_KPH, DEFAULT_SPIN_THRESHOLD_PCT, SEVERITY_OPTIONS } from '../options';
import { AlertSeverity, PitwallQuery } from '../types';
import { NumberInput } from './NumberInput';

type Thresholds = Pick<PitwallQuery, 'spinThresholdPct' | 'overspeedKph' | 'minSeverity'>;

interface Props {
  query: Thresholds;
  update: (patch: Thresholds) => void;
  /** Prefix of the inputs' ids, so two editors on one page don't clash. */
  idPrefix: string;
  labelWidth?: number;
}

/** The wheel-spin slip threshold (wheelSpin queries), in percent. */
export function SpinThresholdField({ query, update, idPrefix }: Props) {
  return (
    <InlineField
      label="Spin threshold"
      tooltip="Slip above this percentage, for two samples at full throttle, is a wheel-spin event"
    >
      <NumberInput
        id={`${idPrefix}-spin-threshold`}
        value={query.spinThresholdPct}
        placeholder={String(DEFAULT_SPIN_THRESHOLD_PCT)}
        min={0}
        max={100}
        suffix="%"
        onCommit={(spinThresholdPct) => update({ spinThresholdPct })}
      />
    </InlineField>
  );
}

/** The overspeed alert threshold (alerts queries), in km/h. */
export function OverspeedField({ query, update, idPrefix, labelWidth }: Props) {
  return (
    <InlineField label="Overspeed" labelWidth={labelWidth} tooltip="Speeds above this raise an overspeed alert">
      <NumberInput
        id={`${idPrefix}-overspeed`}
        value={query.overspeedKph}
        placeholder={String(DEFAULT_OVERSPEED_KPH)}
        min={0}
        suffix="km/h"
        onCommit={(overspeedKph) => update({ overspeedKph })}
      />
    </InlineField>
  );
}

/** The minimum alert severity (alerts queries); `fallback` is what an unset value means. */
export function SeverityField({
  query,
  update,
  labelWidth,
  fallback = 'low',
}: Omit<Props, 'idPrefix'> & { fallback?: AlertSeverity }) {
  return (
    <InlineField label="Severity" labelWidth={labelWidth} tooltip="Only alerts of this severity or higher">
      <RadioButtonGroup<AlertSeverity>
        options={SEVERITY_OPTIONS}
        value={query.minSeverity ?? fallback}
        onChange={(minSeverity) => update({ minSeverity })}
      />
    </InlineField>
  );
}
