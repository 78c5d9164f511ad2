/**
 * The whole unit driving the project's own firmware in simavr, as it would a real board: sipp calls the
 * unit's baresip, the core rings the board through johnny-five, the receptionist lifts the handset on the
 * board's hook-switch pin, holds with the board's button, and the board's pins show every light. When the
 * unit stops, the firmware's watchdog shows "controller lost".
 * Pin levels and periods are read in simulated time from the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPinMap } from '../../src/config/pin-map.ts';
import type { CallRecord } from '../../src/core/record.ts';
import { startSimulator, type Simulator } from '../peers/simavr.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

const pins = loadPinMap('nano-r1');
const L = pins.lights;
const HOOK = pins.hook.pin;
const HOLD_BUTTON = pins.holdButton.pin;
const SIP_PORT = 25160;

/** Intervals (ms, simulated time) between a pin's level changes after `sinceUs` (and up to `untilUs`). */
function halfPeriods(sim: Simulator, pin: number, sinceUs: number, untilUs = Infinity): number[] {
  const c = sim.history(pin).filter((x) => x.simUs > sinceUs && x.simUs <= untilUs);
  return c.slice(1).map((x, i) => (x.simUs - c[i]!.simUs) / 1000);
}

/**
 * A pin blinking with half-period `ms`: at least `count` intervals, each within 5 ms of `ms`, but the first,
 * which may be short (a pattern joins the firmware's shared phase clock part-way through a half-period).
 */
function expectBlinking(intervals: number[], ms: number, count = 2): void {
  expect(intervals.length).toBeGreaterThanOrEqual(count);
  expect(intervals[0]!).toBeLessThan(ms + 5);
  for (const p of intervals.slice(1)) expect(p).toBeCloseTo(ms, -1);
}

type StatusLights = { lights: Record<string, string> };

