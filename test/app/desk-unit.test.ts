import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedPanel } from '../../src/adapters/panel/simulated-panel.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import type { Panel, PanelInput } from '../../src/ports/panel.ts';

function makeUnit() {
  const f = fakeUnit();
  return { ...f, panel: f.panel as SimulatedPanel };
}

describe('DeskUnit', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 1, 0, 0) });
  });
  afterEach(() => vi.useRealTimers());

  it('rings the simulated panel on its own timer and answers from the handset', async () => {
    const { unit, sip, panel } = makeUnit();
    await unit.start();
    expect(panel.snapshot().lights.READY).toBe('blink');
    sip.raise({ type: 'sip.up' });
    sip.raise({ type: 'call.incoming', callId: 'x', number: '100', displayName: null });
    expect(panel.snapshot()).toMatchObject({ lights: { READY: 'on', RING1: 'on', RING2: 'off' }, ringer: true });
    await vi.advanceTimersByTimeAsync(1000);
    expect(panel.snapshot().ringer).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(panel.snapshot().lights).toMatchObject({ RING2: 'on', RING3: 'on', ANSWER_NOW: 'blink' });
    unit.simulate({ type: 'hook', state: 'off' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sip.commands).toEqual(['answer:x']);
    expect(unit.status().call).toMatchObject({ state: 'answering', rings: 3, late: false });
    await unit.stop();
  });

  it('writes one record per call and keeps a record whose append failed until it is written', async () => {
    const { unit, sip, journal, logs } = makeUnit();
    await unit.start();
    journal.failNext = 2;
    sip.raise({ type: 'call.incoming', callId: 'x', number: '100', displayName: null });
    sip.raise({ type: 'call.closed', callId: 'x', reason: 'remote' });
    await vi.advanceTimersByTimeAsync(0);
    expect(journal.entries).toHaveLength(0);
    expect(unit.unwrittenCount).toBe(1);
    expect(logs.some((l) => l.level === 'error' && l.msg?.includes('will retry'))).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(journal.entries.map((e) => e.record.id)).toEqual(['id-1']);
    expect(unit.unwrittenCount).toBe(0);
    await unit.stop();
  });

  it('logs a failed SIP command and keeps running', async () => {
    const { unit, sip, logs } = makeUnit();
    await unit.start();
    sip.failing.add('answer');
    sip.raise({ type: 'call.incoming', callId: 'x', number: '100', displayName: null });
    unit.simulate({ type: 'hook', state: 'off' });
    await vi.advanceTimersByTimeAsync(0);
    expect(logs.some((l) => l.level === 'error' && l.msg === 'SIP command failed')).toBe(true);
    expect(unit.status().call?.state).toBe('answering');
    await unit.stop();
  });

  it('keeps running with READY blinking when the SIP stack does not come up, and recovers when it does', async () => {
    const { unit, sip, panel, logs } = makeUnit();
    sip.failing.add('start');
    await unit.start();
    expect(logs.some((l) => l.level === 'error' && l.msg?.includes('SIP stack not up yet'))).toBe(true);
    expect(panel.snapshot().lights.READY).toBe('blink');
    sip.raise({ type: 'sip.up' });
    expect(panel.snapshot().lights.READY).toBe('on');
    await unit.stop();
  });

  it('hears a board that reports a fault while it starts: READY blinks fast', async () => {
    const listeners: ((i: PanelInput) => void)[] = [];
    const lights: Record<string, string> = {};
    const board: Panel = {
      kind: 'board',
      start: async () => listeners.forEach((l) => l({ type: 'fault', fault: true })),
      stop: async () => {},
      setLight: (name, state) => void (lights[name] = state),
      setRinger() {},
      onInput: (l) => (listeners.push(l), () => {}),
    };
    const { unit } = fakeUnit(board);
    await unit.start();
    expect(lights.READY).toBe('fast');
    expect(unit.status().panelFault).toBe(true);
    await unit.stop();
  });

  it('stops its timers and listeners on stop()', async () => {
    const { unit, sip } = makeUnit();
    await unit.start();
    sip.raise({ type: 'call.incoming', callId: 'x', number: '100', displayName: null });
    expect(vi.getTimerCount()).toBe(1);
    await unit.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(sip.started).toBe(false);
  });
});
