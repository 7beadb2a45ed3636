import { PanelPlugin } from '@grafana/data';

import { CIRCUITS } from './grid';
import { LeaderboardPanel } from './LeaderboardPanel';
import { SPEEDS } from './components/RaceControls';
import { DATASOURCE_PLUGIN_ID, DEFAULT_OPTIONS, LeaderboardOptions } from './types';

export const plugin = new PanelPlugin<LeaderboardOptions>(LeaderboardPanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'selectedDriver',
      name: 'Selected driver',
      description:
        'Driver code to highlight (e.g. VER). The dashboard variable "driver", set by clicking a row, takes precedence.',
      defaultValue: DEFAULT_OPTIONS.selectedDriver,
    })
    .addBooleanSwitch({
      path: 'showHeader',
      name: 'Race header',
      description: 'Circuit, race id, lap progress, elapsed time and flag',
      defaultValue: DEFAULT_OPTIONS.showHeader,
    })
    .addBooleanSwitch({
      path: 'animate',
      name: 'Animate order changes',
      description: 'Rows glide to their new place (off when the system asks for reduced motion)',
      defaultValue: DEFAULT_OPTIONS.animate,
    })
    .addBooleanSwitch({
      path: 'showControls',
      name: 'Race controls',
      description: 'Start and stop races from the panel through the Pitwall datasource',
      defaultValue: DEFAULT_OPTIONS.showControls,
      category: ['Race controls'],
    })
    .addTextInput({
      path: 'raceDatasource',
      name: 'Datasource uid',
      description: `Uid of the Pitwall datasource (${DATASOURCE_PLUGIN_ID}) for race controls; empty uses the panel's query datasource`,
      defaultValue: DEFAULT_OPTIONS.raceDatasource,
      category: ['Race controls'],
      showIf: (o) => o.showControls,
    })
    .addSelect({
      path: 'defaultCircuit',
      name: 'Circuit',
      defaultValue: DEFAULT_OPTIONS.defaultCircuit,
      settings: { options: CIRCUITS.map((c) => ({ value: c.key, label: c.name })), allowCustomValue: true },
      category: ['Race controls'],
      showIf: (o) => o.showControls,
    })
    .addNumberInput({
      path: 'defaultLaps',
      name: 'Laps',
      defaultValue: DEFAULT_OPTIONS.defaultLaps,
      settings: { min: 1, max: 100, integer: true },
      category: ['Race controls'],
      showIf: (o) => o.showControls,
    })
    .addSelect({
      path: 'defaultSpeed',
      name: 'Speed',
      defaultValue: DEFAULT_OPTIONS.defaultSpeed,
      settings: { options: SPEEDS },
      category: ['Race controls'],
      showIf: (o) => o.showControls,
    })
    .addTextInput({
      path: 'raceDrivers',
      name: 'Drivers',
      description: 'Comma list of driver codes to race; empty races the full grid',
      defaultValue: DEFAULT_OPTIONS.raceDrivers,
      category: ['Race controls'],
      showIf: (o) => o.showControls,
    })
);
