import { createDataFrame, createTheme, FieldType } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { PitwallDataSource } from '../../datasource';
import { FakeBackend } from '../../testing/fakeBackend';
import { installDataSourceSrv, instanceSettings } from '../../testing/datasources';
import { leaderboardFrame, MONZA, MONZA_RACE, panelData, renderPanel } from './testing/fixtures';

/** Driver codes of the body rows, top to bottom as drawn (each row is moved to index × row height). */
function drawnOrder(): string[] {
  const rows = within(screen.getByRole('table', { name: 'Leaderboard' }))
    .getAllByRole('row')
    .filter((r) => r.hasAttribute('data-driver'));
  const y = (r: HTMLElement) => Number(/translateY\((\d+)px\)/.exec(r.style.transform)![1]);
  return rows.sort((a, b) => y(a) - y(b)).map((r) => r.getAttribute('data-driver')!);
}

const row = (code: string) => screen.getByRole('row', { name: new RegExp(`^P\\d+ ${code}$|^P0 ${code}$`) });

let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend().install();
  backend.on('GET', '/resources/race/status', { data: { running: false } });
  installDataSourceSrv(new PitwallDataSource(instanceSettings()));
  locationService.partial({ 'var-driver': null }, true);
});

describe('order', () => {
  it('draws rows in position order whatever the frame order', () => {
    const shuffled = [MONZA[3], MONZA[0], MONZA[4], MONZA[2], MONZA[1]];
    renderPanel({ data: panelData([leaderboardFrame(shuffled, MONZA_RACE)]), options: { showControls: false } });
    expect(drawnOrder()).toEqual(['LEC', 'PIA', 'NOR', 'VER', 'HAM']);
  });

  it('puts drivers without a position last', () => {
    const entries = [{ ...MONZA[0], position: 0 }, MONZA[1], MONZA[2]];
    renderPanel({ data: panelData([leaderboardFrame(entries)]), options: { showControls: false } });
    expect(drawnOrder()).toEqual(['PIA', 'NOR', 'LEC']);
  });

  it('shows gaps, the leader, tyres with age, pit stops, status and average speed', () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA, MONZA_RACE)]), options: { showControls: false } });
    expect(within(row('LEC')).getByText('Leader')).toBeInTheDocument();
    expect(within(row('NOR')).getByText('+2.981')).toBeInTheDocument();
    expect(within(row('NOR')).getByText('+1.777')).toBeInTheDocument();
    expect(within(row('PIA')).getByTestId('tyre')).toHaveAttribute('title', 'MEDIUM, 12 laps old');
    expect(within(row('PIA')).getByTestId('tyre')).toHaveTextContent('M12');
    expect(within(row('VER')).getByText('PIT')).toBeInTheDocument();
    expect(within(row('HAM')).getByText('OUT')).toBeInTheDocument();
    expect(within(row('HAM')).getByTestId('retired-lap')).toHaveTextContent('L10');
    expect(within(row('HAM')).getByTitle('Retired on lap 10')).toBeInTheDocument();
    expect(within(row('LEC')).getByText('244.3')).toBeInTheDocument();
    expect(within(row('PIA')).getByTitle('DRS open')).toBeInTheDocument();
    expect(within(row('LEC')).getByTitle('DRS closed')).toBeInTheDocument();
    expect(within(row('LEC')).getByText('Charles Leclerc')).toBeInTheDocument();
    expect(within(row('LEC')).getByTestId('team-bar')).toHaveStyle({ background: '#E80020' });
  });

  it('shows places gained since the start', () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA, MONZA_RACE)]), options: { showControls: false } });
    expect(within(row('LEC')).getByTestId('since-start')).toHaveTextContent('+3');
    expect(within(row('NOR')).getByTestId('since-start')).toHaveTextContent('−2');
  });

  it('works out places gained from start_position when positions_gained is missing', () => {
    const entries = MONZA.map(({ positions_gained, ...e }) => ({ ...e, start_position: e.position + 2 }));
    const frame = leaderboardFrame(entries);
    renderPanel({ data: panelData([frame]), options: { showControls: false } });
    expect(within(row('VER')).getByTestId('since-start')).toHaveTextContent('+2');
  });

  it('shows time penalties', () => {
    const frame = leaderboardFrame(MONZA.map((e) => ({ ...e, penalty_s: e.driver === 'PIA' ? 5 : 0 })));
    renderPanel({ data: panelData([frame]), options: { showControls: false } });
    expect(within(row('PIA')).getByTestId('penalty')).toHaveTextContent('+5s');
    expect(within(row('LEC')).queryByTestId('penalty')).not.toBeInTheDocument();
  });

  it('shows a pit-window badge from a predictions query, from 20 %', () => {
    const predictions = createDataFrame({
      name: 'predictions',
      fields: [
        { name: 'driver', type: FieldType.string, values: ['LEC', 'PIA', 'NOR'] },
        { name: 'pit_window_3', type: FieldType.number, values: [0.62, 0.1, 0.25] },
      ],
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA), predictions]), options: { showControls: false } });
    expect(within(row('LEC')).getByTestId('pit-window')).toHaveTextContent('BOX 62%');
    expect(within(row('LEC')).getByTestId('pit-window')).toHaveAttribute(
      'title',
      'Pit window: 62 % chance of a stop within 3 laps'
    );
    expect(within(row('NOR')).getByTestId('pit-window')).toHaveTextContent('BOX 25%');
    expect(within(row('PIA')).queryByTestId('pit-window')).not.toBeInTheDocument();
  });

  it('shows the places won and lost at the last change of order, until the order changes again', () => {
    const { update } = renderPanel({
      data: panelData([leaderboardFrame(MONZA, MONZA_RACE)]),
      options: { showControls: false },
    });
    expect(screen.queryByTestId('change-up')).not.toBeInTheDocument();

    // NOR passes PIA.
    const swapped = MONZA.map((e) =>
      e.driver === 'NOR' ? { ...e, position: 2 } : e.driver === 'PIA' ? { ...e, position: 3 } : e
    );
    update({ data: panelData([leaderboardFrame(swapped, MONZA_RACE)]) });
    expect(within(row('NOR')).getByTestId('change-up')).toHaveTextContent('1');
    expect(within(row('PIA')).getByTestId('change-down')).toHaveTextContent('1');
    expect(drawnOrder()).toEqual(['LEC', 'NOR', 'PIA', 'VER', 'HAM']);

    // A new snapshot with the same order keeps the arrows.
    const later = swapped.map((e) => ({ ...e, gap_to_leader_s: (e.gap_to_leader_s ?? 0) + 0.1 }));
    update({ data: panelData([leaderboardFrame(later, MONZA_RACE)]) });
    expect(within(row('NOR')).getByTestId('change-up')).toBeInTheDocument();
  });

  it('drops columns as the panel narrows, keeping position, driver, gap, tyre and status', () => {
    const { update } = renderPanel({
      data: panelData([leaderboardFrame(MONZA, MONZA_RACE)]),
      options: { showControls: false },
      width: 1200,
    });
    const headers = () => screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers()).toEqual(expect.arrayContaining(['Best lap', 'Avg km/h', 'DRS']));
    update({ width: 420 });
    expect(headers()).not.toContain('Best lap');
    expect(headers()).toEqual(expect.arrayContaining(['Pos', 'Driver', 'Gap', 'Tyre', 'Status']));
    expect(screen.queryByText('Charles Leclerc')).not.toBeInTheDocument();
  });
});

