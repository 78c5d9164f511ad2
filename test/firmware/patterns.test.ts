// DESK_PATTERN, digital writes and system reset on the real firmware; blink timing is read in simulated time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LevelChange, type Simulator } from '../peers/simavr.ts';
import { BoardLink, isProblem, isSysex, sysexText, closeSimulatedBoard, openSimulatedBoard } from './board-link.ts';

const OFF = 0;
const ON = 1;
const BLINK = 2;
const FAST = 3;
// The tick is 1 ms; the harness reports to the cycle batch (0.5 ms). 2 ms covers both.
const TOLERANCE_US = 2000;

let sim: Simulator;
let link: BoardLink;
let keepAlive: NodeJS.Timeout | undefined;

const pattern = (pin: number, p: number) => link.send([0xf0, 0x01, pin, p, 0xf7]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (in wall time, generously) until `enough()` holds: the simulator runs slower than real time on a loaded
 * machine, so the checks count simulated periods instead of trusting a wall-clock window.
 */
async function until(enough: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!enough()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Times between consecutive changes, ignoring the first change (a pattern starts mid-phase). */
function halfPeriodsUs(changes: readonly LevelChange[]): number[] {
  const out: number[] = [];
  for (let i = 2; i < changes.length; i++) out.push((changes[i] as LevelChange).simUs - (changes[i - 1] as LevelChange).simUs);
  return out;
}

beforeAll(async () => {
  ({ sim, link } = await openSimulatedBoard());
  // Heartbeats keep the host watchdog fed, so "controller lost" never overrides these patterns.
  keepAlive = setInterval(() => void link.send([0xf0, 0x02, 0xf7]).catch(() => undefined), 400);
});
afterEach(async () => {
  await link.send([0xff]); // system reset: every pattern cleared
});
afterAll(async () => {
  clearInterval(keepAlive);
  await closeSimulatedBoard({ sim, link });
});

describe('DESK_PATTERN', () => {
  it('echoes the heartbeat', async () => {
    const reply = await link.request([0xf0, 0x02, 0xf7], isSysex(0x02));
    expect(reply).toEqual([0xf0, 0x02, 0xf7]);
  });

  it('turns a light on and off', async () => {
    await pattern(3, ON);
    await sim.waitForLevel(3, 1, 2000);
    await pattern(3, OFF);
    await sim.waitForLevel(3, 0, 2000);
  });

  it('blinks 500 ms on / 500 ms off in simulated time', async () => {
    const before = sim.history(6).length;
    await pattern(6, BLINK);
    await until(() => halfPeriodsUs(sim.history(6).slice(before)).length >= 3, 'three half-periods');
    const changes = sim.history(6).slice(before);
    const halves = halfPeriodsUs(changes);
    expect(halves.length).toBeGreaterThanOrEqual(3);
    for (const h of halves) expect(Math.abs(h - 500_000)).toBeLessThanOrEqual(TOLERANCE_US);
    // alternating levels, no glitches
    changes.forEach((c, i) => i > 0 && expect(c.level).not.toBe(changes[i - 1]?.level));
  });

  it('blinks fast: 125 ms on / 125 ms off in simulated time', async () => {
    const before = sim.history(7).length;
    await pattern(7, FAST);
    await until(() => halfPeriodsUs(sim.history(7).slice(before)).length >= 6, 'six fast half-periods');
    const halves = halfPeriodsUs(sim.history(7).slice(before));
    expect(halves.length).toBeGreaterThanOrEqual(6);
    for (const h of halves) expect(Math.abs(h - 125_000)).toBeLessThanOrEqual(TOLERANCE_US);
  });

  it('blinks every light on one phase clock, even when started at different times', async () => {
    const before3 = sim.history(3).length;
    const before4 = sim.history(4).length;
    await pattern(3, BLINK);
    await sleep(230);
    await pattern(4, BLINK);
    const risesOf = (pin: number, from: number) => sim.history(pin).slice(from).filter((c) => c.level === 1).length;
    await until(() => risesOf(3, before3) >= 3 && risesOf(4, before4) >= 3, 'three rises on both lights');
    const rises = (pin: number, from: number) =>
      sim
        .history(pin)
        .slice(from)
        .filter((c) => c.level === 1)
        .map((c) => Math.round(c.simUs / 1000));
    const r3 = rises(3, before3);
    const r4 = rises(4, before4);
    const common = r4.filter((t) => r3.some((u) => Math.abs(u - t) <= 1));
    expect(common.length).toBeGreaterThanOrEqual(2);
  });

  it('rejects an unknown pattern and leaves the light as it was', async () => {
    await pattern(5, ON);
    await sim.waitForLevel(5, 1, 2000);
    const problem = await link.request([0xf0, 0x01, 5, 0x09, 0xf7], isProblem);
    expect(sysexText(problem)).toContain('unknown pattern: 0x09');
    await sleep(300);
    expect(sim.level(5)).toBe(1);
  });
});

describe('Firmata writes', () => {
  it('sets a port with a digital message and cancels a blink on it', async () => {
    await pattern(9, BLINK);
    await sim.waitForLevel(9, 1, 2000);
    // port 1 = pins 8-15: pin 9 (bit 1) and pin 10 (bit 2) high, pin 8 low
    await link.send([0x91, 0b0000110, 0x00]);
    await sim.waitForLevel(10, 1, 2000);
    const count = sim.history(9).length;
    await sleep(1200);
    expect(sim.level(9)).toBe(1);
    expect(sim.history(9).length).toBe(count);
    expect(sim.level(8)).toBe(0);
  });

  it('sets one pin with set digital pin value, and never touches an input pin', async () => {
    await link.send([0xf5, 12, 1]);
    await sim.waitForLevel(12, 1, 2000);
    await link.send([0xf5, 12, 0]);
    await sim.waitForLevel(12, 0, 2000);
    const state = await link.request([0xf5, 14, 1, 0xf0, 0x6d, 14, 0xf7], isSysex(0x6e));
    expect(state).toEqual([0xf0, 0x6e, 14, 0x0b, 1, 0xf7]); // still a pull-up input
    expect(sim.level(14)).toBeUndefined();
  });

  it('turns every output off on system reset', async () => {
    await pattern(2, ON);
    await pattern(11, FAST);
    await pattern(13, ON);
    await sim.waitForLevel(13, 1, 2000);
    await link.send([0xff]);
    await sim.waitForLevel(2, 0, 2000);
    await sim.waitForLevel(13, 0, 2000);
    await sim.waitForLevel(11, 0, 2000);
    const count = sim.history(11).length;
    await sleep(400);
    expect(sim.history(11).length).toBe(count);
  });
});
