/**
 * Live config (SIGHUP, a saved file): new thresholds take effect without a restart (length, hold and the other
 * limits at once, a ringing call keeps its ring budget until it ends), greetings and the directory reach their targets, other changed keys (and live keys
 * with nothing wired to apply them) are named as needing a restart, a broken file changes nothing, and reloads
 * asked for while one runs are folded into one more.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveConfig, changedKeys } from '../../src/app/live-config.ts';
import { parseConfig } from '../../src/config/load.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import { memoryLogger } from '../support/memory-logger.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 5, 1, 0, 0) });
});
afterEach(() => vi.useRealTimers());

async function setup() {
  const f = fakeUnit();
  await f.unit.start();
  f.sip.raise({ type: 'sip.up' });
  let doc: unknown = { unitId: 'u1', timeZone: 'UTC' };
  const log = memoryLogger();
  const live = new LiveConfig(parseConfig(doc), async () => parseConfig(doc), { rules: (r) => f.unit.applyRules(r) }, log);
  return { ...f, live, log, write: (d: unknown) => (doc = d) };
}

/** Rings a call, picks it up from the handset after `ms`, and says whether the pick-up was late (R1). */
async function lateAfter(f: Awaited<ReturnType<typeof setup>>, callId: string, ms: number): Promise<boolean> {
  f.sip.raise({ type: 'call.incoming', callId, number: '100', displayName: null });
  await vi.advanceTimersByTimeAsync(ms);
  f.unit.simulate({ type: 'hook', state: 'off' });
  await vi.advanceTimersByTimeAsync(0);
  const late = f.unit.status().call?.late ?? null;
  f.sip.raise({ type: 'call.closed', callId, reason: 'remote' });
  f.unit.simulate({ type: 'hook', state: 'on' });
  await vi.advanceTimersByTimeAsync(0);
  if (late === null) throw new Error('no call');
  return late;
}

