import { ComboboxOption, InlineField, Stack } from '@grafana/ui';
import React, { useMemo } from 'react';

import type { PitwallDataSource } from '../datasource';
import { NamesPicker } from './NamesPicker';
import { ResourceError } from './ResourceError';
import { useResource } from './useResource';
import { variableOptions } from './variableOptions';

interface Props {
  datasource: PitwallDataSource;
  value?: string[];
  onChange: (drivers: string[]) => void;
  id: string;
}

/** One empty list for every render: a new [] each time would change the picker's value on every render. */
const NO_DRIVERS: string[] = [];

/** Normalises a typed driver: codes upper-case, variables as written. */
export function normaliseDriver(v: string): string {
  const t = v.trim();
  return t.startsWith('$') ? t : t.toUpperCase();
}

/** Drivers from the backend's `drivers` resource plus template variables; empty means all. */
export function DriversSelect({ datasource, value = NO_DRIVERS, onChange, id }: Props) {
  const drivers = useResource(() => datasource.getDrivers(), `${datasource.uid}/drivers`);

  const options = useMemo(() => {
    const out: Array<ComboboxOption<string>> = (drivers.value ?? []).map((d) => ({
      value: d.code,
      label: d.code,
      description: [d.name, d.team].filter(Boolean).join(' · ') || undefined,
    }));
    for (const v of value) {
      if (!out.some((o) => o.value === v)) {
        out.push({ value: v, label: v });
      }
    }
    return [...out, ...variableOptions().filter((o) => !out.some((x) => x.value === o.value))];
  }, [drivers.value, value]);

  return (
    <Stack direction="row" gap={0.5} alignItems="center">
      <NamesPicker
        id={id}
        options={options}
        value={value}
        loading={drivers.loading}
        customValueDescription="Use this driver code"
        placeholder="All drivers"
        normalise={normaliseDriver}
        onChange={onChange}
      />
      <ResourceError what="drivers" error={drivers.error} />
    </Stack>
  );
}

/** The Drivers field of the query and annotation editors: the picker under a "Drivers" label. */
export function DriversField({ tooltip, labelWidth, ...select }: Props & { tooltip: string; labelWidth?: number }) {
  return (
    <InlineField label="Drivers" labelWidth={labelWidth} tooltip={tooltip}>
      <DriversSelect {...select} />
    </InlineField>
  );
}