describe('lap time colours', () => {
  const purple = createTheme().visualization.getColorByName('purple');
  const green = createTheme().visualization.getColorByName('green');

  it('paints the overall fastest lap purple and personal bests green', () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA, MONZA_RACE)]), options: { showControls: false } });
    const norBest = within(row('NOR')).getByTestId('best-lap');
    expect(norBest).toHaveAttribute('data-timing', 'fastest');
    expect(norBest).toHaveStyle({ color: purple });
    // NOR's last lap is the fastest lap itself: purple too.
    expect(within(row('NOR')).getByTestId('last-lap')).toHaveAttribute('data-timing', 'fastest');
    const piaLast = within(row('PIA')).getByTestId('last-lap');
    expect(piaLast).toHaveAttribute('data-timing', 'personal-best');
    expect(piaLast).toHaveStyle({ color: green });
    // Nothing special for LEC.
    expect(within(row('LEC')).getByTestId('last-lap')).not.toHaveAttribute('data-timing');
    expect(within(row('LEC')).getByTestId('best-lap')).not.toHaveAttribute('data-timing');
    expect(within(row('LEC')).getByTestId('best-lap')).not.toHaveStyle({ color: purple });
    expect(within(row('LEC')).getByTestId('best-lap')).toHaveTextContent('1:24.501');
  });

  it('finds the fastest lap itself when the frame has no fastest_lap field', () => {
    const entries = MONZA.map(({ fastest_lap, personal_best, ...e }) => e);
    renderPanel({ data: panelData([leaderboardFrame(entries)]), options: { showControls: false } });
    expect(within(row('NOR')).getByTestId('best-lap')).toHaveAttribute('data-timing', 'fastest');
    expect(within(row('LEC')).getByTestId('best-lap')).not.toHaveAttribute('data-timing');
    // last == best: a personal best.
    expect(within(row('PIA')).getByTestId('last-lap')).toHaveAttribute('data-timing', 'personal-best');
  });
});

