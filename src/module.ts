import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { PitwallDataSource } from './datasource';
import { PitwallOptions, PitwallQuery } from './types';

export const plugin = new DataSourcePlugin<PitwallDataSource, PitwallQuery, PitwallOptions>(PitwallDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
