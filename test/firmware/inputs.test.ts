// Report digital on the real firmware: the hook switch and hold button, driven from the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator } from '../peers/simavr.ts';
import { BoardLink, closeSimulatedBoard, openSimulatedBoard } from './board-link.ts';

const HOOK = 14; // port 1, bit 6
const HOLD_BUTTON = 15; // port 1, bit 7
const PORT1 = 0x91;

let sim: Simulator;
let link: BoardLink;
const port1Value = (m: number[]) => (m[1] as number) | ((m[2] as number) << 7);
const isPort1 = (m: number[]) => m[0] === PORT1;

beforeAll(async () => {
  ({ sim, link } = await openSimulatedBoard());
  await link.send([0xf0, 0x03, 0, 0, 0xf7]); // watchdog off: this file is about inputs
});
afterAll(async () => {
  await closeSimulatedBoard({ sim, link });
});

describe('report digital', () => {
  it('sends the port at once when enabled: both pull-up inputs read high while released', async () => {
    const reply = await link.request([0xd1, 0x01], isPort1);
    expect(port1Value(reply)).toBe((1 << 6) | (1 << 7));
  });

  it('reports the hook switch going off-hook (pulled low) and back', async () => {
    const low = link.next(isPort1);
    await sim.setInput(HOOK, 0);
    expect(port1Value(await low)).toBe(1 << 7);
    const high = link.next(isPort1);
    await sim.setInput(HOOK, 1);
    expect(port1Value(await high)).toBe((1 << 6) | (1 << 7));
  });

  it('reports a hold button press and keeps the pull-up through writes to the same port', async () => {
    const pressed = link.next(isPort1);
    await sim.setInput(HOLD_BUTTON, 0);
    expect(port1Value(await pressed)).toBe(1 << 6);
    // writing outputs of port 1 (pins 8-13) must not disturb the inputs on it
    await link.send([PORT1, 0b0000001, 0]);
    await sim.waitForLevel(8, 1, 2000);
    const state = await link.request([0xf0, 0x6d, HOLD_BUTTON, 0xf7], (m) => m[1] === 0x6e);
    expect(state).toEqual([0xf0, 0x6e, HOLD_BUTTON, 0x0b, 1, 0xf7]);
    const released = link.next(isPort1);
    await sim.setInput(HOLD_BUTTON, 1);
    expect(port1Value(await released)).toBe((1 << 6) | (1 << 7));
  });

  it('stops reporting when disabled', async () => {
    await link.request([0xd1, 0x00, 0xf9], (m) => m[0] === 0xf9); // processed before the switch moves
    const before = link.messages.filter(isPort1).length;
    await sim.setInput(HOOK, 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(link.messages.filter(isPort1).length).toBe(before);
    await sim.setInput(HOOK, 1);
  });

  it('rejects a bad harness command with an error naming it', async () => {
    await expect(sim.setInput(1, 0)).rejects.toThrow(/pin 1/);
  });
});
