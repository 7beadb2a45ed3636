import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { pitwallAnnotations } from '../annotations';
import { PitwallDataSource } from '../datasource';
import { FakeBackend } from '../testing/fakeBackend';
import { FixedTemplateSrv, instanceSettings } from '../testing/datasources';
import { PitwallQuery } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import { VariableQueryEditor } from './VariableQueryEditor';

let backend: FakeBackend;
let ds: PitwallDataSource;

beforeEach(() => {
  backend = new FakeBackend().install();
  backend.on('GET', '/resources/topics', { data: ['f1-alerts', 'f1-race-control'] }).on('GET', '/resources/drivers', {
    data: ['VER', 'NOR'],
  });
  const templates = new FixedTemplateSrv({ driver: 'VER' }) as unknown as TemplateSrv;
  setTemplateSrv(templates);
  ds = new PitwallDataSource(instanceSettings(), templates);
});

describe('AnnotationQueryEditor', () => {
  it('edits alert annotations with drivers and the overspeed threshold', async () => {
    const onChange = jest.fn();
    render(
      <AnnotationQueryEditor
        datasource={ds}
        query={{ refId: 'Anno', queryType: 'alerts' }}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.getByRole('radio', { name: 'Alerts' })).toBeChecked();
    expect(screen.getByLabelText('Drivers')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Overspeed'), '320');
    await userEvent.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'alerts', overspeedKph: 320 });
  });

  it('edits race-control annotations, which have no driver filter', async () => {
    const onChange = jest.fn();
    const { rerender } = render(
      <AnnotationQueryEditor
        datasource={ds}
        query={{ refId: 'Anno', queryType: 'alerts' }}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    await userEvent.click(screen.getByRole('radio', { name: 'Race control' }));
    const next: PitwallQuery = onChange.mock.calls[0][0];
    expect(next).toMatchObject({ queryType: 'raceControl', topic: '' });
    rerender(<AnnotationQueryEditor datasource={ds} query={next} onChange={onChange} onRunQuery={jest.fn()} />);
    expect(screen.queryByLabelText('Drivers')).not.toBeInTheDocument();
    expect(screen.getByText(/Each race event/)).toBeInTheDocument();
    await waitFor(() => expect(backend.to('GET', '/resources/topics').length).toBeGreaterThan(0));
  });

  it('edits wheel-spin annotations with the spin threshold', async () => {
    const onChange = jest.fn();
    render(
      <AnnotationQueryEditor
        datasource={ds}
        query={{ refId: 'Anno', queryType: 'wheelSpin' }}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.queryByLabelText('Overspeed')).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Spin threshold'), '10');
    await userEvent.tab();
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'wheelSpin', spinThresholdPct: 10 });
  });
});

describe('alert annotations', () => {
  it('show high alerts unless the annotation says otherwise, and the severity can be widened', async () => {
    const onChange = jest.fn();
    render(
      <AnnotationQueryEditor
        datasource={ds}
        query={{ refId: 'Anno', queryType: 'alerts' }}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.getByRole('radio', { name: 'High' })).toBeChecked();
    await userEvent.click(screen.getByRole('radio', { name: 'All' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'alerts', minSeverity: 'low' });
    await waitFor(() => expect(backend.to('GET', '/resources/topics').length).toBeGreaterThan(0));
  });

  it('ask the backend for high alerts only by default, as annotations read by time range', () => {
    const prepared = pitwallAnnotations.prepareQuery!({
      name: 'Alerts',
      enable: true,
      iconColor: 'red',
      target: { refId: 'Anno', queryType: 'alerts', stream: true },
    });
    expect(prepared).toMatchObject({
      queryType: 'alerts',
      minSeverity: 'high',
      view: 'annotations',
      offset: 'timeRange',
      stream: false,
    });
    const all = pitwallAnnotations.prepareQuery!({
      name: 'Alerts',
      enable: true,
      iconColor: 'red',
      target: { refId: 'Anno', queryType: 'alerts', minSeverity: 'low' },
    });
    expect(all?.minSeverity).toBe('low');
    const rc = pitwallAnnotations.prepareQuery!({
      name: 'Race control',
      enable: true,
      iconColor: 'blue',
      target: { refId: 'Anno', queryType: 'raceControl' },
    });
    expect(rc?.minSeverity).toBeUndefined();
  });
});

describe('VariableQueryEditor', () => {
  it('chooses what the variable lists; race ids can name a topic', async () => {
    const onChange = jest.fn();
    const { rerender } = render(
      <VariableQueryEditor
        datasource={ds}
        query={{ refId: 'V', kind: 'drivers' }}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.queryByLabelText('Topic')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: 'Race ids' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'V', kind: 'raceIds', topic: '' });
    rerender(
      <VariableQueryEditor
        datasource={ds}
        query={{ refId: 'V', kind: 'raceIds' }}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    await userEvent.type(screen.getByLabelText('Topic'), 'rc-eu{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'V', kind: 'raceIds', topic: 'rc-eu' });
  });
});