describe('selected driver', () => {
  it('highlights the driver of the panel option', () => {
    renderPanel({
      data: panelData([leaderboardFrame(MONZA)]),
      options: { selectedDriver: 'ver', showControls: false },
    });
    expect(row('VER')).toHaveAttribute('aria-selected', 'true');
    expect(row('LEC')).toHaveAttribute('aria-selected', 'false');
  });

  it('follows the dashboard driver variable over the option', () => {
    renderPanel({
      data: panelData([leaderboardFrame(MONZA)]),
      options: { selectedDriver: 'VER', showControls: false },
      variables: { driver: 'PIA' },
    });
    expect(row('PIA')).toHaveAttribute('aria-selected', 'true');
    expect(row('VER')).toHaveAttribute('aria-selected', 'false');
  });

  it('treats "All" as no selection', () => {
    renderPanel({
      data: panelData([leaderboardFrame(MONZA)]),
      options: { selectedDriver: 'HAM', showControls: false },
      variables: { driver: 'LEC,PIA,NOR,VER,HAM' },
    });
    expect(screen.getAllByRole('row', { selected: true }).map((r) => r.getAttribute('data-driver'))).toEqual(['HAM']);
  });

  it('sets the driver variable when a row is clicked, and highlights it', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)]), options: { showControls: false } });
    await userEvent.click(row('NOR'));
    expect(locationService.getSearchObject()['var-driver']).toBe('NOR');
    expect(row('NOR')).toHaveAttribute('aria-selected', 'true');
  });

  it('selects with the keyboard too', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)]), options: { showControls: false } });
    row('VER').focus();
    await userEvent.keyboard('{Enter}');
    expect(locationService.getSearchObject()['var-driver']).toBe('VER');
  });
});

describe('race header', () => {
  it('shows circuit, race id, lap progress, elapsed time and flag', () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA, MONZA_RACE)]), options: { showControls: false } });
    const header = screen.getByTestId('race-header');
    expect(within(header).getByText('Monza')).toBeInTheDocument();
    expect(within(header).getByText('monza-2024-r1')).toBeInTheDocument();
    expect(within(header).getByText('Lap 12 of 53')).toBeInTheDocument();
    expect(within(header).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '12');
    expect(within(header).getByText('17:01')).toBeInTheDocument();
    expect(within(header).getByTestId('flag')).toHaveTextContent('Safety car');
  });

  it('reads the race from meta.custom.race or from a separate race frame', () => {
    const board = leaderboardFrame(MONZA);
    board.meta = { custom: { race: { circuit: 'spa', lap: 30, total_laps: 44, flag: 'VSC' } } };
    const { unmount } = renderPanel({ data: panelData([board]), options: { showControls: false } });
    expect(screen.getByText('Spa-Francorchamps')).toBeInTheDocument();
    expect(screen.getByText('Lap 30 of 44')).toBeInTheDocument();
    expect(screen.getByTestId('flag')).toHaveAttribute('data-flag', 'VSC');
    unmount();

    const race = createDataFrame({
      name: 'race',
      fields: [
        { name: 'race_id', type: FieldType.string, values: ['bahrain-7'] },
        { name: 'circuit', type: FieldType.string, values: ['bahrain'] },
        { name: 'lap', type: FieldType.number, values: [57] },
        { name: 'total_laps', type: FieldType.number, values: [57] },
        { name: 'flag', type: FieldType.string, values: ['CHEQUERED'] },
      ],
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA), race]), options: { showControls: false } });
    expect(screen.getByText('Bahrain')).toBeInTheDocument();
    expect(screen.getByText('Lap 57 of 57')).toBeInTheDocument();
    expect(screen.getByTestId('flag')).toHaveTextContent('Chequered flag');
  });

  it('can be hidden', () => {
    renderPanel({
      data: panelData([leaderboardFrame(MONZA, MONZA_RACE)]),
      options: { showControls: false, showHeader: false },
    });
    expect(screen.queryByTestId('race-header')).not.toBeInTheDocument();
  });
});

describe('empty and error states', () => {
  it('says there is no race data when there are no frames or no rows', () => {
    const { update } = renderPanel({ data: panelData([]), options: { showControls: false } });
    expect(screen.getByText('No race data yet')).toBeInTheDocument();
    update({ data: panelData([leaderboardFrame([])]) });
    expect(screen.getByText('No race data yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the query error', () => {
    renderPanel({
      data: panelData([], [{ message: 'reading f1-positions: broker kafka:9092 unreachable' }]),
      options: { showControls: false },
    });
    expect(screen.getByText('The leaderboard query failed')).toBeInTheDocument();
    expect(screen.getByText('reading f1-positions: broker kafka:9092 unreachable')).toBeInTheDocument();
    expect(screen.queryByText('No race data yet')).not.toBeInTheDocument();
  });

  it('says what is wrong when the frame is not a leaderboard', () => {
    const other = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1] },
        { name: 'speed_kph', type: FieldType.number, values: [301] },
      ],
    });
    renderPanel({ data: panelData([other]), options: { showControls: false } });
    expect(screen.getByText(/needs the fields position and driver, and has time, speed_kph/)).toBeInTheDocument();
  });

  it('keeps the race controls in the empty state, so a race can be started', async () => {
    backend.on('GET', '/resources/race/status', { data: { running: true, circuit: 'spa', total_laps: 44 } });
    renderPanel({ data: panelData([]) });
    expect(screen.getByText('No race data yet')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Start race/ })).toBeInTheDocument();
    expect(await screen.findByText('Running: Spa-Francorchamps, 44 laps')).toBeInTheDocument();
  });
});