async function press(sim: Simulator, pin: number): Promise<void> {
  await sim.setInput(pin, 0);
  await new Promise((r) => setTimeout(r, 60)); // held longer than johnny-five's 7 ms debounce
  await sim.setInput(pin, 1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a whole call on the real firmware in the simulator', () => {
  let sim: Simulator;
  let u: TestUnit;

  beforeAll(async () => {
    sim = await startSimulator();
    u = await bootUnit({
      sipPort: SIP_PORT,
      ctrlPort: 24445,
      // A 2 s ring cycle leaves room to see ANSWER_NOW blink through a whole ring.
      rules: { ringCycleMs: 2000, ringOnMs: 600, holdCheckInMs: 1000, holdLimitMs: 3000, lengthWarnMs: 4000, lengthLimitMs: 7000 },
      panel: { kind: 'board', port: sim.ptyPath, revision: 'nano-r1', heartbeatMs: 500 },
    });
  });

  afterAll(async () => {
    await killAllSipp();
    await u?.stop();
    await sim?.stop();
  });

  it('rings, answers from the hook switch, holds, warns on length, and logs the call', async () => {
    await waitFor('READY steady on the board', async () => {
      const s = await u.get<{ sip: { up: boolean }; panel: { fault: boolean; firmware: string | null } }>('/api/v1/status');
      // The status names the board's firmware as the board reported itself (shown on the web page's status view).
      return s.sip.up && !s.panel.fault && s.panel.firmware === 'deskphone 2.5' && sim.level(L.READY) === 1;
    });
    const call = startSippCall({
      scenario: 'uac-talk',
      target: `127.0.0.1:${SIP_PORT}`,
      localPort: 25190,
      vars: { caller: '+8602112345678', answer_ms: 20_000, talk_ms: 9000, reinvites: 0 },
    });

    // R1: the ring bar fills ring by ring, and the ringer sounds in step.
    const ring1 = await sim.waitForLevel(L.RING1, 1, 5000);
    expect(sim.level(L.RING2)).toBe(0);
    await sim.waitForLevel(pins.ringer.pin, 1, 2000);
    const ring2 = await sim.waitForLevel(L.RING2, 1, 5000);
    expect((ring2.simUs - ring1.simUs) / 1000).toBeGreaterThan(1800);
    expect(sim.level(L.RING3)).toBe(0);
    const ring3 = await sim.waitForLevel(L.RING3, 1, 5000);
    // ANSWER_NOW blinks at the firmware's 500 ms half-period during the last ring of the budget...
    await waitFor('ring 4', async () => (await u.get<{ call: { rings: number } }>('/api/v1/status')).call.rings >= 4, 5000);
    const ring4Us = sim.lastSimUs();
    // Ring 3 lasts one 2 s cycle from the RING3 change; the fast pattern takes over at its end.
    expectBlinking(halfPeriods(sim, L.ANSWER_NOW, ring3.simUs - 50_000, ring3.simUs + 1_950_000), 500);
    // ...and fast (125 ms) once the budget is passed.
    await sleep(700);
    expectBlinking(halfPeriods(sim, L.ANSWER_NOW, ring4Us + 50_000), 125, 3);

    // The receptionist lifts the handset: the hook switch pulls its pin low.
    await sim.setInput(HOOK, 0);
    await waitFor('talking', async () => (await u.get<{ call: { state: string } }>('/api/v1/status')).call?.state === 'talking');
    for (const light of ['RING1', 'RING2', 'RING3', 'ANSWER_NOW'] as const) await sim.waitForLevel(L[light], 0, 2000);
    await sim.waitForLevel(pins.ringer.pin, 0, 2000);
    // R2: picked up late, so APOLOGISE is lit.
    await sim.waitForLevel(L.APOLOGISE, 1, 2000);

    // R4: hold with the board's button: steady, then blinking (500 ms), then fast (125 ms).
    await press(sim, HOLD_BUTTON);
    const holdOn = await sim.waitForLevel(L.HOLD, 1, 2000);
    await sleep(900);
    expect(halfPeriods(sim, L.HOLD, holdOn.simUs)).toEqual([]);
    await waitFor('HOLD blinking', async () => (await u.get<StatusLights>('/api/v1/status')).lights.HOLD === 'blink', 3000);
    await waitFor('HOLD fast', async () => (await u.get<StatusLights>('/api/v1/status')).lights.HOLD === 'fast', 4000);
    const fastFrom = sim.lastSimUs();
    // Blinking from the check-in (1 s) to the limit (3 s): whole half-periods of 500 ms.
    expectBlinking(halfPeriods(sim, L.HOLD, holdOn.simUs, fastFrom - 30_000), 500);
    await sleep(800);
    expectBlinking(halfPeriods(sim, L.HOLD, fastFrom), 125, 3);
    await press(sim, HOLD_BUTTON); // resume
    await waitFor('resumed', async () => (await u.get<{ call: { state: string } }>('/api/v1/status')).call?.state === 'talking');
    await sim.waitForLevel(L.HOLD, 0, 2000);

    // R5: LENGTH steady from the warning, fast from the limit.
    const lengthOn = await sim.waitForLevel(L.LENGTH, 1, 6000);
    await waitFor('LENGTH fast', async () => halfPeriods(sim, L.LENGTH, lengthOn.simUs).some((p) => Math.abs(p - 125) < 10), 6000);

    const result = await call.done;
    expect(result.code, result.stderr).toBe(0);
    await sim.setInput(HOOK, 1); // handset back down
    const record = await waitFor('record', async () => (await u.get<{ calls: CallRecord[] }>('/api/v1/calls')).calls[0]);
    expect(record).toMatchObject({ callerNumber: '+8602112345678', rings: 4, late: true, outcome: 'answered', hungUpFirst: 'caller' });
    expect(record.holds).toHaveLength(1);
    expect(record.holds[0]!.ms).toBeGreaterThan(3000);
    await sim.waitForLevel(L.LENGTH, 0, 2000);
    expect(sim.level(L.READY)).toBe(1);
  });

  it('when the unit stops talking to the board, the firmware shows "controller lost"', async () => {
    await u.stop();
    const stoppedUs = sim.lastSimUs();
    await sleep(3800);
    expectBlinking(halfPeriods(sim, L.READY, stoppedUs + 3_000_000), 125, 3);
    for (const light of ['RING1', 'HOLD', 'LENGTH', 'APOLOGISE'] as const) expect(sim.level(L[light])).toBe(0);
  });
});
