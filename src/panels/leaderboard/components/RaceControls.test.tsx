import { OrgRole } from '@grafana/data';
import { config, locationService } from '@grafana/runtime';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { PitwallDataSource } from '../../../datasource';
import { FakeBackend } from '../../../testing/fakeBackend';
import { installDataSourceSrv, instanceSettings } from '../../../testing/datasources';
import { leaderboardFrame, MONZA, panelData, renderPanel } from '../testing/fixtures';
import { HOLD_MS, LIGHT_MS, OUT_MS } from './StartLights';

let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend().install();
  backend
    .on('GET', '/resources/race/status', { data: { running: false } })
    .on('POST', '/resources/race/start', { data: { race_id: 'r-42' } })
    .on('POST', '/resources/race/stop', { data: {} });
  installDataSourceSrv(new PitwallDataSource(instanceSettings('pitwall-a')), [
    { uid: 'prom', type: 'prometheus', name: 'Prometheus' },
  ]);
  locationService.partial({ 'var-driver': null }, true);
  config.bootData.user.orgRole = OrgRole.Editor;
});

async function settled() {
  await waitFor(() => expect(backend.to('GET', '/resources/race/status').length).toBeGreaterThan(0));
  await act(async () => {});
}

/** A @grafana/ui Button with a tooltip is switched off with aria-disabled (so its tooltip still shows). */
function isOff(name: string | RegExp): boolean {
  return screen.getByRole('button', { name }).getAttribute('aria-disabled') === 'true';
}

async function choose(label: string, option: RegExp) {
  await userEvent.click(screen.getByLabelText(label));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('race controls', () => {
  it('start POSTs race/start on the panel datasource with the defaults from the options', async () => {
    renderPanel({
      data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a'),
      options: { defaultCircuit: 'silverstone', defaultLaps: 7, defaultSpeed: 5, raceDrivers: 'ver, lec  nor' },
    });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    await waitFor(() => expect(backend.to('POST', '/resources/race/start')).toHaveLength(1));
    const [sent] = backend.to('POST', '/resources/race/start');
    expect(sent.url).toBe('/api/datasources/uid/pitwall-a/resources/race/start');
    expect(sent.data).toEqual({
      circuit: 'silverstone',
      laps: 7,
      drivers: ['VER', 'LEC', 'NOR'],
      speed: 5,
      selectedDriver: '',
    });
  });

  it('sends the circuit, laps, driver to follow and speed chosen, and follows that driver', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await choose('Circuit', /Spa-Francorchamps/);
    const laps = screen.getByLabelText('Laps');
    await userEvent.clear(laps);
    await userEvent.type(laps, '12');
    await choose('Follow', /^VER$/);
    await choose('Speed', /^10×$/);
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    await waitFor(() => expect(backend.to('POST', '/resources/race/start')).toHaveLength(1));
    expect(backend.to('POST', '/resources/race/start')[0].data).toEqual({
      circuit: 'spa',
      laps: 12,
      drivers: [],
      speed: 10,
      selectedDriver: 'VER',
    });
    await waitFor(() => expect(locationService.getSearchObject()['var-driver']).toBe('VER'));
  });

  it('stop POSTs race/stop', async () => {
    backend.on('GET', '/resources/race/status', { data: { state: 'running', running: true } });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Stop/ }));
    await waitFor(() => expect(backend.to('POST', '/resources/race/stop')).toHaveLength(1));
    expect(backend.to('POST', '/resources/race/stop')[0].url).toBe(
      '/api/datasources/uid/pitwall-a/resources/race/stop'
    );
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(0);
  });

  it('shows the backend error of a refused start, with its status', async () => {
    backend.on('POST', '/resources/race/start', {
      status: 400,
      data: { error: 'unknown circuit "imola": known circuits are bahrain, monaco, monza, silverstone, spa' },
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    expect(
      await screen.findByText(
        'Could not start the race: unknown circuit "imola": known circuits are bahrain, monaco, monza, silverstone, spa (HTTP 400)'
      )
    ).toBeInTheDocument();
    // The countdown stops with the error.
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows a stop error given as {"message": ...}', async () => {
    backend.on('GET', '/resources/race/status', { data: { state: 'running', running: true } });
    backend.on('POST', '/resources/race/stop', {
      status: 503,
      data: { message: 'f1-race-commands: not leader for partition' },
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Stop/ }));
    expect(
      await screen.findByText('Could not stop the race: f1-race-commands: not leader for partition (HTTP 503)')
    ).toBeInTheDocument();
  });

  it('refuses laps out of range without calling the backend', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    const laps = screen.getByLabelText('Laps');
    await userEvent.clear(laps);
    await userEvent.type(laps, '0');
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    expect(screen.getByText(/Laps must be a whole number from 1 to 100/)).toBeInTheDocument();
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(0);
  });

  it('says so when the panel datasource is not Pitwall', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)]), options: { raceDatasource: 'prom' } });
    expect(
      await screen.findByText(/Race status unavailable: The race controls need a Pitwall datasource/)
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    expect(
      await screen.findByText(
        /Could not start the race: The race controls need a Pitwall datasource, and "Prometheus" is prometheus/
      )
    ).toBeInTheDocument();
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(0);
  });

  it('finds the Pitwall datasource when the query does not name one', async () => {
    const data = panelData([leaderboardFrame(MONZA)]);
    data.request!.targets = [{ refId: 'A' }];
    renderPanel({ data });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    await waitFor(() =>
      expect(backend.to('POST', '/api/datasources/uid/pitwall-a/resources/race/start')).toHaveLength(1)
    );
  });

  it('folds the race settings away on narrow panels', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a'), width: 500 });
    await settled();
    expect(screen.queryByLabelText('Circuit')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Start race/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Race settings/ }));
    expect(screen.getByLabelText('Circuit')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Race settings/ })).toHaveAttribute('aria-expanded', 'true');
  });

  it('can be switched off', () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)]), options: { showControls: false } });
    expect(screen.queryByRole('button', { name: /Start race/ })).not.toBeInTheDocument();
    expect(backend.to('GET', '/resources/race/status')).toHaveLength(0);
  });
});

