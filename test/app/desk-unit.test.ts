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
    expect(unit.status().journalFault).toBe(true);
    expect(unit.status().lights.READY).toBe('fast');
    await vi.advanceTimersByTimeAsync(2000);
    expect(journal.entries.map((e) => e.record.id)).toEqual(['id-1']);
    expect(unit.unwrittenCount).toBe(0);
    expect(unit.status().journalFault).toBe(false);
    expect(unit.status().lights.READY).toBe('blink');
    await unit.stop();
  });

  it('a failed answer puts the call back to ringing with its lights and ringer, logs why, and the next lift retries', async () => {
    const { unit, sip, panel, logs } = makeUnit();
    await unit.start();
    sip.failing.add('answer');
    sip.raise({ type: 'call.incoming', callId: 'x', number: '100', displayName: null });
    await vi.advanceTimersByTimeAsync(1500);
    expect(panel.snapshot().ringer).toBe(false);
    unit.simulate({ type: 'hook', state: 'off' });
    await vi.advanceTimersByTimeAsync(0);
    const failure = logs.find((l) => l.level === 'error' && l.msg === 'SIP command failed');
    expect(JSON.stringify(failure)).toContain('answer refused (fake)');
    expect(unit.status().call).toMatchObject({ state: 'ringing', late: false });
    expect(panel.snapshot().lights).toMatchObject({ RING1: 'on' });
    // Still ringing on the desk: the ringer comes back at the next ring cycle.
    await vi.advanceTimersByTimeAsync(1500);
    expect(panel.snapshot().ringer).toBe(true);
    sip.failing.delete('answer');
    unit.simulate({ type: 'hook', state: 'on' });
    unit.simulate({ type: 'hook', state: 'off' });
    await vi.advanceTimersByTimeAsync(0);
    expect(sip.commands).toEqual(['answer:x', 'answer:x']);
    expect(unit.status().call?.state).toBe('answering');
    await unit.stop();
  });

  it('a wall-clock step of an hour during a call changes no duration and fires no timer early', async () => {
    const { unit, sip, panel, journal, clock } = makeUnit();
    await unit.start();
    sip.raise({ type: 'call.incoming', callId: 'x', number: '100', displayName: null });
    await vi.advanceTimersByTimeAsync(4000);
    clock.stepWall(3_600_000);
    // Ring 2 still: a wall-clock hour later must not push the ring bar to the end or light ANSWER_NOW.
    expect(panel.snapshot().lights).toMatchObject({ RING2: 'on', RING3: 'off', ANSWER_NOW: 'off' });
    unit.simulate({ type: 'hook', state: 'off' });
    sip.raise({ type: 'call.established', callId: 'x' });
    await vi.advanceTimersByTimeAsync(60_000);
    clock.stepWall(-7_200_000);
    await vi.advanceTimersByTimeAsync(119_000);
    expect(panel.snapshot().lights.LENGTH).toBe('off');
    await vi.advanceTimersByTimeAsync(1000);
    expect(panel.snapshot().lights.LENGTH).toBe('on');
    sip.raise({ type: 'call.closed', callId: 'x', reason: 'remote' });
    await vi.advanceTimersByTimeAsync(0);
    const record = journal.entries[0]?.record;
    expect(record).toMatchObject({ rings: 2, late: false, talkMs: 180_000, outcome: 'answered' });
    // Stamps follow the latest wall clock: their gaps equal the monotonic durations.
    expect(Date.parse(record!.endedAt) - Date.parse(record!.answeredAt!)).toBe(180_000);
    expect(Date.parse(record!.answeredAt!) - Date.parse(record!.startedAt)).toBe(4000);
    expect(Date.parse(record!.endedAt)).toBe(Date.now() - 3_600_000);
    await unit.stop();
  });

  it('stop() records calls still ringing, up or on LINE2 as interrupted and writes records waiting for a retry', async () => {
    const { unit, sip, journal, logs } = makeUnit();
    await unit.start();
    journal.failNext = 1;
    sip.raise({ type: 'call.incoming', callId: 'a', number: '100', displayName: null });
    sip.raise({ type: 'call.closed', callId: 'a', reason: 'remote' });
    await vi.advanceTimersByTimeAsync(0);
    expect(unit.unwrittenCount).toBe(1);
    sip.raise({ type: 'call.incoming', callId: 'b', number: '101', displayName: null });
    unit.simulate({ type: 'hook', state: 'off' });
    sip.raise({ type: 'call.established', callId: 'b' });
    unit.simulate({ type: 'button', name: 'hold' });
    sip.raise({ type: 'call.incoming', callId: 'c', number: '102', displayName: null });
    const stopping = unit.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await stopping).toEqual({ written: 3, unwritten: 0 });
    expect(journal.entries.map((e) => [e.record.callerNumber, e.record.outcome])).toEqual([
      ['100', 'missed'],
      ['101', 'interrupted'],
      ['102', 'interrupted'],
    ]);
    expect(journal.entries[1]?.record.holds).toHaveLength(1);
    expect(logs.some((l) => l.level === 'info' && l.msg === 'every call record written; unit stopped')).toBe(true);
  });

  it('stop() gives up on a journal that never recovers within the bound, and says which records it lost', async () => {
    const { unit, sip, journal, logs } = makeUnit();
    await unit.start();
    journal.failNext = 1_000_000;
    sip.raise({ type: 'call.incoming', callId: 'a', number: '100', displayName: null });
    const stopping = unit.stop();
    await vi.advanceTimersByTimeAsync(6000);
    expect(await stopping).toEqual({ written: 0, unwritten: 1 });
    const lost = logs.find((l) => l.level === 'error' && l.msg === 'stopping with call records the journal could not write');
    expect(JSON.stringify(lost)).toContain('id-1');
  });

  it('a journal reporting itself failing lights READY fast until it reports healthy again', async () => {
    const { unit, journal } = makeUnit();
    await unit.start();
    journal.setHealth(false, 'EIO on fdatasync');
    expect(unit.status()).toMatchObject({ journalFault: true, lights: { READY: 'fast' } });
    journal.setHealth(true);
    expect(unit.status()).toMatchObject({ journalFault: false, lights: { READY: 'blink' } });
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
