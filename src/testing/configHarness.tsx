import { DataSourceSettings } from '@grafana/data';
import { render } from '@testing-library/react';
import React, { useState } from 'react';

import { ConfigEditor } from '../components/ConfigEditor';
import { PitwallOptions, PitwallSecureOptions } from '../types';

type Settings = DataSourceSettings<PitwallOptions, PitwallSecureOptions>;

export function settings(patch: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'pitwall',
    orgId: 1,
    name: 'Pitwall',
    type: 'pitwall-kafka-datasource',
    typeName: 'Pitwall Kafka',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    // Required by the settings type, though deprecated.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: {},
    secureJsonFields: {},
    ...patch,
  };
}

/** Renders the config editor with state, as Grafana's settings page does, recording every change. */
export function renderConfigEditor(initial: Settings) {
  const changes: Settings[] = [];
  function Harness() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(o) => {
          changes.push(o);
          setOptions(o);
        }}
      />
    );
  }
  const utils = render(<Harness />);
  return { ...utils, changes, last: () => changes[changes.length - 1] };
}