describe('the start button and the race status', () => {
  it('says the speed it will start at, and follows the speed chosen', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a'), width: 500 });
    await settled();
    // Folded settings: the button alone must say what it does.
    expect(screen.getByRole('button', { name: 'Start race at 1×' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Race settings/ }));
    await choose('Speed', /^Max/);
    expect(screen.getByRole('button', { name: 'Start race at max speed' })).toBeInTheDocument();
  });

  it('says when the race has finished, and then offers no Stop', async () => {
    backend.on('GET', '/resources/race/status', {
      data: { state: 'finished', running: false, circuit: 'monza', total_laps: 40 },
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    expect(await screen.findByText('Finished: Monza, 40 laps')).toBeInTheDocument();
    expect(screen.queryByText(/Running/)).not.toBeInTheDocument();
    expect(isOff('Stop')).toBe(true);
  });

  it('asks for the status again when the panel shows the chequered flag', async () => {
    let state = 'running';
    backend.on('GET', '/resources/race/status', () => ({
      data: { state, running: state === 'running', circuit: 'monza', total_laps: 40 },
    }));
    const { update } = renderPanel({
      data: panelData([leaderboardFrame(MONZA, { race_id: 'r-1', flag: 'GREEN' })], undefined, 'pitwall-a'),
    });
    expect(await screen.findByText('Running: Monza, 40 laps')).toBeInTheDocument();
    expect(isOff('Stop')).toBe(false);
    state = 'finished';
    update({
      data: panelData([leaderboardFrame(MONZA, { race_id: 'r-1', flag: 'CHEQUERED' })], undefined, 'pitwall-a'),
    });
    expect(await screen.findByText('Finished: Monza, 40 laps')).toBeInTheDocument();
    expect(isOff('Stop')).toBe(true);
    expect(backend.to('GET', '/resources/race/status')).toHaveLength(2);
  });
});

describe('who may control races', () => {
  it('disables start and stop for a Viewer and says why, without calling the backend', async () => {
    config.bootData.user.orgRole = OrgRole.Viewer;
    backend.on('GET', '/resources/race/status', { data: { state: 'running', running: true } });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    expect(isOff(/Start race/)).toBe(true);
    expect(isOff('Stop')).toBe(true);
    expect(screen.getByTestId('race-control-denied')).toHaveTextContent(
      'Starting and stopping races needs the Editor role; you are a Viewer.'
    );
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(0);
  });

  it('lets a Viewer control races when the datasource allows it', async () => {
    config.bootData.user.orgRole = OrgRole.Viewer;
    installDataSourceSrv(new PitwallDataSource(instanceSettings('pitwall-a')), [], { viewersControlRace: true });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await waitFor(() => expect(isOff(/Start race/)).toBe(false));
    expect(screen.queryByTestId('race-control-denied')).not.toBeInTheDocument();
  });

  it('shows the backend refusal (403) and then keeps the buttons off', async () => {
    backend.on('POST', '/resources/race/start', {
      status: 403,
      data: { error: 'race control needs the Editor role or higher; you are Viewer' },
    });
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await settled();
    await userEvent.click(screen.getByRole('button', { name: /Start race/ }));
    expect(
      await screen.findByText(
        'Could not start the race: race control needs the Editor role or higher; you are Viewer (HTTP 403)'
      )
    ).toBeInTheDocument();
    expect(isOff(/Start race/)).toBe(true);
    expect(screen.getByTestId('race-control-denied')).toHaveTextContent(
      'race control needs the Editor role or higher; you are Viewer (HTTP 403)'
    );
  });
});

/** Runs pending promise callbacks inside act, without moving the fake clock. */
async function flushPromises() {
  await act(async () => {
    for (let i = 0; i < 50; i++) {
      await Promise.resolve();
    }
  });
}

describe('five lights', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('counts five red lights, then lights out, then clears', async () => {
    renderPanel({ data: panelData([leaderboardFrame(MONZA)], undefined, 'pitwall-a') });
    await flushPromises();
    fireEvent.click(screen.getByRole('button', { name: /Start race/ }));
    // Let the POST and the status refresh after it resolve (promises only; the clock stays put).
    await flushPromises();
    expect(backend.to('GET', '/resources/race/status')).toHaveLength(2);
    await flushPromises();
    expect(screen.getByRole('status')).toHaveAccessibleName('1 of 5 lights on');
    for (let n = 2; n <= 5; n++) {
      await act(async () => jest.advanceTimersByTime(LIGHT_MS));
      expect(screen.getByRole('status')).toHaveAccessibleName(`${n} of 5 lights on`);
      expect(screen.getAllByTestId('light-on')).toHaveLength(n);
    }
    await act(async () => jest.advanceTimersByTime(HOLD_MS));
    expect(screen.getByRole('status')).toHaveAccessibleName('Lights out');
    expect(screen.getByText('LIGHTS OUT')).toBeInTheDocument();
    expect(screen.queryAllByTestId('light-on')).toHaveLength(0);
    await act(async () => jest.advanceTimersByTime(OUT_MS));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    expect(backend.to('POST', '/resources/race/start')).toHaveLength(1);
  });
});