describe('LiveConfig', () => {
  it('a new ring budget applies to the next call without a restart', async () => {
    const f = await setup();
    expect(await lateAfter(f, 'a', 4000)).toBe(false); // default budget: 3 rings of 3 s
    f.write({ unitId: 'u1', timeZone: 'UTC', rules: { ringBudget: 1 } });
    expect(await f.live.reload()).toEqual({ ok: true, applied: ['rules'], restartNeeded: [], issues: [] });
    expect(await lateAfter(f, 'b', 4000)).toBe(true); // budget 1: late after the first ring
    await f.unit.stop();
  });

  it('a call ringing during the reload keeps its budget; the next one gets the new one', async () => {
    const f = await setup();
    f.sip.raise({ type: 'call.incoming', callId: 'a', number: '100', displayName: null });
    f.write({ unitId: 'u1', timeZone: 'UTC', rules: { ringBudget: 1 } });
    await f.live.reload();
    await vi.advanceTimersByTimeAsync(4000);
    f.unit.simulate({ type: 'hook', state: 'off' });
    await vi.advanceTimersByTimeAsync(0);
    expect(f.unit.status().call?.late).toBe(false);
    f.sip.raise({ type: 'call.closed', callId: 'a', reason: 'remote' });
    f.unit.simulate({ type: 'hook', state: 'on' });
    await vi.advanceTimersByTimeAsync(0);
    expect(await lateAfter(f, 'b', 4000)).toBe(true);
    await f.unit.stop();
  });

  it('length and hold limits changed mid-call apply to that call at once: the LENGTH lamp, the rules in force and a rules event agree', async () => {
    const f = await setup();
    const events: number[] = [];
    f.unit.on('rules', (r) => events.push(r.lengthLimitMs));
    f.sip.raise({ type: 'call.incoming', callId: 'a', number: '100', displayName: null });
    await vi.advanceTimersByTimeAsync(1000);
    f.unit.simulate({ type: 'hook', state: 'off' });
    f.sip.raise({ type: 'call.established', callId: 'a' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(f.unit.status().call?.lengthMs).toBeGreaterThanOrEqual(10_000);
    expect(f.unit.status().lights.LENGTH).toBe('off'); // 10 s: under the 3-minute warning (SPEC R5 defaults)
    f.write({ unitId: 'u1', timeZone: 'UTC', rules: { lengthWarnMs: 2000, lengthLimitMs: 5000, ringBudget: 1 } });
    await f.live.reload();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.unit.status().lights.LENGTH).toBe('fast');
    expect(f.unit.rules).toMatchObject({ lengthWarnMs: 2000, lengthLimitMs: 5000, ringBudget: 3 }); // the ring's rules wait
    expect(events).toEqual([5000]);
    f.sip.raise({ type: 'call.closed', callId: 'a', reason: 'remote' });
    f.unit.simulate({ type: 'hook', state: 'on' });
    await vi.advanceTimersByTimeAsync(0);
    expect(f.unit.rules.ringBudget).toBe(1);
    expect(events).toEqual([5000, 5000]);
    await f.unit.stop();
  });

  it('names keys that need a restart and keeps their running values', async () => {
    const f = await setup();
    f.write({ unitId: 'u2', timeZone: 'UTC', sip: { listenPort: 5070 } });
    expect(await f.live.reload()).toMatchObject({ ok: true, applied: [], restartNeeded: ['sip', 'unitId'] });
    expect(f.live.config.unitId).toBe('u1');
    expect(f.log.entries.some((e) => e.level === 'warn' && e.line.includes('only after a restart'))).toBe(true);
    await f.unit.stop();
  });

  it('a broken config changes nothing and its problems are logged by field', async () => {
    const f = await setup();
    f.write({ unitId: 'u1', timeZone: 'UTC', rules: { ringBudget: 0, holdLimitMs: 'long' } });
    const r = await f.live.reload();
    expect(r.ok).toBe(false);
    expect(r.issues).toEqual(expect.arrayContaining([expect.stringMatching(/^rules\.ringBudget: /), expect.stringMatching(/^rules\.holdLimitMs: /)]));
    expect(await lateAfter(f, 'a', 4000)).toBe(false);
    await f.unit.stop();
  });

  it('greetings and the directory go to their targets; a live key without a target needs a restart', async () => {
    const f = await setup();
    const seen: unknown[] = [];
    const load = async () => parseConfig({ unitId: 'u1', timeZone: 'UTC', greetings: { autoAnswerAfterRings: 0 }, directory: [{ name: 'Li Wei', uri: 'sip:li@pbx.lan' }] });
    const live = new LiveConfig(
      parseConfig({ unitId: 'u1', timeZone: 'UTC' }),
      load,
      { greetings: (g) => void seen.push(['greetings', g.autoAnswerAfterRings]), rules: (r) => f.unit.applyRules(r) },
      f.log,
    );
    expect(await live.reload()).toEqual({ ok: true, applied: ['greetings'], restartNeeded: ['directory'], issues: [] });
    expect(seen).toEqual([['greetings', 0]]);
    expect(live.config.greetings.autoAnswerAfterRings).toBe(0);
    expect(live.config.directory).toEqual([]);
    const withDirectory = new LiveConfig(parseConfig({ unitId: 'u1', timeZone: 'UTC' }), load, { directory: (d) => void seen.push(['directory', d.map((e) => e.name)]) }, f.log);
    expect(await withDirectory.reload()).toMatchObject({ applied: ['directory'], restartNeeded: ['greetings'] });
    expect(seen).toContainEqual(['directory', ['Li Wei']]);
    await f.unit.stop();
  });

  it('a target that fails is reported by key and tried again on the next reload', async () => {
    const f = await setup();
    let fail = true;
    const live = new LiveConfig(
      parseConfig({ unitId: 'u1', timeZone: 'UTC' }),
      async () => parseConfig({ unitId: 'u1', timeZone: 'UTC', rules: { ringBudget: 2 } }),
      {
        rules: () => {
          if (fail) throw new Error('line busy');
        },
      },
      f.log,
    );
    expect(await live.reload()).toEqual({ ok: false, applied: [], restartNeeded: [], issues: ['rules: not applied (line busy)'] });
    fail = false;
    expect(await live.reload()).toMatchObject({ ok: true, applied: ['rules'] });
    await f.unit.stop();
  });

  it('reloads asked for while one runs are folded into one more, which reads the latest file', async () => {
    const f = await setup();
    let loads = 0;
    let budget = 2;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const applied: number[] = [];
    const live = new LiveConfig(
      parseConfig({ unitId: 'u1', timeZone: 'UTC' }),
      async () => {
        loads++;
        const doc = { unitId: 'u1', timeZone: 'UTC', rules: { ringBudget: budget } };
        if (loads === 1) await gate;
        return parseConfig(doc);
      },
      { rules: (r) => void applied.push(r.ringBudget) },
      f.log,
    );
    const first = live.reload();
    budget = 5;
    const second = live.reload();
    const third = live.reload();
    expect(third).toBe(second);
    release();
    await Promise.all([first, second]);
    expect(loads).toBe(2);
    expect(applied).toEqual([2, 5]);
    await f.unit.stop();
  });

  it('changedKeys compares whole sections', () => {
    const a = parseConfig({ unitId: 'x', timeZone: 'UTC' });
    expect(changedKeys(a, parseConfig({ unitId: 'x', timeZone: 'UTC' }))).toEqual([]);
    expect(changedKeys(a, parseConfig({ unitId: 'x', timeZone: 'UTC', rules: { apologiseMs: 5 } }))).toEqual(['rules']);
  });
});
