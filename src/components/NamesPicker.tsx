import { ComboboxOption, MultiCombobox } from '@grafana/ui';
import React from 'react';

interface Props {
  id: string;
  options: Array<ComboboxOption<string>>;
  value: string[];
  /** What picking a typed name does, shown beside it ("Use this field name"). */
  customValueDescription: string;
  placeholder: string;
  /** Keep at most this many names. */
  max?: number;
  /** How a picked or typed name is written (default: trimmed). */
  normalise?: (name: string) => string;
  /** The options are still being fetched. */
  loading?: boolean;
  onChange: (names: string[]) => void;
}

const trim = (name: string) => name.trim();

/**
 * A multi-picker of names (fields, columns, drivers) that also takes typed ones: names are
 * normalised (trimmed unless `normalise` says otherwise), empty ones and repeats dropped.
 */
export function NamesPicker({
  id,
  options,
  value,
  customValueDescription,
  placeholder,
  max,
  normalise = trim,
  loading,
  onChange,
}: Props) {
  return (
    <MultiCombobox<string>
      id={id}
      width={40}
      options={options}
      value={value}
      loading={loading}
      createCustomValue
      customValueDescription={customValueDescription}
      isClearable
      placeholder={placeholder}
      onChange={(items) => {
        const names = items.map((v) => normalise(v.value)).filter(Boolean);
        onChange(names.filter((n, i) => names.indexOf(n) === i).slice(0, max));
      }}
    />
  );
}
