import { Field, Input, SecretInput, SecretTextArea, Switch } from '@grafana/ui';
import React from 'react';

import { PitwallOptions, SecureKey } from '../types';
import { NumberInput } from './NumberInput';
import { FIELD_WIDTH, secretProps, SettingsForm } from './configUpdates';

/** The jsonData keys of each kind of value: free text, on/off, a number. */
type KeyOf<T> = { [K in keyof PitwallOptions]-?: T extends PitwallOptions[K] ? K : never }[keyof PitwallOptions];
export type TextKey = KeyOf<string>;
export type SwitchKey = KeyOf<boolean>;
export type NumberKey = KeyOf<number>;

/**
 * What every field of the settings page has: a label, a description under it, the id of its control
 * (the label points to it), and the problem of its key (from validate) shown under the control.
 */
interface SettingProps<K> {
  form: SettingsForm;
  name: K;
  id: string;
  label: string;
  description: string;
}

/** A labelled field that shows the problem of its key, if any. */
function SettingField({
  form,
  name,
  label,
  description,
  required,
  children,
}: Omit<SettingProps<keyof PitwallOptions | SecureKey>, 'id'> & { required?: boolean; children: React.ReactElement }) {
  const problem = form.problems[name];
  return (
    <Field label={label} required={required} description={description} invalid={Boolean(problem)} error={problem}>
      {children}
    </Field>
  );
}

/** A free-text jsonData setting. */
export function TextSetting(props: SettingProps<TextKey> & { placeholder?: string; required?: boolean }) {
  const { form, name, id, placeholder } = props;
  return (
    <SettingField {...props}>
      <Input
        id={id}
        width={FIELD_WIDTH}
        value={form.options.jsonData?.[name] ?? ''}
        placeholder={placeholder}
        onChange={(e) => form.set({ [name]: e.currentTarget.value })}
      />
    </SettingField>
  );
}

/** An on/off jsonData setting. */
export function SwitchSetting(props: SettingProps<SwitchKey>) {
  const { form, name, id } = props;
  return (
    <SettingField {...props}>
      <Switch
        id={id}
        value={Boolean(form.options.jsonData?.[name])}
        onChange={(e) => form.set({ [name]: e.currentTarget.checked })}
      />
    </SettingField>
  );
}

/** A number jsonData setting, committed on blur or Enter; empty means the backend's default (the placeholder). */
export function NumberSetting(props: SettingProps<NumberKey> & { placeholder: string; suffix?: string }) {
  const { form, name, id, placeholder, suffix } = props;
  return (
    <SettingField {...props}>
      <NumberInput
        id={id}
        value={form.options.jsonData?.[name]}
        placeholder={placeholder}
        suffix={suffix}
        onCommit={(value) => form.set({ [name]: value })}
      />
    </SettingField>
  );
}

/**
 * A secureJsonData setting: sent once, stored encrypted, never sent back (the field says whether one is
 * configured and offers Reset). `pem` makes it a five-row text area for a PEM block.
 */
export function SecretSetting(props: SettingProps<SecureKey> & { pem?: string }) {
  const { form, name, id, pem } = props;
  const secret = secretProps(form.options, form.onOptionsChange, name);
  return (
    <SettingField {...props}>
      {pem === undefined ? (
        <SecretInput id={id} width={FIELD_WIDTH} {...secret} />
      ) : (
        <SecretTextArea id={id} rows={5} cols={FIELD_WIDTH} placeholder={pem} {...secret} />
      )}
    </SettingField>
  );
}
