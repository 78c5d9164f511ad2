// The host watchdog on the real firmware: silence shows "controller lost", speaking again restores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator } from '../peers/simavr.ts';
import { BoardLink, closeSimulatedBoard, openSimulatedBoard } from './board-link.ts';

const READY = 2;
const RING1 = 3;
const HOLD = 8;
const RINGER = 13;
const LIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const TOLERANCE_US = 2000;

let sim: Simulator;
let link: BoardLink;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pattern = (pin: number, p: number) => link.send([0xf0, 0x01, pin, p, 0xf7]);

/** Half-periods of READY since history index `from`, ignoring the first change. */
function readyHalves(from: number): number[] {
  const h = sim.history(READY).slice(from);
  return h.slice(2).map((c, i) => c.simUs - (h[i + 1]?.simUs ?? 0));
}

beforeAll(async () => {
  ({ sim, link } = await openSimulatedBoard());
});
afterAll(async () => {
  await closeSimulatedBoard({ sim, link });
});

describe('host watchdog', () => {
  it('shows controller lost 3 s after power-on when the host never speaks', async () => {
    const firstBlink = await sim.waitForLevel(READY, 1, 6000);
    expect(Math.abs(firstBlink.simUs - 3_000_000)).toBeLessThanOrEqual(TOLERANCE_US);
    await sleep(700);
    const halves = readyHalves(0);
    expect(halves.length).toBeGreaterThanOrEqual(3);
    for (const h of halves) expect(Math.abs(h - 125_000)).toBeLessThanOrEqual(TOLERANCE_US);
  });

  it('after 3 s of silence turns every light and the ringer off except READY, which blinks fast', async () => {
    await pattern(READY, 1);
    await pattern(RING1, 1);
    await pattern(HOLD, 2);
    await pattern(RINGER, 1);
    const lastMessage = await sim.waitForLevel(RINGER, 1, 2000);
    await sim.waitForLevel(RING1, 1, 2000);
    const from = sim.history(READY).length;

    const ringerOff = await sim.waitForLevel(RINGER, 0, 5000);
    // lost exactly one timeout after the last message, in simulated time (1 ms tick)
    expect(ringerOff.simUs - lastMessage.simUs).toBeGreaterThanOrEqual(3_000_000 - TOLERANCE_US);
    expect(ringerOff.simUs - lastMessage.simUs).toBeLessThanOrEqual(3_000_000 + TOLERANCE_US);
    await sleep(800);
    for (const pin of LIGHTS.filter((p) => p !== READY)) expect(sim.level(pin), `pin ${pin}`).toBe(0);
    const halves = readyHalves(from);
    expect(halves.length).toBeGreaterThanOrEqual(4);
    for (const h of halves) expect(Math.abs(h - 125_000)).toBeLessThanOrEqual(TOLERANCE_US);
    const holdChanges = sim.history(HOLD).filter((c) => c.simUs > ringerOff.simUs + 1000);
    expect(holdChanges).toEqual([]);
  });

  it('restores the patterns the host last set as soon as the host speaks again', async () => {
    await link.send([0xf0, 0x02, 0xf7]);
    await sim.waitForLevel(RING1, 1, 2000);
    await sim.waitForLevel(RINGER, 1, 2000);
    const readyOn = await sim.waitForLevel(READY, 1, 2000);
    const from = sim.history(HOLD).length;
    // Let 1.2 s of simulated time pass: on a loaded machine the simulator runs slower than the wall clock, so
    // wait on its clock (HOLD's blinking keeps reporting it), not on a fixed wall-clock sleep.
    const deadline = Date.now() + 15_000;
    while (sim.lastSimUs() - readyOn.simUs < 1_200_000) {
      if (Date.now() > deadline) throw new Error(`simulated time stalled at ${sim.lastSimUs()} us`);
      await sleep(50);
    }
    const hold = sim.history(HOLD).slice(from);
    expect(hold.length).toBeGreaterThanOrEqual(2); // blinking again
    // READY is steady on again: no change in that simulated second.
    expect(sim.history(READY).at(-1)).toEqual(readyOn);
  });

  it('uses the timeout DESK_WATCHDOG sets, and 0 turns it off', async () => {
    const SPARE = 16; // not a panel pin: its pattern marks when the message arrived, and survives a loss
    await link.send([0xf0, 0x03, 1000 & 0x7f, 1000 >> 7, 0xf7, 0xf0, 0x01, SPARE, 1, 0xf7]);
    const spokeAt = await sim.waitForLevel(SPARE, 1, 2000);
    const ringerOff = await sim.waitForLevel(RINGER, 0, 3000);
    expect(Math.abs(ringerOff.simUs - spokeAt.simUs - 1_000_000)).toBeLessThanOrEqual(TOLERANCE_US);
    expect(sim.level(SPARE)).toBe(1);

    await link.send([0xf0, 0x03, 0, 0, 0xf7]); // off
    await sim.waitForLevel(RINGER, 1, 2000);
    const count = sim.history(RINGER).length;
    await sleep(3600);
    expect(sim.history(RINGER).length).toBe(count);
    expect(sim.level(READY)).toBe(1);
  });
});
